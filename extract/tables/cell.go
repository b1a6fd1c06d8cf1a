// Package tables reads the three standard tables of an annual report
// (二、主动公开 "proactive", 三、依申请 "requests", 四、复议诉讼
// "review_litigation") into cells keyed by the stable ids of
// ../shared/spec/report-format.md, and runs the consistency checks.
package tables

// Cell is one table cell as published and as a number.
// Value is nil for a blank cell; money is in 万元.
type Cell struct {
	Raw   string   `json:"raw"`
	Value *float64 `json:"value"`
}

// Tables maps table id → row id → column id → cell, with the ids of
// report-format.md used whole as keys ("denied.state_secret" is one key).
// Table ids: "proactive", "requests", "review_litigation".
type Tables map[string]map[string]map[string]Cell

// Check is the outcome of one consistency check (report-format.md, Checks).
type Check struct {
	ID     string `json:"id"`     // requests.balance | requests.total | requests.columns | review_litigation.totals
	Status string `json:"status"` // ok | failed | skipped
	Detail string `json:"detail,omitempty"`
}

// Check statuses.
const (
	CheckOK      = "ok"
	CheckFailed  = "failed"
	CheckSkipped = "skipped"
)

// Result is what Parse found in one document.
type Result struct {
	Template string // "2019" or "2021" when the tables say so; "" when no standard table was found
	Tables   Tables
	Source   string   // "html" (a <table>), "text" (cells as paragraphs/lines)
	Warnings []string // labels not recognised, cells that could not be placed, ...
}

package extract

import "github.com/gongkai/gongkai/extract/tables"

// Record is one parsed version of one page: the export record of
// ../shared/spec/interface.md. Field names and JSON keys are a public
// contract; extend, never rename.
type Record struct {
	URL           string   `json:"url"`
	CapturedAt    []string `json:"captured_at,omitempty"` // RFC 3339 UTC; filled by the archive/export, not by extraction
	SHA256        string   `json:"sha256"`
	ContentType   string   `json:"content_type"`
	Charset       string   `json:"charset"`
	CharsetSource string   `json:"charset_source"` // http-header | meta | bom | sniffed | override
	Degraded      bool     `json:"degraded,omitempty"`
	Replacements  int      `json:"replacement_chars,omitempty"` // U+FFFD left after decoding

	Title    string `json:"title"`
	Agency   string `json:"agency"`
	Region   string `json:"region,omitempty"`
	Year     int    `json:"year,omitempty"`
	Template string `json:"template,omitempty"` // legacy | 2019 | 2021
	Kind     string `json:"kind"`               // report | copy | not_report

	Meta          Meta           `json:"meta"`
	Tables        Tables         `json:"tables,omitempty"`
	TablesSource  string         `json:"tables_source,omitempty"` // html | text | docx | none (e.g. a PDF-only report)
	LegacyFigures []LegacyFigure `json:"legacy_figures,omitempty"`
	Checks        []Check        `json:"checks,omitempty"`
	Sections      Sections       `json:"sections"`
	Attachments   []Attachment   `json:"attachments,omitempty"`
	Text          string         `json:"text"`
	Warnings      []string       `json:"warnings,omitempty"` // what extraction noticed but could not resolve
}

// Kinds of page.
const (
	KindReport    = "report"     // an agency's own annual report
	KindCopy      = "copy"       // a report text on a non-government site
	KindNotReport = "not_report" // anything else that was looked at
)

// Templates of report (report-format.md).
const (
	TemplateLegacy = "legacy" // 2008–2018, free text
	Template2019   = "2019"   // 2019–2020 State Council template
	Template2021   = "2021"   // 2021 revision
)

// Meta is the metadata block portals print above the article
// (索引号, 文号, 发布机构, 成文日期, 发布日期, 公开方式, 公开范围, 来源, 主题分类).
type Meta struct {
	IndexNo         string `json:"index_no"`         // 索引号
	DocNo           string `json:"doc_no"`           // 文号 / 文件编号
	Publisher       string `json:"publisher"`        // 发布机构
	WrittenDate     string `json:"written_date"`     // 成文日期, YYYY-MM-DD
	PublishedDate   string `json:"published_date"`   // 发布日期, YYYY-MM-DD
	DisclosureMode  string `json:"disclosure_mode"`  // 公开方式
	DisclosureScope string `json:"disclosure_scope"` // 公开范围
	Source          string `json:"source"`           // 来源
	Topic           string `json:"topic"`            // 主题分类
}

// Cell, Tables and Check are defined by the tables stage; they are part of
// the record, so they are re-exported here.
type (
	Cell   = tables.Cell
	Tables = tables.Tables
	Check  = tables.Check
)

// Check statuses.
const (
	CheckOK      = tables.CheckOK
	CheckFailed  = tables.CheckFailed
	CheckSkipped = tables.CheckSkipped
)

// LegacyFigure is a figure read from a sentence of a legacy report.
type LegacyFigure struct {
	Name     string  `json:"name"` // proactive_total | requests_received | review | litigation
	Value    float64 `json:"value"`
	Sentence string  `json:"sentence"`
}

// Sections holds the free-text sections of a report.
type Sections struct {
	Overview string `json:"overview,omitempty"` // 一、总体情况
	Problems string `json:"problems,omitempty"` // 五、存在的主要问题及改进情况
	Other    string `json:"other,omitempty"`    // 六、其他需要报告的事项
}

// Attachment is a linked file in the article body.
type Attachment struct {
	URL         string `json:"url"`
	Text        string `json:"text,omitempty"` // anchor text
	SHA256      string `json:"sha256,omitempty"`
	ContentType string `json:"content_type,omitempty"`
}

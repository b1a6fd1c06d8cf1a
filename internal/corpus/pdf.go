package corpus

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

//go:embed pdf/*.pdf pdf/*.truth.json
var pdfs embed.FS

// PDF is one real PDF report of ../shared/corpus/pdf as the agency published
// it, with its hand-checked truth (pdf/*.truth.json).
type PDF struct {
	Name  string // file name, e.g. "hongze_2023.pdf"
	Bytes []byte
	Truth PDFTruth
}

// PDFTruth is a *.truth.json file: the report's metadata, every table cell
// keyed "table.row.column" as in report-format.md, and the outcome of each
// consistency check on the published figures.
type PDFTruth struct {
	File     string             `json:"file"`
	Title    string             `json:"title"`
	Agency   string             `json:"agency"`
	Year     int                `json:"year"`
	Template string             `json:"template"`
	Cells    map[string]float64 `json:"cells"`
	Checks   map[string]string  `json:"checks"`
	Notes    json.RawMessage    `json:"notes,omitempty"`
}

// PDFs returns the embedded corpus PDFs with their truth, in name order.
func PDFs() ([]PDF, error) {
	entries, err := pdfs.ReadDir("pdf")
	if err != nil {
		return nil, fmt.Errorf("corpus: list pdfs: %w", err)
	}
	var out []PDF
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".pdf") {
			continue
		}
		b, err := pdfs.ReadFile("pdf/" + name)
		if err != nil {
			return nil, fmt.Errorf("corpus: read %s: %w", name, err)
		}
		tb, err := pdfs.ReadFile("pdf/" + strings.TrimSuffix(name, ".pdf") + ".truth.json")
		if err != nil {
			return nil, fmt.Errorf("corpus: truth of %s: %w", name, err)
		}
		p := PDF{Name: name, Bytes: b}
		if err := json.Unmarshal(tb, &p.Truth); err != nil {
			return nil, fmt.Errorf("corpus: truth of %s: %w", name, err)
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// PDFByName returns the corpus PDF of that file name ("hongze_2024.pdf").
func PDFByName(name string) (PDF, error) {
	all, err := PDFs()
	if err != nil {
		return PDF{}, err
	}
	for _, p := range all {
		if p.Name == name {
			return p, nil
		}
	}
	return PDF{}, fmt.Errorf("corpus: no PDF %q", name)
}

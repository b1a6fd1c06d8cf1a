// Package corpus holds the real annual reports of ../shared/corpus, embedded,
// with the truth about each one (metadata, every table cell as published), and
// synthetic reports for what the corpus lacks (the 2021 template). Fixtures,
// the demo portal and the end-to-end tests are all built from it.
package corpus

import (
	"embed"
	"fmt"
	"sort"
	"strings"
)

//go:embed texts/*.txt
var texts embed.FS

// Text is one corpus file as captured: UTF-8, table cells one per line.
type Text struct {
	Name string // file name, e.g. "001_804bc5c71be8d781.txt"
	Body string
}

// Texts returns the embedded corpus files in name order.
func Texts() ([]Text, error) {
	entries, err := texts.ReadDir("texts")
	if err != nil {
		return nil, fmt.Errorf("corpus: list texts: %w", err)
	}
	var out []Text
	for _, e := range entries {
		b, err := texts.ReadFile("texts/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("corpus: read %s: %w", e.Name(), err)
		}
		out = append(out, Text{Name: e.Name(), Body: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// TextByPrefix returns the corpus file whose name starts with prefix ("001").
func TextByPrefix(prefix string) (Text, error) {
	all, err := Texts()
	if err != nil {
		return Text{}, err
	}
	for _, t := range all {
		if strings.HasPrefix(t.Name, prefix) {
			return t, nil
		}
	}
	return Text{}, fmt.Errorf("corpus: no text %q", prefix)
}

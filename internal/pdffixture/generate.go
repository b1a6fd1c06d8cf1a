package pdffixture

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"

	"github.com/gongkai/gongkai/internal/corpus"
	"github.com/gongkai/gongkai/internal/fixture"
)

// Programs are the paths of the renderers' executables ("" when absent)
// and whether fontconfig knows a Chinese font (without one both programs
// print boxes).
type Programs struct {
	Chromium, Soffice string
	CJKFont           bool
}

// FindPrograms looks the renderers up on PATH and asks fontconfig for a
// font that covers Chinese.
func FindPrograms() Programs {
	p := Programs{Chromium: ChromiumPath(), Soffice: SofficePath()}
	if out, err := exec.Command("fc-list", ":lang=zh", "family").Output(); err == nil {
		p.CJKFont = len(bytes.TrimSpace(out)) > 0
	}
	return p
}

// Missing names the programs that are not installed.
func (p Programs) Missing() []string {
	var m []string
	if p.Chromium == "" {
		m = append(m, "chromium")
	}
	if p.Soffice == "" {
		m = append(m, "soffice (libreoffice-writer-nogui)")
	}
	if !p.CJKFont {
		m = append(m, "a Chinese font (fonts-noto-cjk)")
	}
	return m
}

// Render renders every report in every variant and returns the fixtures,
// named as in testdata/. Chromium prints the UTF-8 page of the report with
// its metadata table; LibreOffice converts the DOCX.
func Render(ctx context.Context, progs Programs, reports []corpus.Report) ([]Fixture, error) {
	pages, docs := map[string][]byte{}, map[string][]byte{}
	truth := map[string]Truth{}
	for _, r := range reports {
		for _, v := range Variants {
			if !v.AppliesTo(r) {
				continue
			}
			name := FileName(r.ID, v)
			truth[name] = TruthOf(r, v)
			switch v.Renderer {
			case Chromium:
				p, err := fixture.Render(r, fixture.Options{Style: v.HTML, Meta: fixture.MetaTable,
					Encoding: fixture.EncUTF8, Label: fixture.LabelCorrect})
				if err != nil {
					return nil, fmt.Errorf("pdffixture %s: %w", name, err)
				}
				body, err := withBorders(p.Body, v.Borders)
				if err != nil {
					return nil, fmt.Errorf("pdffixture %s: %w", name, err)
				}
				pages[name] = body
			case LibreOffice:
				b, err := fixture.DOCX(r)
				if err != nil {
					return nil, fmt.Errorf("pdffixture %s: %w", name, err)
				}
				docs[name] = b
			}
		}
	}
	printed, err := PrintChromium(ctx, progs.Chromium, pages)
	if err != nil {
		return nil, err
	}
	converted, err := ConvertSoffice(ctx, progs.Soffice, docs)
	if err != nil {
		return nil, err
	}
	var out []Fixture
	for _, m := range []map[string][]byte{printed, converted} {
		for _, name := range slices.Sorted(maps.Keys(m)) {
			out = append(out, Fixture{Name: name, Bytes: m[name], Truth: truth[name]})
		}
	}
	return out, nil
}

// Write stores fixtures in dir as NAME.pdf and NAME.truth.json.
func Write(dir string, fixtures []Fixture) error {
	for _, f := range fixtures {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Bytes, 0o644); err != nil {
			return fmt.Errorf("pdffixture: %w", err)
		}
		b, err := json.MarshalIndent(f.Truth, "", "  ")
		if err != nil {
			return fmt.Errorf("pdffixture: truth of %s: %w", f.Name, err)
		}
		tname := f.Name[:len(f.Name)-len(".pdf")] + ".truth.json"
		if err := os.WriteFile(filepath.Join(dir, tname), append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("pdffixture: %w", err)
		}
	}
	return nil
}

// withBorders lays border style borders (Borderless, ThreeLine; "" keeps
// the page) over a page by a style sheet at the end of its head, as a CMS
// theme's CSS restyles the tables an editor pasted.
func withBorders(page []byte, borders string) ([]byte, error) {
	if borders == "" {
		return page, nil
	}
	css, ok := borderCSS[borders]
	if !ok {
		return nil, fmt.Errorf("unknown border style %q", borders)
	}
	i := bytes.Index(page, []byte("</head>"))
	if i < 0 {
		return nil, fmt.Errorf("border style %s: the page has no </head>", borders)
	}
	return slices.Concat(page[:i], []byte("<style>\n"+css+"\n</style>\n"), page[i:]), nil
}

package pdffixture

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"

	"github.com/gongkai/gongkai/internal/corpus"
)

// The committed fixtures are what Render makes: one PDF per report and
// variant, made by the program its name says, and truth that is still
// exactly the source report's (a corpus change must regenerate them).
func TestCommittedFixtures(t *testing.T) {
	fixtures, err := All()
	if err != nil {
		t.Fatal(err)
	}
	reports, err := corpus.Reports()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Fixture{}
	for _, f := range fixtures {
		byName[f.Name] = f
	}
	n := 0
	for _, r := range reports {
		for _, v := range Variants {
			if !v.AppliesTo(r) {
				continue
			}
			n++
			name := FileName(r.ID, v)
			f, ok := byName[name]
			if !ok {
				t.Errorf("%s missing: run go test ./internal/pdffixture -run TestRegenerate -update", name)
				continue
			}
			if want := TruthOf(r, v); !reflect.DeepEqual(f.Truth, want) {
				t.Errorf("%s: truth differs from report %s: run -update", name, r.ID)
			}
			if !bytes.HasPrefix(f.Bytes, []byte("%PDF-1.")) || !bytes.Contains(f.Bytes[max(0, len(f.Bytes)-64):], []byte("%%EOF")) {
				t.Errorf("%s: not a whole PDF file", name)
			}
			producer := map[string]string{Chromium: "Skia/PDF", LibreOffice: "LibreOffice"}[v.Renderer]
			if !bytes.Contains(f.Bytes, []byte(producer)) && !bytes.Contains(f.Bytes, utf16Hex(producer)) {
				t.Errorf("%s: producer %q not named in the file", name, producer)
			}
		}
	}
	if len(fixtures) != n {
		t.Errorf("%d fixtures in testdata, want %d", len(fixtures), n)
	}
	cells := 0
	for _, f := range fixtures {
		cells += len(f.Truth.Raw)
	}
	if cells < 2000 {
		t.Errorf("only %d cells in the truth of all fixtures", cells)
	}
	t.Logf("%d fixtures, %d cells", len(fixtures), cells)
}

// utf16Hex is s as a PDF hex string in UTF-16BE with its BOM, the form
// LibreOffice writes its info dictionary in.
func utf16Hex(s string) []byte {
	out := []byte("<FEFF")
	for _, r := range s {
		out = fmt.Appendf(out, "%04X", r)
	}
	return out
}

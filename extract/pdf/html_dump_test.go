package pdf

import (
	"context"
	"os"
	"testing"
)

func TestDumpHTML(t *testing.T) {
	dir := os.Getenv("PDF_HTML_DUMP")
	if dir == "" {
		t.Skip("PDF_HTML_DUMP not set")
	}
	for _, p := range corpusPDFs(t) {
		doc, err := testEngine(t).Read(context.Background(), p.Bytes, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(dir+"/"+p.Name+".html", []byte(HTML(doc)), 0o644)
	}
}

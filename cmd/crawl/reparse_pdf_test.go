package main

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/corpus"
)

// TestReparsePDF: a PDF report archived when PDFs were not read (a record
// of an older parser version, tables_source "none") gets its tables from
// `crawl reparse`.
func TestReparsePDF(t *testing.T) {
	pdfs, err := corpus.PDFs()
	if err != nil {
		t.Fatal(err)
	}
	p := pdfs[0] // hongze_2023.pdf
	dir := t.TempDir()
	db := filepath.Join(dir, "archive.db")
	s, err := archive.Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u := "http://www.hongze.gov.cn/xxgk/ndbg/2024/" + p.Name
	c := archive.Capture{URL: u, FinalURL: u, Seed: "http://www.hongze.gov.cn/", Agency: "洪泽区", FetchedAt: day0,
		Status: 200, Proto: "HTTP/1.1", Header: http.Header{"Content-Type": {"application/pdf"}}}
	res, err := s.AddCapture(ctx, c, p.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	old := `{"url":"` + u + `","kind":"report","tables_source":"none","warnings":["tables could not be read from this format (PDF): text not extracted"]}`
	if err := s.PutParsed(ctx, archive.Parsed{Digest: res.Capture.Digest, ParserVersion: extract.ParserVersion - 1, URL: u,
		Kind: "report", Agency: "洪泽区", Year: 2023, JSON: []byte(old)}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	r := mustCrawl(t, dir, "reparse", "--db", db)
	if !strings.Contains(r.stdout, "1 extracted, 0 already up to date, 0 failed") {
		t.Fatalf("reparse: %s", r.stdout)
	}
	out := mustCrawl(t, dir, "export", "--db", db, "--format", "jsonl", "--kind", "all").stdout
	var rec extract.Record
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &rec); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	if rec.TablesSource != "pdf" || rec.Year != 2023 || rec.Template != "2021" {
		t.Fatalf("after reparse: tables_source %q year %d template %q; warnings %q", rec.TablesSource, rec.Year, rec.Template, rec.Warnings)
	}
	fees := rec.Tables["proactive"]["fees"]["amount"]
	review := rec.Tables["review_litigation"]["review"]["upheld"]
	if fees.Value == nil || *fees.Value != 7730.28 || review.Raw != "10" {
		t.Errorf("fees %+v, review.upheld %+v; want 7730.28 and 10", fees, review)
	}
}

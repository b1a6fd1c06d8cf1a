package export

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestWARCAgainstWarcio reads the exported WARC with an independent
// implementation, webrecorder's warcio.js (npm package warcio; no WARC
// validator is packaged by Debian): its CDXJ index of the file must equal
// ours line for line (SURT key, timestamp, url, mime, status, digest,
// length, offset, filename). Skipped when the warcio command is not
// installed (`npm install -g warcio`, or WARCIO=/path/to/warcio).
func TestWARCAgainstWarcio(t *testing.T) {
	warcio := os.Getenv("WARCIO")
	if warcio == "" {
		var err error
		if warcio, err = exec.LookPath("warcio"); err != nil {
			t.Skip("warcio (npm) not installed")
		}
	}
	m, _ := fixtureArchive()
	dir := t.TempDir()
	var w, cdx bytes.Buffer
	if _, err := WARC(context.Background(), m, &w, WARCOptions{Filename: "x.warc.gz", CDX: &cdx}, nil); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "x.warc.gz")
	if err := os.WriteFile(path, w.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(warcio, "cdx-index", path).Output()
	if err != nil {
		t.Fatalf("warcio cdx-index: %v", err)
	}
	theirs := strings.Split(strings.TrimSpace(string(out)), "\n")
	slices.Sort(theirs)
	ours := strings.Split(strings.TrimSpace(cdx.String()), "\n")
	if !slices.Equal(theirs, ours) {
		t.Errorf("warcio's index of our WARC:\n%s\nours:\n%s", strings.Join(theirs, "\n"), strings.Join(ours, "\n"))
	}
}

//go:build unix

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestExportUmask: exports are created as the user's umask allows, not
// 0600.
func TestExportUmask(t *testing.T) {
	ta := newTestArchive(t)
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	for _, tc := range []struct {
		umask int
		want  os.FileMode
	}{{0o022, 0o644}, {0o077, 0o600}, {0o002, 0o664}} {
		syscall.Umask(tc.umask)
		out := filepath.Join(ta.dir, fmt.Sprintf("out-%o.jsonl", tc.umask))
		mustCrawl(t, ta.dir, "export", "--db", ta.db, "--format", "jsonl", "--out", out)
		fi, err := os.Stat(out)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != tc.want {
			t.Errorf("umask %03o: export is %v, want %v", tc.umask, fi.Mode().Perm(), tc.want)
		}
	}
}

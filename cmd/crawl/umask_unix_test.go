//go:build unix

package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
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

// TestExportToPipe: --out naming a FIFO (or a device such as /dev/null)
// writes into it; the export must not rename a file over the node, as it
// once replaced /dev/null with a regular file.
func TestExportToPipe(t *testing.T) {
	ta := newTestArchive(t)
	fifo := filepath.Join(ta.dir, "export.fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	got := make(chan []byte, 1)
	go func() {
		b, _ := os.ReadFile(fifo) // blocks until the export opens the pipe
		got <- b
	}()
	mustCrawl(t, ta.dir, "export", "--db", ta.db, "--format", "jsonl", "--out", fifo)
	var b []byte
	select {
	case b = <-got:
	case <-time.After(10 * time.Second):
		// The reader still waits: the export never opened the pipe.
		t.Fatalf("the export did not write into %s", fifo)
	}
	if n := bytes.Count(b, []byte("\n")); n == 0 || !bytes.HasPrefix(b, []byte(`{"url":`)) {
		t.Errorf("read %d bytes (%d lines) from the pipe, want JSONL records: %.80q", len(b), n, b)
	}
	fi, err := os.Lstat(fifo)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("after the export %s is %v, want the named pipe still there", fifo, fi.Mode())
	}
}

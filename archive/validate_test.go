package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// smallArchive writes an archive of 40 captures and returns its bytes.
func smallArchive(t *testing.T) []byte {
	t.Helper()
	s, path := openTemp(t)
	for i := 0; i < 40; i++ {
		mustAdd(t, s, Capture{URL: "http://a.gov.cn/" + strings.Repeat("x", i), Status: 200}, page(i))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestOpenRefusesCutFile: a file cut anywhere short of its last page is
// refused by every open, read-only or not, with a DamageError and without
// a byte written; the whole file opens.
func TestOpenRefusesCutFile(t *testing.T) {
	data := smallArchive(t)
	dir := t.TempDir()
	meta := data[pageHeaderSize:] // the newer meta page's high-water mark
	if m1 := data[4096+pageHeaderSize:]; le.Uint64(m1[48:]) > le.Uint64(meta[48:]) {
		meta = m1
	}
	need := int(le.Uint64(meta[40:])) * 4096
	if need > len(data) || need < 5*4096 {
		t.Fatalf("high-water mark %d bytes, file %d", need, len(data))
	}
	for _, n := range []int{0, 1, 4095, 4096, 8192, 12288, need / 2, need - 4096, need - 1} {
		for _, ro := range []bool{true, false} {
			path := filepath.Join(dir, "cut.db")
			if err := os.WriteFile(path, data[:n], 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := Open(path, &Options{ReadOnly: ro})
			var de *DamageError
			if !errors.As(err, &de) || !errors.Is(err, ErrCorrupt) {
				if s != nil {
					s.Close()
				}
				t.Fatalf("cut at %d, read-only %v: Open = %v, want a DamageError", n, ro, err)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, data[:n]) {
				t.Errorf("cut at %d, read-only %v: the file changed", n, ro)
			}
		}
	}
	path := filepath.Join(dir, "whole.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(context.Background())
	if err != nil || st.Captures != 40 {
		t.Errorf("whole file: %d captures, %v", st.Captures, err)
	}
	s.Close()
}

// TestWriterRefusesDamagedTree: damage inside the tree (not in the
// header) is found by the walk before an open for writing, which leaves
// the file as it was.
func TestWriterRefusesDamagedTree(t *testing.T) {
	data := smallArchive(t)
	dir := t.TempDir()
	r := &rawFile{path: "x"}
	// Find the leaf pages through the walk, then damage one in three ways.
	path := filepath.Join(dir, "a.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	r.f = f
	if err := r.readMeta(); err != nil {
		t.Fatal(err)
	}
	var leaves []uint64
	for id := uint64(2); id < r.meta.hwm; id++ {
		if p, err := r.page(id, false); err == nil && p.flags&flagLeaf != 0 && p.count > 2 {
			leaves = append(leaves, id)
		}
	}
	f.Close()
	if len(leaves) == 0 {
		t.Fatal("no leaf pages found")
	}
	ps := int(r.pageSize)
	damage := map[string]func(b []byte, off int){
		"page id":       func(b []byte, off int) { b[off] ^= 0x40 },
		"element count": func(b []byte, off int) { b[off+11] = 0x7f },
		"key offset":    func(b []byte, off int) { b[off+pageHeaderSize+elemSize+6] = 0x7f },
	}
	for name, fn := range damage {
		found := false
		for _, id := range leaves {
			b := bytes.Clone(data)
			fn(b, int(id)*ps)
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := Open(path, nil)
			if err == nil {
				s.Close()
				continue // a free page: nothing reads it
			}
			found = true
			var de *DamageError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), "nothing was written") {
				t.Errorf("%s on page %d: Open = %v", name, id, err)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, b) {
				t.Errorf("%s on page %d: the file changed", name, id)
			}
		}
		if !found {
			t.Errorf("%s: no damaged page was refused", name)
		}
	}
}

// BenchmarkValidateWritable is the walk an open for writing does before
// it lets anything write (rawWalk over every page), on an archive of 3,000
// distinct 20 KB pages; compare with BenchmarkOpenReadOnly (header only).
func BenchmarkValidateWritable(b *testing.B) {
	path := benchArchive(b, 3000)
	fi, _ := os.Stat(path)
	b.SetBytes(fi.Size())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := validateFile(path, true, time.Second); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenReadOnly: the header check every read command pays.
func BenchmarkOpenReadOnly(b *testing.B) {
	path := benchArchive(b, 3000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := validateFile(path, false, time.Second); err != nil {
			b.Fatal(err)
		}
	}
}

func benchArchive(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.db")
	s, err := Open(path, nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < n; i++ {
		body := bytes.Repeat(page(i), 20)
		if _, err := s.AddCapture(ctx, Capture{URL: fmt.Sprintf("http://a.gov.cn/%d.html", i), Status: 200}, body); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

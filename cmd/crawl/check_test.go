package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// damageRecords edits a closed archive as bit rot or a buggy tool would,
// keeping bbolt's structure sound: one payload's stored bytes changed,
// one index entry deleted, the captures counter off by one. It returns
// the damaged payload's digest and the deleted index key.
func damageRecords(t *testing.T, path string) (digest string, index []byte) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		pb := tx.Bucket([]byte("payloads"))
		k, _ := pb.Cursor().First()
		digest = strings.ToLower(strings.TrimSpace(string(hexOf(k))))
		b := pb.Bucket(k)
		v := bytes.Clone(b.Get([]byte{0}))
		v[len(v)-3] ^= 0x20
		if err := b.Put([]byte{0}, v); err != nil {
			return err
		}
		ib := tx.Bucket([]byte("index"))
		c := ib.Cursor()
		for k, _ := c.Seek([]byte("a")); k != nil; k, _ = c.Next() {
			if k[0] == 'a' {
				index = bytes.Clone(k)
				break
			}
		}
		if err := ib.Delete(index); err != nil {
			return err
		}
		cb := tx.Bucket([]byte("counters"))
		n := binary.BigEndian.Uint64(cb.Get([]byte("captures")))
		return cb.Put([]byte("captures"), binary.BigEndian.AppendUint64(nil, n+1))
	})
	if err != nil {
		t.Fatal(err)
	}
	return digest, index
}

func hexOf(b []byte) string {
	const hexdig = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, hexdig[c>>4], hexdig[c&15])
	}
	return string(out)
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// TestCheck: a sound archive checks clean (exit 0); records damaged under
// a sound bbolt structure are each found (exit 1) without the file being
// touched; --repair writes a new archive without them that checks clean
// and reads back, and says what it dropped.
func TestCheck(t *testing.T) {
	ta := newTestArchive(t)
	r := mustCrawl(t, ta.dir, "check", "--db", ta.db)
	if !strings.Contains(r.stdout, "problems: none") || !strings.Contains(r.stdout, "payload 8,") || !strings.Contains(r.stdout, "is sound") {
		t.Fatalf("sound archive:\n%s", r.stdout)
	}

	digest, index := damageRecords(t, ta.db)
	before := fileHash(t, ta.db)
	r = crawl(t, ta.dir, "check", "--db", ta.db)
	wantError(t, r, 1, "3 problems")
	for _, want := range []string{
		"payload: payload " + digest + ": ",
		"index: a \"" + string(index[1:len(index)-33]) + "\" → " + hexOf(index[len(index)-32:]) + ": missing",
		"counter: captures: 11 stored, 10 counted",
		"problems: counter 1, index 1, payload 1",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("check output lacks %q:\n%s", want, r.stdout)
		}
	}
	if fileHash(t, ta.db) != before {
		t.Error("check changed the archive")
	}

	fixed := filepath.Join(ta.dir, "fixed.db")
	r = mustCrawl(t, ta.dir, "check", "--db", ta.db, "--repair", "--out", fixed)
	// The bad payload goes, and with it what only pointed at it.
	if !regexp.MustCompile(`(?m)^payload: payload `+digest).MatchString(r.stdout) ||
		!strings.Contains(r.stdout, "wrote "+fixed) || !strings.Contains(r.stdout, "was not changed") {
		t.Errorf("repair output:\n%s", r.stdout)
	}
	if fileHash(t, ta.db) != before {
		t.Error("repair changed the damaged archive")
	}
	r = mustCrawl(t, ta.dir, "check", "--db", fixed)
	if !strings.Contains(r.stdout, "problems: none") || !strings.Contains(r.stdout, "payload 7,") {
		t.Errorf("repaired archive:\n%s", r.stdout)
	}
	mustCrawl(t, ta.dir, "stats", "--db", fixed)
	mustCrawl(t, ta.dir, "export", "--db", fixed, "--format", "jsonl")

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "--db", ta.db, "--repair"}, "--repair needs --out"},
		{[]string{"check", "--db", ta.db, "--out", "x.db"}, "--out applies to --repair only"},
		{[]string{"check", "--db", ta.db, "--repair", "--out", ta.db}, "never writes in place"},
		{[]string{"check", "--db", ta.db, "--repair", "--out", fixed}, "exists"},
		{[]string{"check", "--db", filepath.Join(ta.dir, "none.db")}, "no archive at"},
	} {
		wantError(t, crawl(t, ta.dir, tc.args...), 2, tc.want)
	}
}

// TestRepairCutArchive: a file cut short is reported by check (exit 1,
// nothing read past the header); repair salvages the pages that are
// still there into an archive every command reads.
func TestRepairCutArchive(t *testing.T) {
	ta := newTestArchive(t)
	data, err := os.ReadFile(ta.db)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(ta.dir, "cut.db")
	if err := os.WriteFile(cut, data[:highWater(data)*3/4], 0o600); err != nil {
		t.Fatal(err)
	}
	r := crawl(t, ta.dir, "check", "--db", cut)
	if r.code != 1 || !strings.Contains(r.stdout, "file: cut short") {
		t.Fatalf("check of a cut file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	out := filepath.Join(ta.dir, "salvaged.db")
	r = mustCrawl(t, ta.dir, "check", "--db", cut, "--repair", "--out", out)
	if !strings.Contains(r.stdout, "not copied: ") || !strings.Contains(r.stdout, "wrote "+out) {
		t.Errorf("repair of a cut file:\n%s", r.stdout)
	}
	r = mustCrawl(t, ta.dir, "check", "--db", out)
	if !strings.Contains(r.stdout, "problems: none") {
		t.Errorf("salvaged archive:\n%s", r.stdout)
	}
	mustCrawl(t, ta.dir, "stats", "--db", out)
}

// highWater is how many bytes of a bbolt file its newer header page
// says are in use (the file itself may be longer).
func highWater(data []byte) int {
	meta := data[16:] // after the page header
	if m1 := data[4096+16:]; binary.LittleEndian.Uint64(m1[48:]) > binary.LittleEndian.Uint64(meta[48:]) {
		meta = m1
	}
	return int(binary.LittleEndian.Uint64(meta[40:])) * 4096
}

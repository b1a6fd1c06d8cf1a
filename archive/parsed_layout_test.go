package archive

import (
	"bytes"
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestParsedLayouts: records stored inline (schema 1 archives) and in a
// bucket of their own (putParsedTx) read, list, scan, check and merge the
// same, side by side in one file; putting a record again over an inline
// one replaces it.
func TestParsedLayouts(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a.db")
	s, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	body := page(1)
	digest, key := sum(body)
	mustAdd(t, s, Capture{URL: "http://a.gov.cn/1.html", Status: 200, FetchedAt: day(1)}, body)
	rec := func(pv int) Parsed {
		return Parsed{Digest: digest, ParserVersion: pv, URL: "http://a.gov.cn/1.html", Kind: "report",
			Agency: "新前街道", Year: 2020 + pv, JSON: []byte(`{"pv":` + string(rune('0'+pv)) + `}`)}
	}
	// Version 1 inline, as a schema-1 store wrote it; version 2 by PutParsed.
	old := rec(1)
	val, err := s.encodeParsed(old)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := parsedIndexKeys(old, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bParsed).Put(parsedKey(key, 1), val); err != nil {
			return err
		}
		for _, k := range idx {
			if err := tx.Bucket(bIndex).Put(k, nil); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutParsed(ctx, rec(2)); err != nil {
		t.Fatal(err)
	}
	layout := func(pv int) string {
		var l string
		s.view(func(tx *bolt.Tx) error {
			pb := tx.Bucket(bParsed)
			switch k := parsedKey(key, pv); {
			case pb.Get(k) != nil:
				l = "inline"
			case pb.Bucket(k) != nil:
				l = "bucket"
			}
			return nil
		})
		return l
	}
	if l1, l2 := layout(1), layout(2); l1 != "inline" || l2 != "bucket" {
		t.Fatalf("layouts %s, %s; want inline, bucket", l1, l2)
	}

	readsAs := func(s *Store, v1, v2 string) {
		t.Helper()
		if vs, err := s.ParsedVersions(digest); err != nil || !reflect.DeepEqual(vs, []int{1, 2}) {
			t.Fatalf("ParsedVersions: %v, %v", vs, err)
		}
		for pv, want := range map[int]string{1: v1, 2: v2} {
			p, err := s.GetParsedVersion(digest, pv)
			if err != nil || string(p.JSON) != want || p.Year != 2020+pv {
				t.Fatalf("GetParsedVersion(%d): %s %+v, %v; want %s", pv, p.JSON, p, err, want)
			}
		}
		p, err := s.GetParsed(digest)
		if err != nil || string(p.JSON) != v2 || p.ParserVersion != 2 {
			t.Fatalf("GetParsed: %s v%d, %v", p.JSON, p.ParserVersion, err)
		}
		if h, err := s.ParsedHeader(digest); err != nil || h.ParserVersion != 2 || h.Year != 2022 || h.JSON != nil {
			t.Fatalf("ParsedHeader: %+v, %v", h, err)
		}
		var seen []string
		if err := s.ForEachParsed(ctx, Filter{}, func(p Parsed) error {
			seen = append(seen, string(p.JSON))
			return nil
		}); err != nil || !reflect.DeepEqual(seen, []string{v2}) {
			t.Fatalf("ForEachParsed: %q, %v", seen, err)
		}
	}
	readsAs(s, `{"pv":1}`, `{"pv":2}`)

	// A merge copies both layouts (into the bucket layout).
	dst, _ := openTemp(t)
	if _, err := dst.Merge(ctx, []*Store{s}, nil); err != nil {
		t.Fatal(err)
	}
	readsAs(dst, `{"pv":1}`, `{"pv":2}`)

	// Version 1 put again (a reparse by the same parser) replaces the inline value.
	again := rec(1)
	again.JSON = []byte(`{"pv":1,"again":true}`)
	if err := s.PutParsed(ctx, again); err != nil {
		t.Fatal(err)
	}
	if l := layout(1); l != "bucket" {
		t.Fatalf("version 1 after a second put: %s", l)
	}
	readsAs(s, `{"pv":1,"again":true}`, `{"pv":2}`)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// crawl check finds nothing wrong with either layout.
	res, err := Check(ctx, path, time.Second, func(p Problem) { t.Errorf("check: %+v", p) })
	if err != nil || res.Total() != 0 || res.Checked["parsed"] != 2 {
		t.Fatalf("Check: %+v, %v", res, err)
	}
}

// TestSchemaRaisedOnWrite: a schema-1 file opens read-only as it is and
// is raised to the current version when opened for writing (it may then
// hold records a schema-1 gongkai cannot read).
func TestSchemaRaisedOnWrite(t *testing.T) {
	s, path := openTemp(t)
	s.Close()
	setSchema := func(v uint64) {
		rawUpdate(t, path, func(tx *bolt.Tx) error {
			e := enc{}
			e.uvarint(v)
			return tx.Bucket(bMeta).Put(keySchema, e.b)
		})
	}
	schema := func() []byte {
		var v []byte
		db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		db.View(func(tx *bolt.Tx) error { v = bytes.Clone(tx.Bucket(bMeta).Get(keySchema)); return nil })
		db.Close()
		return v
	}
	setSchema(1)
	for _, ro := range []bool{true, false} {
		s, err := Open(path, &Options{ReadOnly: ro})
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		want := enc{}
		want.uvarint(1)
		if !ro {
			want = enc{}
			want.uvarint(SchemaVersion)
		}
		if got := schema(); !bytes.Equal(got, want.b) {
			t.Errorf("read-only=%v: schema %v, want %v", ro, got, want.b)
		}
	}
}

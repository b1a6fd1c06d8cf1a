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

	bolt "go.etcd.io/bbolt"
)

// rawUpdate edits a closed archive file directly, as disk damage or a
// buggy tool would.
func rawUpdate(t *testing.T, path string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestDigestMismatchIsCorrupt(t *testing.T) {
	good, other := page(1), page(2)
	cases := []struct {
		name   string
		damage func(otherVal, v []byte) []byte
	}{
		// Valid zstd of different bytes: only the digest check can catch it.
		{"other content", func(otherVal, _ []byte) []byte { return otherVal }},
		{"flipped byte", func(_, v []byte) []byte {
			v = bytes.Clone(v)
			v[len(v)/2] ^= 0x40
			return v
		}},
		{"truncated", func(_, v []byte) []byte { return bytes.Clone(v[:len(v)-7]) }},
		{"unknown codec", func(_, v []byte) []byte { v = bytes.Clone(v); v[0] = 9; return v }},
		{"raw codec, wrong bytes", func(_, _ []byte) []byte {
			e := enc{}
			e.byte1(codecRaw)
			e.uvarint(uint64(len(other)))
			e.b = append(e.b, other...)
			return e.b
		}},
		{"impossible length", func(_, _ []byte) []byte { return []byte{codecZstd, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f} }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, path := openTemp(t)
			a := mustAdd(t, s, Capture{URL: "http://a.gov.cn/", Status: 200}, good)
			otherVal, err := s.encodePayload(other)
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			key, _ := digestKey(a.Capture.Digest)
			rawUpdate(t, path, func(tx *bolt.Tx) error {
				b := tx.Bucket(bPayloads).Bucket(key)
				return b.Put(payloadValueKey, tc.damage(otherVal, b.Get(payloadValueKey)))
			})
			s2, err := Open(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer s2.Close()
			got, err := s2.Payload(a.Capture.Digest)
			if !errors.Is(err, ErrCorrupt) || got != nil {
				t.Fatalf("Payload of damaged data = %d bytes, %v; want nil, ErrCorrupt", len(got), err)
			}
			if !strings.Contains(err.Error(), a.Capture.Digest) {
				t.Errorf("error does not name the digest: %v", err)
			}
			bad := 0
			n, err := s2.VerifyPayloads(context.Background(), func(d string, err error) error {
				bad++
				return nil
			})
			if err != nil || n != 1 || bad != 1 {
				t.Errorf("VerifyPayloads = %d checked, %d bad, %v", n, bad, err)
			}
		})
	}
}

func TestSchemaTooNew(t *testing.T) {
	s, path := openTemp(t)
	s.Close()
	rawUpdate(t, path, func(tx *bolt.Tx) error {
		e := enc{}
		e.uvarint(SchemaVersion + 1)
		return tx.Bucket(bMeta).Put(keySchema, e.b)
	})
	for _, ro := range []bool{false, true} {
		_, err := Open(path, &Options{ReadOnly: ro})
		if !errors.Is(err, ErrSchemaTooNew) {
			t.Fatalf("read-only=%v: %v, want ErrSchemaTooNew", ro, err)
		}
		if !strings.Contains(err.Error(), fmt.Sprintf("schema version %d", SchemaVersion+1)) || !strings.Contains(err.Error(), fmt.Sprintf("supports up to %d", SchemaVersion)) {
			t.Errorf("message does not give both versions: %v", err)
		}
	}
}

func TestOpenNotAnArchive(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, bytes.Repeat([]byte("政府信息公开"), 3000), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(junk, nil); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Open of junk: %v, want ErrCorrupt", err)
	}
	if _, err := Open(filepath.Join(dir, "missing.db"), &Options{ReadOnly: true}); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("read-only Open of a missing file: %v", err)
	}
}

func TestReadOnly(t *testing.T) {
	s, path := openTemp(t)
	a := mustAdd(t, s, Capture{URL: "http://a.gov.cn/", Status: 200}, page(1))
	s.Close()
	r, err := Open(path, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// Two readers may share the file.
	r2, err := Open(path, &Options{ReadOnly: true, LockTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("second reader: %v", err)
	}
	r2.Close()
	if b, err := r.Payload(a.Capture.Digest); err != nil || !bytes.Equal(b, page(1)) {
		t.Errorf("read-only Payload: %v", err)
	}
	if _, err := r.AddCapture(context.Background(), Capture{URL: "http://b/"}, nil); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("write to read-only store: %v", err)
	}
}

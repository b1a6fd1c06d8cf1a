package warctest

import (
	"bytes"
	"compress/gzip"
	"strconv"
	"strings"
	"testing"
)

func record(block, digest, length string) []byte {
	if length == "" {
		length = strconv.Itoa(len(block))
	}
	if digest == "" {
		digest = Digest([]byte(block))
	}
	return []byte("WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:0c8a0e5a-3b1e-4a5e-9d51-2c6f7a1b2c3d>\r\nWARC-Date: 2026-11-22T00:00:00Z\r\nContent-Type: text/plain\r\n" +
		"WARC-Block-Digest: " + digest + "\r\nContent-Length: " + length + "\r\n\r\n" + block + "\r\n\r\n")
}

func gz(members ...[]byte) []byte {
	var b bytes.Buffer
	for _, m := range members {
		zw := gzip.NewWriter(&b)
		zw.Write(m)
		zw.Close()
	}
	return b.Bytes()
}

func TestRead(t *testing.T) {
	good := record("政府信息公开", "", "")
	recs, err := Read(gz(good, good))
	if _, err := Read(good); err == nil || !strings.Contains(err.Error(), "gzip member") {
		t.Errorf("uncompressed record: %v", err)
	}
	if err != nil || len(recs) != 2 || string(recs[1].Block) != "政府信息公开" || recs[1].Offset != recs[0].Length {
		t.Fatalf("good file: %v %+v", err, recs)
	}
	for _, tc := range []struct {
		name, want string
		data       []byte
	}{
		{"bad digest", "digest", record("x", Digest([]byte("y")), "")},
		{"short length", "end of record", record("xyz", Digest([]byte("xy")), "2")},
		{"long length", "", record("x", "", "99")},
		{"version", "version", bytes.Replace(good, []byte("WARC/1.1"), []byte("WARC/1.0"), 1)},
		{"no record id", "WARC-Record-ID", bytes.Replace(good, []byte("WARC-Record-ID: <urn:uuid:0c8a0e5a-3b1e-4a5e-9d51-2c6f7a1b2c3d>\r\n"), nil, 1)},
		{"twice", "WARC-Type", bytes.Replace(good, []byte("WARC-Type: resource\r\n"), []byte("WARC-Type: resource\r\nWARC-Type: resource\r\n"), 1)},
	} {
		if _, err := Read(gz(tc.data)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
	if _, err := Read([]byte("not gzip")); err == nil {
		t.Error("not gzip: no error")
	}
}

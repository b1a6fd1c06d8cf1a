package archive

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/zstd"
	bolt "go.etcd.io/bbolt"
)

// TestReadsEarlierEncoderValues stores values exactly as an earlier
// encoder wrote them and reads them back through the public API: the
// encoder's settings may change (they did: see compressors), but an
// archive written before must still give back every byte.
//
// testdata/zstd-6d476a5 was written by the store of commit 6d476a5
// (zstd SpeedFastest, content checksum on, one encoder per core):
// page.value is encodePayload of page.html (a GBK report page of the
// crawler benchmark), record.value is encodeParsed of record.json (its
// record).
func TestReadsEarlierEncoderValues(t *testing.T) {
	dir := filepath.Join("testdata", "zstd-6d476a5")
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	page, pageVal := read("page.html"), read("page.value")
	js, recVal := read("record.json"), read("record.value")

	// The values are what they claim: zstd frames with a checksum.
	for name, v := range map[string][]byte{"page.value": pageVal[3:], "record.value": recVal[bytes.Index(recVal, []byte{0x28, 0xb5, 0x2f, 0xfd}):]} {
		var h zstd.Header
		if err := h.Decode(v); err != nil || !h.HasCheckSum {
			t.Fatalf("%s: not a checksummed zstd frame (%v, %+v)", name, err, h)
		}
	}

	s, _ := openTemp(t)
	digest, key := sum(page)
	if err := s.update(func(tx *bolt.Tx) error {
		if err := putPayload(tx, key, pageVal); err != nil {
			return err
		}
		return tx.Bucket(bParsed).Put(parsedKey(key, 7), recVal)
	}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Payload(digest)
	if err != nil || !bytes.Equal(got, page) {
		t.Fatalf("Payload: %d bytes, err %v; want page.html's %d bytes", len(got), err, len(page))
	}
	p, err := s.GetParsed(digest)
	if err != nil || !bytes.Equal(p.JSON, js) {
		t.Fatalf("GetParsed: %d bytes of JSON, err %v; want record.json's %d bytes", len(p.JSON), err, len(js))
	}
	if p.Agency != "新前街道" || p.Year != 2020 || p.ParserVersion != 7 || p.URL != "http://www.example.gov.cn/xxgk/ndbg/t1.html" {
		t.Errorf("GetParsed header: %+v", p)
	}

	// A damaged frame is still caught: the payload by its digest, the
	// record by the frame's checksum.
	bad := bytes.Clone(pageVal)
	bad[len(bad)/2] ^= 0x10
	if _, err := s.decodePayload(key, bad); err == nil {
		t.Error("a damaged payload value decoded")
	}
	bad = bytes.Clone(recVal)
	bad[len(bad)-2] ^= 0x01
	if _, err := s.decodeParsed(parsedKey(key, 7), bad, true); err == nil {
		t.Error("a damaged record value decoded")
	}

	// What the current encoder writes reads back the same bytes too.
	for _, b := range [][]byte{page, js} {
		v, err := s.encodePayload(b)
		if err != nil {
			t.Fatal(err)
		}
		_, k := sum(b)
		if got, err := s.decodePayload(k, v); err != nil || !bytes.Equal(got, b) {
			t.Fatalf("round trip of %d bytes: %v", len(b), err)
		}
	}
}

func TestCompressors(t *testing.T) {
	for procs, want := range map[int]int{1: 1, 2: 1, 4: 1, 7: 1, 8: 2, 64: 16} {
		if got := compressors(procs); got != want {
			t.Errorf("compressors(%d) = %d, want %d", procs, got, want)
		}
	}
}

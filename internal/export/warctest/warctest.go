// Package warctest reads a WARC file written with one gzip member per
// record back, record by record, with github.com/nlnwa/gowarc's reader in
// strict mode: version line, mandatory fields, Content-Length and the
// end-of-record marker, block and payload digests. The tests' independent
// second reader is webrecorder's warcio (warcio_test.go).
package warctest

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/nlnwa/gowarc/v3"
)

// Record is one WARC record.
type Record struct {
	Offset, Length int64             // of its gzip member in the file
	Header         map[string]string // WARC named fields
	Block          []byte            // the content block (Content-Length bytes)
}

// Read reads every record of data, failing on the first record that is
// not valid WARC 1.1, that is not its own gzip member, or whose field
// appears twice.
func Read(data []byte) ([]Record, error) {
	r, err := gowarc.NewWarcFileReaderFromStream(bytes.NewReader(data), 0,
		gowarc.WithStrictValidation(), gowarc.WithBlockErrorPolicy(gowarc.ErrFail))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var out []Record
	for {
		wr, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			wr.Close()
			return out, fmt.Errorf("record at %d: %w", wr.Offset, err)
		}
		rec, err := convert(wr, data)
		wr.Close()
		if err != nil {
			return out, err
		}
		out = append(out, rec)
	}
}

func convert(wr gowarc.Record, data []byte) (Record, error) {
	rec := Record{Offset: wr.Offset, Length: wr.Size, Header: map[string]string{}}
	if wr.Offset+1 >= int64(len(data)) || data[wr.Offset] != 0x1f || data[wr.Offset+1] != 0x8b {
		return rec, fmt.Errorf("record at %d is not its own gzip member", wr.Offset)
	}
	if v := wr.WarcRecord.Version().String(); v != "WARC/1.1" {
		return rec, fmt.Errorf("record at %d: version %s", wr.Offset, v)
	}
	for _, f := range *wr.WarcRecord.WarcHeader() {
		if _, dup := rec.Header[f.Name]; dup {
			return rec, fmt.Errorf("record at %d: header %s twice", wr.Offset, f.Name)
		}
		rec.Header[f.Name] = f.Value
	}
	raw, err := wr.WarcRecord.Block().RawBytes()
	if err != nil {
		return rec, fmt.Errorf("record at %d: %w", wr.Offset, err)
	}
	if rec.Block, err = io.ReadAll(raw); err != nil {
		return rec, fmt.Errorf("record at %d: %w", wr.Offset, err)
	}
	// gowarc reads Content-Length bytes and drains the member: check that
	// the member ends right after the block and its CRLF CRLF.
	zr, err := gzip.NewReader(bytes.NewReader(data[wr.Offset : wr.Offset+wr.Size]))
	if err != nil {
		return rec, fmt.Errorf("record at %d: %w", wr.Offset, err)
	}
	member, err := io.ReadAll(zr)
	if err != nil {
		return rec, fmt.Errorf("record at %d: %w", wr.Offset, err)
	}
	if !bytes.HasSuffix(member, append(rec.Block, "\r\n\r\n"...)) {
		return rec, fmt.Errorf("record at %d: the block is not followed by the end of record CRLF CRLF", wr.Offset)
	}
	if want := Digest(rec.Block); rec.Header["WARC-Block-Digest"] != want {
		return rec, fmt.Errorf("record at %d: block digest %s, computed %s", wr.Offset, rec.Header["WARC-Block-Digest"], want)
	}
	return rec, nil
}

// Digest is the WARC digest form the exporter writes: sha256, lower-case hex.
func Digest(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

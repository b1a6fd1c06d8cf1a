// Package warctest reads a WARC file written with one gzip member per
// record back, record by record, checking it as a strict reader would. It
// is the tests' own reader of what internal/export writes, kept apart from
// the writer so the two cannot share a mistake.
package warctest

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Record is one WARC record.
type Record struct {
	Offset, Length int64             // of its gzip member in the file
	Header         map[string]string // WARC named fields
	Block          []byte            // the content block (Content-Length bytes)
}

// Read inflates data gzip member by member and parses every record.
func Read(data []byte) ([]Record, error) {
	var out []Record
	r := bytes.NewReader(data) // an io.ByteReader: gzip reads no further than its member
	for r.Len() > 0 {
		off := int64(len(data) - r.Len())
		zr, err := gzip.NewReader(r)
		if err != nil {
			return out, fmt.Errorf("member at %d: %w", off, err)
		}
		zr.Multistream(false)
		content, err := io.ReadAll(zr)
		if err != nil {
			return out, fmt.Errorf("member at %d: %w", off, err)
		}
		rec, err := ParseRecord(content)
		if err != nil {
			return out, fmt.Errorf("member at %d: %w", off, err)
		}
		rec.Offset, rec.Length = off, int64(len(data)-r.Len())-off
		out = append(out, rec)
	}
	return out, nil
}

// ParseRecord parses one uncompressed record and checks its version line,
// its header fields (no duplicates, the mandatory ones present), that
// Content-Length ends the block with CRLF CRLF, and its block digest.
func ParseRecord(content []byte) (Record, error) {
	head, rest, ok := bytes.Cut(content, []byte("\r\n\r\n"))
	if !ok {
		return Record{}, fmt.Errorf("record without header end: %.80q", content)
	}
	lines := strings.Split(string(head), "\r\n")
	if lines[0] != "WARC/1.1" {
		return Record{}, fmt.Errorf("version line %q", lines[0])
	}
	rec := Record{Header: map[string]string{}}
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ": ")
		if !ok {
			return rec, fmt.Errorf("bad header line %q", l)
		}
		if _, dup := rec.Header[name]; dup {
			return rec, fmt.Errorf("header %s twice", name)
		}
		rec.Header[name] = value
	}
	for _, must := range []string{"WARC-Type", "WARC-Record-ID", "WARC-Date", "Content-Length"} {
		if rec.Header[must] == "" {
			return rec, fmt.Errorf("%s record without %s", rec.Header["WARC-Type"], must)
		}
	}
	n, err := strconv.Atoi(rec.Header["Content-Length"])
	if err != nil || n < 0 || n > len(rest) {
		return rec, fmt.Errorf("Content-Length %q with %d bytes left", rec.Header["Content-Length"], len(rest))
	}
	rec.Block = rest[:n]
	if tail := string(rest[n:]); tail != "\r\n\r\n" {
		return rec, fmt.Errorf("record ends with %q, want CRLF CRLF", tail)
	}
	if want := Digest(rec.Block); rec.Header["WARC-Block-Digest"] != want {
		return rec, fmt.Errorf("%s block digest %s, computed %s", rec.Header["WARC-Type"], rec.Header["WARC-Block-Digest"], want)
	}
	return rec, nil
}

// Digest is the WARC digest form the exporter writes: sha256, base32.
func Digest(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + base32.StdEncoding.EncodeToString(s[:])
}

package archive

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sort"
	"time"
)

// The values in the file use a small hand-written binary layout (uvarints
// and length-prefixed strings) rather than JSON or gob: a capture of an
// unchanged page must cost a few hundred bytes, and decoding must not
// allocate a reflection plan per call. Every record starts with a format
// byte so a later schema can change one record type without a migration.

// errShort is returned when a stored record ends early.
var errShort = errors.New("record truncated")

// enc appends fields to a byte slice.
type enc struct{ b []byte }

func (e *enc) byte1(v byte)     { e.b = append(e.b, v) }
func (e *enc) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *enc) bytes(v []byte)   { e.uvarint(uint64(len(v))); e.b = append(e.b, v...) }
func (e *enc) str(v string)     { e.uvarint(uint64(len(v))); e.b = append(e.b, v...) }
func (e *enc) f64(v float64)    { e.b = binary.BigEndian.AppendUint64(e.b, math.Float64bits(v)) }

// time stores UTC Unix nanoseconds; the zero time is stored as 0 so it
// round-trips as the zero time.
func (e *enc) time(t time.Time) {
	if t.IsZero() {
		e.varint(0)
		return
	}
	e.varint(t.UnixNano())
}

// header stores a header map with sorted keys so equal headers encode equally.
func (e *enc) header(h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	e.uvarint(uint64(len(keys)))
	for _, k := range keys {
		e.str(k)
		e.uvarint(uint64(len(h[k])))
		for _, v := range h[k] {
			e.str(v)
		}
	}
}

// dec reads fields back; the first error sticks and later reads return zero.
type dec struct {
	b   []byte
	err error
}

func (d *dec) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

func (d *dec) byte1() byte {
	if d.err != nil || len(d.b) < 1 {
		d.fail(errShort)
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *dec) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail(errShort)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail(errShort)
		return 0
	}
	d.b = d.b[n:]
	return v
}

// rawBytes returns a sub-slice of the record (valid only as long as the
// record is); callers copy when the record lives in the mmap.
func (d *dec) rawBytes() []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if uint64(len(d.b)) < n {
		d.fail(errShort)
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *dec) str() string { return string(d.rawBytes()) }

func (d *dec) f64() float64 {
	if d.err != nil || len(d.b) < 8 {
		d.fail(errShort)
		return 0
	}
	v := math.Float64frombits(binary.BigEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

func (d *dec) time() time.Time {
	n := d.varint()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func (d *dec) header() http.Header {
	n := d.uvarint()
	if n == 0 || d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) { // each key needs at least one byte
		d.fail(errShort)
		return nil
	}
	h := make(http.Header, n)
	for i := uint64(0); i < n && d.err == nil; i++ {
		k := d.str()
		m := d.uvarint()
		if m > uint64(len(d.b))+1 {
			d.fail(errShort)
			return nil
		}
		vs := make([]string, 0, m)
		for j := uint64(0); j < m && d.err == nil; j++ {
			vs = append(vs, d.str())
		}
		h[k] = vs
	}
	return h
}

// u64key is the 8-byte big-endian key of an ID, so byte order is ID order.
func u64key(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

// digestKey converts a hex SHA-256 into its 32-byte key.
func digestKey(hexDigest string) ([]byte, error) {
	if len(hexDigest) != 64 {
		return nil, fmt.Errorf("digest %q: want 64 hex characters: %w", hexDigest, ErrNotFound)
	}
	k, err := hex.DecodeString(hexDigest)
	if err != nil {
		return nil, fmt.Errorf("digest %q: %w", hexDigest, ErrNotFound)
	}
	return k, nil
}

// digestHex is the inverse of digestKey; empty stays empty.
func digestHex(k []byte) string {
	if len(k) == 0 {
		return ""
	}
	return hex.EncodeToString(k)
}

// beUint64 reads an 8-byte big-endian key; any other length is 0.
func beUint64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

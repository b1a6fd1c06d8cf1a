package archive

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// Parsed records live in bParsed under digest(32) ‖ parserVersion(4 BE),
// so every parse of one payload is contiguous and the newest parser's
// record is the last key of the run. Writing a v2 record never touches the
// v1 record: a reparse that dies half-way leaves every payload with at
// least its old parse, and GetParsedVersion can still read v1 afterwards.
// Each key holds a nested bucket with the record under 0x00 (putParsedTx);
// files of schema 1 hold the record inline, and parsedValue reads both.
//
// Secondary indexes live in bIndex under field ‖ value ‖ NUL ‖ digest(32),
// one key per (field, value, payload). Index entries are only ever added;
// a reader re-checks the filter against the newest record, so an entry left
// behind by an older parse that said something different is skipped.

const parsedFormat = 1

// Index field tags (the first byte of a bIndex key).
const (
	idxAgency byte = 'a'
	idxYear   byte = 'y'
	idxRegion byte = 'r'
	idxHost   byte = 'h'
	idxURL    byte = 'u'
	idxKind   byte = 'k'
	// idxPayloadURL keys are 'p' ‖ sha256(32) ‖ url: every URL that has had
	// the payload as a version (URLsOf). Written with the version, not the
	// parse.
	idxPayloadURL byte = 'p'
)

func parsedKey(dkey []byte, pv int) []byte {
	return binary.BigEndian.AppendUint32(bytes.Clone(dkey), uint32(pv))
}

func indexKey(field byte, value string, dkey []byte) []byte {
	k := make([]byte, 0, 2+len(value)+len(dkey))
	k = append(k, field)
	k = append(k, value...)
	k = append(k, 0)
	return append(k, dkey...)
}

// hostOf is the lower-case host name of a URL ("" if it has none).
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

func (s *Store) encodeParsed(p Parsed) ([]byte, error) {
	e := enc{b: make([]byte, 0, 128+len(p.JSON)/3)}
	e.byte1(parsedFormat)
	e.str(p.URL)
	e.str(p.Kind)
	e.str(p.Agency)
	e.str(p.Region)
	e.varint(int64(p.Year))
	e.str(p.Template)
	e.uvarint(uint64(len(p.JSON)))
	// Records are mostly report text: compress them too.
	return s.compress(p.JSON, e.b)
}

// decodeParsed decodes the index fields, and the JSON if withJSON.
func (s *Store) decodeParsed(k, v []byte, withJSON bool) (Parsed, error) {
	if len(k) != 36 {
		return Parsed{}, fmt.Errorf("parsed key %x: bad length: %w", k, ErrCorrupt)
	}
	p := Parsed{Digest: digestHex(k[:32]), ParserVersion: int(binary.BigEndian.Uint32(k[32:]))}
	d := dec{b: v}
	if f := d.byte1(); f != parsedFormat && d.err == nil {
		return Parsed{}, fmt.Errorf("parsed %s v%d: unknown format %d: %w", p.Digest, p.ParserVersion, f, ErrCorrupt)
	}
	p.URL = d.str()
	p.Kind = d.str()
	p.Agency = d.str()
	p.Region = d.str()
	p.Year = int(d.varint())
	p.Template = d.str()
	n := d.uvarint()
	if d.err != nil {
		return Parsed{}, fmt.Errorf("parsed %s v%d: %v: %w", p.Digest, p.ParserVersion, d.err, ErrCorrupt)
	}
	if withJSON {
		if n > maxPayload {
			return Parsed{}, fmt.Errorf("parsed %s v%d: JSON length %d: %w", p.Digest, p.ParserVersion, n, ErrCorrupt)
		}
		js, err := s.zdec.DecodeAll(d.b, make([]byte, 0, n))
		if err != nil || uint64(len(js)) != n {
			return Parsed{}, fmt.Errorf("parsed %s v%d: JSON does not decompress (%v): %w", p.Digest, p.ParserVersion, err, ErrCorrupt)
		}
		p.JSON = js
	}
	return p, nil
}

// PutParsed stores a parsed record and indexes it. An older parser
// version's record of the same payload is kept (see GetParsedVersion).
func (s *Store) PutParsed(ctx context.Context, p Parsed) error {
	return s.QueueParsed(ctx, nil, p).Wait()
}

// QueueParsed queues PutParsed's write and returns without waiting for
// it; with after set, the record is stored only if that write (the
// payload's capture) is. Wait gives PutParsed's answer.
func (s *Store) QueueParsed(ctx context.Context, after *Queued, p Parsed) *Queued {
	dkey, err := digestKey(strings.ToLower(p.Digest))
	if err != nil {
		return failedWrite(fmt.Errorf("put parsed: bad digest %q", p.Digest))
	}
	if p.ParserVersion < 0 || int64(p.ParserVersion) > int64(^uint32(0)) {
		return failedWrite(fmt.Errorf("put parsed %s: parser version %d out of range", p.Digest, p.ParserVersion))
	}
	idx, err := parsedIndexKeys(p, dkey)
	if err != nil {
		return failedWrite(fmt.Errorf("put parsed %s: %w", p.Digest, err))
	}
	val, err := s.encodeParsed(p)
	if err != nil {
		return failedWrite(fmt.Errorf("put parsed %s: %w", p.Digest, err))
	}
	q := s.queue(ctx, &op{fn: func(tx *bolt.Tx) error {
		return putParsedTx(tx, parsedKey(dkey, p.ParserVersion), val, idx)
	}}, after)
	return q.wrap(fmt.Sprintf("put parsed %s v%d", p.Digest, p.ParserVersion))
}

// parsedIndexKeys returns the index keys of a parsed record of dkey.
func parsedIndexKeys(p Parsed, dkey []byte) ([][]byte, error) {
	idx := []struct {
		f byte
		v string
	}{{idxAgency, p.Agency}, {idxRegion, p.Region}, {idxHost, hostOf(p.URL)}, {idxURL, p.URL}, {idxKind, p.Kind}}
	if p.Year != 0 {
		idx = append(idx, struct {
			f byte
			v string
		}{idxYear, strconv.Itoa(p.Year)})
	}
	var keys [][]byte
	for _, x := range idx {
		if strings.IndexByte(x.v, 0) >= 0 {
			return nil, fmt.Errorf("field %q contains a NUL byte", x.v)
		}
		if x.v != "" {
			keys = append(keys, indexKey(x.f, x.v, dkey))
		}
	}
	return keys, nil
}

// putParsedTx stores an encoded parsed record under key and its index keys.
//
// The record goes in a nested bucket of its own (parsedValue reads both
// layouts), for the reason payloads do (payload.go): bbolt never splits a
// leaf of four entries or fewer, so records of ~6 KB stored inline sat two
// to four to a leaf, and storing one rewrote its neighbours too. On the
// discovery benchmark that was ~19 KB of pages written per record; in a
// bucket of its own it is written once (BENCHMARKS.md, Crawler, "What
// issue 14 changed"). Archives written before keep their inline records,
// which read as they did; a record put again over an inline one replaces
// it.
func putParsedTx(tx *bolt.Tx, key, val []byte, idx [][]byte) error {
	pb := tx.Bucket(bParsed)
	if pb.Get(key) != nil {
		if err := pb.Delete(key); err != nil {
			return err
		}
	}
	b, err := pb.CreateBucketIfNotExists(key)
	if err != nil {
		return err
	}
	if err := b.Put(payloadValueKey, val); err != nil {
		return err
	}
	ib := tx.Bucket(bIndex)
	for _, k := range idx {
		if err := ib.Put(k, nil); err != nil {
			return err
		}
	}
	return nil
}

// parsedValue is the stored record under key k of bParsed, whose cursor
// or Get gave v: v itself in the inline layout of older archives, else
// the value of k's nested bucket (putParsedTx); nil if neither.
func parsedValue(pb *bolt.Bucket, k, v []byte) []byte {
	if v != nil {
		return v
	}
	if b := pb.Bucket(k); b != nil {
		return b.Get(payloadValueKey)
	}
	return nil
}

// newestParsed returns the key and value of the newest parse of dkey.
func newestParsed(tx *bolt.Tx, dkey []byte) (k, v []byte) {
	pb := tx.Bucket(bParsed)
	c := pb.Cursor()
	for ck, cv := c.Seek(dkey); ck != nil && bytes.HasPrefix(ck, dkey); ck, cv = c.Next() {
		k, v = ck, cv
	}
	if k == nil {
		return nil, nil
	}
	return k, parsedValue(pb, k, v)
}

// GetParsed returns the newest-parser record of a payload.
func (s *Store) GetParsed(digest string) (Parsed, error) {
	return s.getParsed(digest, true)
}

// ParsedHeader returns the newest-parser record of a payload without its
// JSON (JSON is nil): its parser version, kind and index fields, read
// without decompressing the record. A crawler uses it to learn whether a
// payload it fetched again needs extraction.
func (s *Store) ParsedHeader(digest string) (Parsed, error) {
	return s.getParsed(digest, false)
}

func (s *Store) getParsed(digest string, withJSON bool) (Parsed, error) {
	dkey, err := digestKey(strings.ToLower(digest))
	if err != nil {
		return Parsed{}, fmt.Errorf("get parsed: %w", err)
	}
	var p Parsed
	read := -1
	err = s.view(func(tx *bolt.Tx) error {
		k, v := newestParsed(tx, dkey)
		if k == nil {
			return fmt.Errorf("parsed %s: %w", digest, ErrNotFound)
		}
		read = 0 // the header: the first page of the value
		if withJSON {
			read = len(v)
		}
		p, err = s.decodeParsed(k, v, withJSON)
		return err
	})
	if read >= 0 {
		s.noteRead(read)
	}
	return p, err
}

// GetParsedVersion returns the record of a payload by one parser version.
func (s *Store) GetParsedVersion(digest string, parserVersion int) (Parsed, error) {
	dkey, err := digestKey(strings.ToLower(digest))
	if err != nil {
		return Parsed{}, fmt.Errorf("get parsed: %w", err)
	}
	var p Parsed
	stored := 0
	err = s.view(func(tx *bolt.Tx) error {
		k := parsedKey(dkey, parserVersion)
		pb := tx.Bucket(bParsed)
		v := parsedValue(pb, k, pb.Get(k))
		if v == nil {
			return fmt.Errorf("parsed %s v%d: %w", digest, parserVersion, ErrNotFound)
		}
		stored = len(v)
		p, err = s.decodeParsed(k, v, true)
		return err
	})
	if stored > 0 {
		s.noteRead(stored)
	}
	return p, err
}

// ParsedVersions lists the parser versions that have a record of a
// payload, oldest first.
func (s *Store) ParsedVersions(digest string) ([]int, error) {
	dkey, err := digestKey(strings.ToLower(digest))
	if err != nil {
		return nil, fmt.Errorf("parsed versions: %w", err)
	}
	var out []int
	err = s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bParsed).Cursor()
		for k, _ := c.Seek(dkey); k != nil && bytes.HasPrefix(k, dkey); k, _ = c.Next() {
			out = append(out, int(binary.BigEndian.Uint32(k[32:])))
		}
		return nil
	})
	return out, err
}

// Filter selects parsed records; zero fields match everything. Host is
// compared case-insensitively with the host of the record's URL.
type Filter struct {
	Agency string
	Year   int
	Region string
	Host   string
	Kind   string
	URL    string // exact URL the record was extracted from
}

func (f Filter) match(p Parsed) bool {
	return (f.Agency == "" || p.Agency == f.Agency) &&
		(f.Year == 0 || p.Year == f.Year) &&
		(f.Region == "" || p.Region == f.Region) &&
		(f.Host == "" || hostOf(p.URL) == strings.ToLower(f.Host)) &&
		(f.Kind == "" || p.Kind == f.Kind) &&
		(f.URL == "" || p.URL == f.URL)
}

// index picks the index to drive a filtered scan: the field most likely
// to be selective. ok is false when the filter is empty.
func (f Filter) index() (field byte, value string, ok bool) {
	switch {
	case f.URL != "":
		return idxURL, f.URL, true
	case f.Agency != "":
		return idxAgency, f.Agency, true
	case f.Host != "":
		return idxHost, strings.ToLower(f.Host), true
	case f.Region != "":
		return idxRegion, f.Region, true
	case f.Year != 0:
		return idxYear, strconv.Itoa(f.Year), true
	case f.Kind != "":
		return idxKind, f.Kind, true
	}
	return 0, "", false
}

// ForEachParsed streams the newest-parser record of every payload matching
// f, in digest order. With a non-empty filter it walks an index rather
// than every record. fn runs outside any transaction and may write.
func (s *Store) ForEachParsed(ctx context.Context, f Filter, fn func(Parsed) error) error {
	return s.forEachParsed(ctx, f, true, fn)
}

// forEachParsed is ForEachParsed with the JSON optional (Stats and
// Agencies need only the index fields).
func (s *Store) forEachParsed(ctx context.Context, f Filter, withJSON bool, fn func(Parsed) error) error {
	field, value, ok := f.index()
	if !ok {
		// Full scan: the last key of each digest's run is the newest.
		var prevK, prevV []byte
		emit := func() error {
			if prevK == nil {
				return nil
			}
			p, err := s.decodeParsed(prevK, prevV, withJSON)
			if err != nil {
				return err
			}
			return fn(p)
		}
		err := s.scanChunks(ctx, bParsed, nil, func(k, v []byte) error {
			if prevK != nil && !bytes.Equal(prevK[:32], k[:min(32, len(k))]) {
				if err := emit(); err != nil {
					return err
				}
			}
			prevK, prevV = k, v
			return nil
		})
		if err != nil {
			return err
		}
		return emit()
	}
	prefix := append(append([]byte{field}, value...), 0)
	return s.scanChunks(ctx, bIndex, prefix, func(k, _ []byte) error {
		dkey := k[len(prefix):]
		var p Parsed
		found := false
		err := s.view(func(tx *bolt.Tx) error {
			pk, pv := newestParsed(tx, dkey)
			if pk == nil {
				return nil
			}
			// Decode the index fields first; decompress only on a match.
			hdr, err := s.decodeParsed(pk, pv, false)
			if err != nil || !f.match(hdr) {
				return err
			}
			found = true
			if !withJSON {
				p = hdr
				return nil
			}
			p, err = s.decodeParsed(pk, pv, true)
			return err
		})
		if err != nil || !found {
			return err
		}
		return fn(p)
	})
}

// AgencyCount is one agency and how many report payloads it has.
type AgencyCount struct {
	Agency string
	Region string
	Count  int // payloads whose newest parse is not of kind "not_report"
}

// Agencies lists every (agency, region) with parsed records, sorted by
// agency then region. Records without an agency are not listed.
func (s *Store) Agencies() ([]AgencyCount, error) {
	type key struct{ a, r string }
	counts := map[key]int{}
	err := s.forEachParsed(context.Background(), Filter{}, false, func(p Parsed) error {
		if p.Agency == "" {
			return nil
		}
		k := key{p.Agency, p.Region}
		if p.Kind == "not_report" {
			counts[k] += 0
		} else {
			counts[k]++
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("agencies: %w", err)
	}
	out := make([]AgencyCount, 0, len(counts))
	for k, n := range counts {
		out = append(out, AgencyCount{Agency: k.a, Region: k.r, Count: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Agency != out[j].Agency {
			return out[i].Agency < out[j].Agency
		}
		return out[i].Region < out[j].Region
	})
	return out, nil
}

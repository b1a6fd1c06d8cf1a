package archive

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Version history. Each URL has a state record in bURLs (latest version
// and conditional-request validators) and one record per version under
// url NUL 'v' seq (see urlKey). A version is a run of sightings of the
// same bytes: when a URL goes v1 → v2 → back to v1's bytes, that is a
// third version (seq 3) whose digest equals seq 1's, because "the page
// was changed back on date X" is itself news.

const (
	urlStateFormat = 1
	versionFormat  = 1
)

// urlState is the per-URL summary kept in bURLs.
type urlState struct {
	latestSeq    uint32
	latestDigest []byte
	etag         string
	lastModified string
	valDigest    []byte // digest of the capture the validators came from
}

func encodeURLState(u urlState) []byte {
	e := enc{}
	e.byte1(urlStateFormat)
	e.uvarint(uint64(u.latestSeq))
	e.bytes(u.latestDigest)
	e.str(u.etag)
	e.str(u.lastModified)
	e.bytes(u.valDigest)
	return e.b
}

func decodeURLState(v []byte) (urlState, error) {
	d := dec{b: v}
	if f := d.byte1(); f != urlStateFormat && d.err == nil {
		return urlState{}, fmt.Errorf("url state: unknown format %d: %w", f, ErrCorrupt)
	}
	u := urlState{
		latestSeq:    uint32(d.uvarint()),
		latestDigest: bytes.Clone(d.rawBytes()),
		etag:         d.str(),
		lastModified: d.str(),
		valDigest:    bytes.Clone(d.rawBytes()),
	}
	if d.err != nil {
		return urlState{}, fmt.Errorf("url state: %v: %w", d.err, ErrCorrupt)
	}
	return u, nil
}

func encodeVersion(v Version, dkey []byte) []byte {
	e := enc{b: make([]byte, 0, 64+2*len(v.CaptureIDs))}
	e.byte1(versionFormat)
	e.bytes(dkey)
	e.time(v.FirstSeen)
	e.time(v.LastSeen)
	e.uvarint(uint64(len(v.CaptureIDs)))
	prev := uint64(0)
	for _, id := range v.CaptureIDs { // ascending: deltas stay one or two bytes
		e.uvarint(id - prev)
		prev = id
	}
	return e.b
}

func decodeVersion(url string, seq int, v []byte) (Version, error) {
	d := dec{b: v}
	if f := d.byte1(); f != versionFormat && d.err == nil {
		return Version{}, fmt.Errorf("version %d of %s: unknown format %d: %w", seq, url, f, ErrCorrupt)
	}
	out := Version{URL: url, Seq: seq}
	out.Digest = digestHex(d.rawBytes())
	out.FirstSeen = d.time()
	out.LastSeen = d.time()
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail(errShort)
	}
	prev := uint64(0)
	for i := uint64(0); i < n && d.err == nil; i++ {
		prev += d.uvarint()
		out.CaptureIDs = append(out.CaptureIDs, prev)
	}
	if d.err != nil {
		return Version{}, fmt.Errorf("version %d of %s: %v: %w", seq, url, d.err, ErrCorrupt)
	}
	return out, nil
}

func seqKey(url string, seq uint32) []byte {
	return urlKey(url, tagVersion, binary.BigEndian.AppendUint32(nil, seq))
}

// sighting is what noteSighting did.
type sighting struct {
	newVersion   bool // the capture started a new version
	firstCapture bool // the URL had never been captured
}

// isSighting reports whether a capture shows the URL serving a payload.
func isSighting(c Capture) bool {
	return c.Digest != "" && c.ErrKind == "" &&
		((c.Status >= 200 && c.Status < 300) || c.Status == 304)
}

// noteSighting updates the URL's state and version history for a newly
// stored capture.
func noteSighting(tx *bolt.Tx, c Capture, dkey []byte) (sighting, error) {
	ub := tx.Bucket(bURLs)
	var st urlState
	var out sighting
	if v := ub.Get([]byte(c.URL)); v != nil {
		var err error
		if st, err = decodeURLState(v); err != nil {
			return out, fmt.Errorf("url %s: %w", c.URL, err)
		}
	} else {
		out.firstCapture = true
	}
	if isSighting(c) {
		vb := ub
		if st.latestSeq > 0 && bytes.Equal(st.latestDigest, dkey) {
			k := seqKey(c.URL, st.latestSeq)
			old := vb.Get(k)
			if old == nil {
				return out, fmt.Errorf("url %s: version %d missing: %w", c.URL, st.latestSeq, ErrCorrupt)
			}
			ver, err := decodeVersion(c.URL, int(st.latestSeq), old)
			if err != nil {
				return out, err
			}
			ver.CaptureIDs = append(ver.CaptureIDs, c.ID)
			if c.FetchedAt.Before(ver.FirstSeen) {
				ver.FirstSeen = c.FetchedAt
			}
			if c.FetchedAt.After(ver.LastSeen) {
				ver.LastSeen = c.FetchedAt
			}
			if err := vb.Put(k, encodeVersion(ver, dkey)); err != nil {
				return out, err
			}
		} else {
			st.latestSeq++
			st.latestDigest = dkey
			ver := Version{FirstSeen: c.FetchedAt, LastSeen: c.FetchedAt, CaptureIDs: []uint64{c.ID}}
			if err := vb.Put(seqKey(c.URL, st.latestSeq), encodeVersion(ver, dkey)); err != nil {
				return out, err
			}
			if err := tx.Bucket(bIndex).Put(payloadURLKey(dkey, c.URL), nil); err != nil {
				return out, err
			}
			out.newVersion = true
		}
		etag, lm := c.Header.Get("ETag"), c.Header.Get("Last-Modified")
		switch {
		case c.Status >= 200 && c.Status < 300:
			st.etag, st.lastModified, st.valDigest = etag, lm, dkey
		case c.Status == 304 && bytes.Equal(dkey, st.valDigest):
			// A 304 may refresh the validators of the version it confirms.
			if etag != "" {
				st.etag = etag
			}
			if lm != "" {
				st.lastModified = lm
			}
		}
	}
	return out, ub.Put([]byte(c.URL), encodeURLState(st))
}

// payloadURLKey indexes which URLs have served a payload: parsed records
// are keyed by payload, and one payload may be served at several URLs.
func payloadURLKey(dkey []byte, url string) []byte {
	k := make([]byte, 0, 1+len(dkey)+len(url))
	k = append(k, idxPayloadURL)
	k = append(k, dkey...)
	return append(k, url...)
}

// URLsOf returns every URL that has had the payload as one of its versions,
// in byte order (none if the payload was never served with success).
func (s *Store) URLsOf(digest string) ([]string, error) {
	dkey, err := digestKey(digest)
	if err != nil {
		return nil, fmt.Errorf("urls of %s: %w", digest, err)
	}
	var out []string
	err = s.view(func(tx *bolt.Tx) error {
		prefix := append([]byte{idxPayloadURL}, dkey...)
		c := tx.Bucket(bIndex).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			out = append(out, string(k[len(prefix):]))
		}
		return nil
	})
	return out, err
}

// Versions returns the distinct payloads url has had, in order. A URL
// that returns to earlier bytes gets a new entry pointing at the old
// digest. ErrNotFound if the URL was never captured.
func (s *Store) Versions(url string) ([]Version, error) {
	var out []Version
	err := s.view(func(tx *bolt.Tx) error {
		if tx.Bucket(bURLs).Get([]byte(url)) == nil {
			return fmt.Errorf("versions of %s: %w", url, ErrNotFound)
		}
		prefix := urlKey(url, tagVersion, nil)
		c := tx.Bucket(bURLs).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if len(k) != len(prefix)+4 {
				continue
			}
			ver, err := decodeVersion(url, int(binary.BigEndian.Uint32(k[len(prefix):])), v)
			if err != nil {
				return err
			}
			out = append(out, ver)
		}
		return nil
	})
	return out, err
}

// ForEachURL calls fn for every URL with at least one capture, in byte order.
func (s *Store) ForEachURL(ctx context.Context, fn func(url string) error) error {
	if ctx == nil {
		ctx = context.Background()
	}
	seek := []byte{}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		// Collect a chunk of URLs, jumping over each URL's capture and
		// version keys (url NUL ...) by seeking to url 0x01.
		var urls []string
		err := s.view(func(tx *bolt.Tx) error {
			c := tx.Bucket(bURLs).Cursor()
			for k, _ := c.Seek(seek); k != nil && len(urls) < chunkEntries; k, _ = c.Seek(seek) {
				u := k
				if i := bytes.IndexByte(k, 0); i >= 0 {
					u = k[:i]
				} else {
					urls = append(urls, string(k))
				}
				seek = append(append(seek[:0:0], u...), 1)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, u := range urls {
			if err := fn(u); err != nil {
				return err
			}
		}
		if len(urls) < chunkEntries {
			return nil
		}
	}
}

// Validators returns the conditional-request state of url (zero if none):
// ETag and Last-Modified of its latest 2xx capture with a body (refreshed
// by 304s that confirm it) and that capture's digest.
func (s *Store) Validators(url string) (Validators, error) {
	var out Validators
	err := s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bURLs).Get([]byte(url))
		if v == nil {
			return nil
		}
		st, err := decodeURLState(v)
		if err != nil {
			return fmt.Errorf("validators of %s: %w", url, err)
		}
		out = Validators{ETag: st.etag, LastModified: st.lastModified, Digest: digestHex(st.valDigest)}
		return nil
	})
	return out, err
}

package archive

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"
)

// dataCheck verifies the records of an open store against each other:
// every payload against its digest, every capture, URL state, version,
// parsed record and run decodes, every reference (capture → payload,
// URL → capture and payload, parsed → payload, index → parsed record)
// lands, every newest parsed record has its index entries, and the
// counters match what is stored. With fix set (Repair, on the new copy
// only) it deletes what is wrong, adds missing index entries, rebuilds a
// URL's state from its versions and rewrites the counters.
type dataCheck struct {
	s      *Store
	fix    bool
	report func(Problem)
	res    *CheckResult

	// What references may point at: everything stored when checking
	// (one damaged payload is one problem, not one per capture of it),
	// only what survived when fixing.
	payloads map[string]bool // digest keys
	captures map[uint64]bool // capture ids
	counted  map[string]int64
	// expected holds the index keys the newest parsed records need; the
	// index scan removes those it finds.
	expected map[string]bool
	parsedOK map[string]bool // digest keys with a parsed record (fix: a good one)
}

func (c *dataCheck) problem(area, format string, args ...any) {
	c.res.Problems[area]++
	c.report(Problem{Area: area, Detail: fmt.Sprintf(format, args...)})
}

func (c *dataCheck) run(ctx context.Context) error {
	c.payloads, c.captures = map[string]bool{}, map[uint64]bool{}
	c.counted, c.expected, c.parsedOK = map[string]int64{}, map[string]bool{}, map[string]bool{}
	steps := []struct {
		area string
		fn   func(context.Context) error
	}{
		{"payload", c.checkPayloads}, {"capture", c.checkCaptures}, {"url", c.checkURLs},
		{"parsed", c.checkParsed}, {"index", c.checkIndex}, {"run", c.checkRuns}, {"counter", c.checkCounters},
	}
	for _, st := range steps {
		err := st.fn(ctx)
		var de *DamageError
		switch {
		case errors.As(err, &de):
			c.problem(st.area, "reading stopped: %s", de.Detail)
		case err != nil:
			return err
		}
	}
	return nil
}

// drop deletes keys of a bucket (nested buckets too) in fix mode.
func (c *dataCheck) drop(ctx context.Context, bucket []byte, keys ...[]byte) error {
	if !c.fix || len(keys) == 0 {
		return nil
	}
	return c.s.write(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		for _, k := range keys {
			if b.Bucket(k) != nil {
				if err := deleteBucket(b, k); err != nil {
					return err
				}
			} else if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}

func (c *dataCheck) checkPayloads(ctx context.Context) error {
	return c.s.scanChunks(ctx, bPayloads, nil, func(k, v []byte) error {
		c.res.Checked["payload"]++
		if v != nil || len(k) != 32 {
			c.problem("payload", "entry %s is not a payload", keyString(k))
			return c.drop(ctx, bPayloads, k)
		}
		var raw, stored int
		err := c.s.view(func(tx *bolt.Tx) error {
			val := payloadValue(tx, k)
			if val == nil {
				return fmt.Errorf("payload %x: no value: %w", k, ErrCorrupt)
			}
			stored = len(val)
			hdr := dec{b: val}
			hdr.byte1()
			raw = int(min(hdr.uvarint(), maxPayload)) // what the counters were told
			_, err := c.s.decodePayload(k, val)
			return err
		})
		c.s.noteRead(stored)
		if errors.Is(err, ErrCorrupt) {
			c.problem("payload", "%v", err)
			if c.fix {
				return c.drop(ctx, bPayloads, k)
			}
			// Checking only: the payload is there, if damaged; what
			// points at it is not a further problem.
		} else if err != nil {
			return err
		}
		c.payloads[string(k)] = true
		c.counted[ctrPayloads]++
		c.counted[ctrPayloadRaw] += int64(raw)
		c.counted[ctrPayloadStored] += int64(stored)
		return nil
	})
}

func (c *dataCheck) checkCaptures(ctx context.Context) error {
	return c.s.scanChunks(ctx, bCaptures, nil, func(k, v []byte) error {
		c.res.Checked["capture"]++
		cp, err := decodeCapture(beUint64(k), v)
		switch {
		case err == nil && len(k) != 8:
			err = fmt.Errorf("capture key %x is not an id", k)
		case err == nil && cp.Digest != "" && !c.payloads[string(mustDigestKey(cp.Digest))]:
			err = fmt.Errorf("capture %d of %s: its payload %s is missing", cp.ID, cp.URL, cp.Digest)
		}
		if err != nil {
			c.problem("capture", "%v", err)
			if !c.fix {
				c.captures[beUint64(k)] = true // there, if damaged
			}
			return c.drop(ctx, bCaptures, k)
		}
		c.captures[cp.ID] = true
		c.counted[ctrCaptures]++
		kind := cp.ErrKind
		if kind == "" {
			kind = KindOK
		}
		c.counted[ctrErrPrefix+kind]++
		if cp.Digest != "" && cp.Status != 304 { // the fetches that brought a body
			c.counted[ctrCaptureBytes] += cp.Size
		}
		return nil
	})
}

// urlGroup is everything bURLs holds about one URL.
type urlGroup struct {
	url      string
	state    *urlState
	captures int
	latest   uint32 // highest good version seq
	digest   []byte // its digest
}

func (c *dataCheck) checkURLs(ctx context.Context) error {
	var g *urlGroup
	err := c.s.scanChunks(ctx, bURLs, nil, func(k, v []byte) error {
		c.res.Checked["url"]++
		u, rest, sub := k, []byte(nil), bytes.IndexByte(k, 0) >= 0
		if sub {
			i := bytes.IndexByte(k, 0)
			u, rest = k[:i], k[i+1:]
		}
		if g == nil || g.url != string(u) {
			if err := c.finishURL(ctx, g); err != nil {
				return err
			}
			g = &urlGroup{url: string(u)}
		}
		if !sub {
			st, err := decodeURLState(v)
			if err != nil {
				c.problem("url", "%s: %v", u, err)
				return c.drop(ctx, bURLs, k)
			}
			g.state = &st
			return nil
		}
		var err error
		switch {
		case len(rest) == 9 && rest[0] == tagCapture:
			if !c.captures[beUint64(rest[1:])] {
				err = fmt.Errorf("%s: lists capture %d, which is missing", u, beUint64(rest[1:]))
			}
			g.captures++
		case len(rest) == 5 && rest[0] == tagVersion:
			seq := binary.BigEndian.Uint32(rest[1:])
			var ver Version
			if ver, err = decodeVersion(string(u), int(seq), v); err == nil && !c.payloads[string(mustDigestKey(ver.Digest))] {
				err = fmt.Errorf("%s: version %d names payload %s, which is missing", u, seq, ver.Digest)
			}
			if err == nil && seq > g.latest {
				g.latest, g.digest = seq, mustDigestKey(ver.Digest)
			}
		default:
			err = fmt.Errorf("%s: unknown entry %x", u, rest)
		}
		if err != nil {
			c.problem("url", "%v", err)
			return c.drop(ctx, bURLs, k)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.finishURL(ctx, g)
}

// finishURL checks a URL's state against its versions; fix rebuilds it.
func (c *dataCheck) finishURL(ctx context.Context, g *urlGroup) error {
	if g == nil {
		return nil
	}
	st := g.state
	switch {
	case st == nil && g.captures+int(g.latest) == 0:
		return nil
	case st == nil:
		c.problem("url", "%s: has captures but no state record", g.url)
		st = &urlState{}
	case st.latestSeq == g.latest && bytes.Equal(st.latestDigest, g.digest):
		c.counted[ctrURLs]++
		return nil
	default:
		c.problem("url", "%s: state names version %d, the versions end at %d", g.url, st.latestSeq, g.latest)
	}
	c.counted[ctrURLs]++
	if !c.fix {
		return nil
	}
	fixed := urlState{latestSeq: g.latest, latestDigest: g.digest}
	if bytes.Equal(st.valDigest, g.digest) {
		fixed.etag, fixed.lastModified, fixed.valDigest = st.etag, st.lastModified, st.valDigest
	}
	return c.s.write(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bURLs).Put([]byte(g.url), encodeURLState(fixed))
	})
}

func (c *dataCheck) checkParsed(ctx context.Context) error {
	var newest *Parsed
	var newestKey []byte
	flush := func() {
		if newest == nil {
			return
		}
		dkey := newestKey[:32]
		c.parsedOK[string(dkey)] = true
		keys, _ := parsedIndexKeys(*newest, dkey) // a NUL in a field: PutParsed never wrote one
		for _, k := range keys {
			c.expected[string(k)] = true
		}
		newest = nil
	}
	err := c.s.scanChunks(ctx, bParsed, nil, func(k, v []byte) error {
		c.res.Checked["parsed"]++
		p, err := c.s.decodeParsed(k, v, true)
		if err == nil && !c.payloads[string(k[:32])] {
			err = fmt.Errorf("parsed %x v%d: its payload is missing", k[:32], p.ParserVersion)
		}
		if err != nil {
			c.problem("parsed", "%v", err)
			if !c.fix && len(k) == 36 {
				c.parsedOK[string(k[:32])] = true // there, if damaged
			}
			return c.drop(ctx, bParsed, k)
		}
		if newest != nil && !bytes.Equal(newestKey[:32], k[:32]) {
			flush()
		}
		p.JSON = nil
		newest, newestKey = &p, k
		return nil
	})
	flush()
	return err
}

func (c *dataCheck) checkIndex(ctx context.Context) error {
	err := c.s.scanChunks(ctx, bIndex, nil, func(k, _ []byte) error {
		c.res.Checked["index"]++
		var err error
		switch {
		case len(k) > 33 && k[0] == idxPayloadURL:
			if !c.payloads[string(k[1:33])] {
				err = fmt.Errorf("URL %s of payload %x: the payload is missing", k[33:], k[1:33])
			}
		case len(k) >= 34 && k[len(k)-33] == 0:
			delete(c.expected, string(k))
			if dkey := k[len(k)-32:]; !c.parsedOK[string(dkey)] {
				err = fmt.Errorf("%c %q → %x: no parsed record of that payload", k[0], k[1:len(k)-33], dkey)
			}
		default:
			err = fmt.Errorf("entry %x is not an index key", k)
		}
		if err != nil {
			c.problem("index", "%v", err)
			return c.drop(ctx, bIndex, k)
		}
		return nil
	})
	if err != nil {
		return err
	}
	missing := make([]string, 0, len(c.expected))
	for k := range c.expected {
		missing = append(missing, k)
	}
	sort.Strings(missing)
	for _, k := range missing {
		c.problem("index", "%c %q → %x: missing, readers filtering on it skip the record", k[0], k[1:len(k)-33], k[len(k)-32:])
		if c.fix {
			if err := c.s.write(ctx, func(tx *bolt.Tx) error { return tx.Bucket(bIndex).Put([]byte(k), nil) }); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *dataCheck) checkRuns(ctx context.Context) error {
	return c.s.scanChunks(ctx, bRuns, nil, func(k, v []byte) error {
		c.res.Checked["run"]++
		var r Run
		if err := json.Unmarshal(v, &r); err != nil || len(k) != 8 {
			c.problem("run", "run %x: does not decode (%v)", k, err)
			return c.drop(ctx, bRuns, k)
		}
		return nil
	})
}

func (c *dataCheck) checkCounters(ctx context.Context) error {
	stored := map[string]int64{}
	err := c.s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bCounters).ForEach(func(k, v []byte) error {
			if len(v) == 8 {
				stored[string(k)] = int64(binary.BigEndian.Uint64(v))
			} else {
				stored[string(k)] = -1
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	names := []string{ctrCaptures, ctrCaptureBytes, ctrURLs, ctrPayloads, ctrPayloadRaw, ctrPayloadStored}
	for n := range c.counted {
		if !bytes.HasPrefix([]byte(n), []byte(ctrErrPrefix)) {
			continue
		}
		names = append(names, n)
	}
	for n := range stored {
		if bytes.HasPrefix([]byte(n), []byte(ctrErrPrefix)) && c.counted[n] == 0 && stored[n] != 0 {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var fix []string
	for _, n := range names {
		c.res.Checked["counter"]++
		if stored[n] != c.counted[n] {
			c.problem("counter", "%s: %d stored, %d counted", n, stored[n], c.counted[n])
			fix = append(fix, n)
		}
	}
	if !c.fix || len(fix) == 0 {
		return nil
	}
	return c.s.write(ctx, func(tx *bolt.Tx) error {
		for _, n := range fix {
			if err := tx.Bucket(bCounters).Put([]byte(n), binary.BigEndian.AppendUint64(nil, uint64(c.counted[n]))); err != nil {
				return err
			}
		}
		return nil
	})
}

// mustDigestKey is digestKey for digests that came out of the file
// (already 64 hex characters); anything else gives nil.
func mustDigestKey(hexDigest string) []byte {
	k, _ := digestKey(hexDigest)
	return k
}

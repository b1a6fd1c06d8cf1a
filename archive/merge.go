package archive

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Merge combines shards (the archives of several crawl workers, opened
// read-only) into s, streaming: it holds one chunk of each shard at a
// time, never a shard whole.
//
//   - runs are copied under new IDs, and captures point at their copies;
//   - payloads are copied once per digest, verified, still compressed;
//   - captures of all shards are interleaved by fetch time (a k-way merge
//     of the shards' capture streams) and get new IDs in that order; each
//     URL's versions and conditional-request validators are rebuilt from
//     its captures in time order, also when a shard merged later holds
//     captures older than those already in s;
//   - parsed records of every parser version are copied with their
//     indexes rebuilt.
//
// Merging is idempotent: every capture and run copied is remembered by a
// fingerprint of its content (bMerged), so merging a shard again, or a
// shard that shares captures with one merged before, adds nothing twice;
// a capture s holds already (a shard that began as a copy of s) is found
// among its URL's captures and not added either.
// It is resumable: each batch commits with its fingerprints, so a merge
// that is interrupted and run again carries on and ends with the same
// file as an uninterrupted one. Crawl frontiers are not merged: they are
// the state of a crawl in progress, not of the archive.
//
// progress, if not nil, is called after every batch.
func (s *Store) Merge(ctx context.Context, shards []*Store, progress func(MergeStats)) (MergeStats, error) {
	var st MergeStats
	note := func(phase, shard string) {
		st.Phase, st.Shard = phase, shard
		if progress != nil {
			progress(st)
		}
	}
	runIDs := make([]map[uint64]uint64, len(shards))
	for i, sh := range shards {
		m, err := s.mergeRuns(ctx, sh, &st)
		if err != nil {
			return st, fmt.Errorf("merge runs of %s: %w", sh.path, err)
		}
		runIDs[i] = m
		note("runs", sh.path)
	}
	for _, sh := range shards {
		if err := s.mergePayloads(ctx, sh, &st, func() { note("payloads", sh.path) }); err != nil {
			return st, fmt.Errorf("merge payloads of %s: %w", sh.path, err)
		}
	}
	if err := s.mergeCaptures(ctx, shards, runIDs, &st, func() { note("captures", "") }); err != nil {
		return st, fmt.Errorf("merge captures: %w", err)
	}
	for _, sh := range shards {
		if err := s.mergeParsed(ctx, sh, &st, func() { note("parsed", sh.path) }); err != nil {
			return st, fmt.Errorf("merge parsed records of %s: %w", sh.path, err)
		}
	}
	note("done", "")
	return st, nil
}

// MergeStats counts what Merge added; what was already there is not
// counted, except captures (Known).
type MergeStats struct {
	Phase    string // runs, payloads, captures, parsed, done (for progress)
	Shard    string // the shard being read, when the phase reads one at a time
	Runs     int    // crawl runs added
	Payloads int    // payloads added (digests the archive did not hold)
	Captures int    // captures added
	Known    int    // captures skipped because an earlier merge added them
	Parsed   int    // parsed records added
}

// bMerged remembers what merges copied, by content fingerprint:
//
//	'c' ‖ sha256 of the capture record (without ID and run) → capture id (8 BE)
//	'r' ‖ sha256 of the run's start and seeds                → run id (8 BE)
var bMerged = []byte("merged")

const (
	mergedCapture byte = 'c'
	mergedRun     byte = 'r'
)

// mergeBatch bounds one merge transaction: entries, and bytes of payloads.
const (
	mergeBatchEntries = 512
	mergeBatchBytes   = 16 << 20
)

func mergedKey(kind byte, fp [32]byte) []byte { return append([]byte{kind}, fp[:]...) }

// runFingerprint identifies a run across archives: when it started and
// what it crawled (its ID is local to the shard; its end may be filled in
// later, when a killed worker's shard is reopened).
func runFingerprint(r Run) [32]byte {
	var b []byte
	b = binary.BigEndian.AppendUint64(b, uint64(r.Started.UnixNano()))
	for _, sd := range r.Seeds {
		b = append(append(b, sd...), 0)
	}
	return sha256.Sum256(b)
}

// mergeRuns copies the shard's runs that s does not hold and returns the
// map from the shard's run IDs to s's.
func (s *Store) mergeRuns(ctx context.Context, sh *Store, st *MergeStats) (map[uint64]uint64, error) {
	runs, err := sh.Runs()
	if err != nil {
		return nil, err
	}
	ids := map[uint64]uint64{}
	added := 0
	err = s.write(ctx, func(tx *bolt.Tx) error {
		clear(ids)
		added = 0
		mb, rb := tx.Bucket(bMerged), tx.Bucket(bRuns)
		// s's own runs (a shard that began as a copy of s holds them).
		own := map[[32]byte]uint64{}
		if err := rb.ForEach(func(k, v []byte) error {
			var r Run
			if json.Unmarshal(v, &r) == nil {
				own[runFingerprint(r)] = beUint64(k)
			}
			return nil
		}); err != nil {
			return err
		}
		for _, r := range runs {
			fp := runFingerprint(r)
			k := mergedKey(mergedRun, fp)
			if v := mb.Get(k); len(v) == 8 {
				ids[r.ID] = beUint64(v)
				continue
			}
			if id, ok := own[fp]; ok {
				ids[r.ID] = id
				continue
			}
			id, err := rb.NextSequence()
			if err != nil {
				return err
			}
			old := r.ID
			r.ID = id
			// Nobody runs a shard being merged (it is open, so its lock
			// is held): a run that never ended was killed.
			if r.Ended.IsZero() {
				r.Interrupted = true
			}
			if err := putRun(rb, r); err != nil {
				return err
			}
			if err := mb.Put(k, u64key(id)); err != nil {
				return err
			}
			ids[old] = id
			added++
		}
		return nil
	})
	st.Runs += added
	return ids, err
}

// mergePayloads copies the shard's payloads that s does not hold, verified
// against their digests, without recompressing them.
func (s *Store) mergePayloads(ctx context.Context, sh *Store, st *MergeStats, progress func()) error {
	var keys [][]byte
	flush := func() error {
		if len(keys) == 0 {
			return nil
		}
		n, err := s.copyPayloads(ctx, sh, keys)
		st.Payloads += n
		keys = keys[:0]
		progress()
		return err
	}
	err := sh.scanChunks(ctx, bPayloads, nil, func(k, _ []byte) error {
		keys = append(keys, k)
		if len(keys) >= chunkEntries {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// copyPayloads copies the payloads of keys that s lacks, a bounded batch
// of bytes per transaction, and returns how many it added.
func (s *Store) copyPayloads(ctx context.Context, sh *Store, keys [][]byte) (int, error) {
	type pv struct {
		k, v []byte
		raw  int64
	}
	var batch []pv
	size, added := 0, 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		n := 0
		err := s.write(ctx, func(tx *bolt.Tx) error {
			n = 0
			for _, p := range batch {
				if hasPayload(tx, p.k) {
					continue
				}
				if err := storePayload(tx, p.k, p.v, p.raw); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		added += n
		batch, size = batch[:0], 0
		return err
	}
	for _, k := range keys {
		has, err := s.HasPayload(digestHex(k))
		if err != nil {
			return added, err
		}
		if has {
			continue
		}
		var val []byte
		var raw int64
		err = sh.view(func(tx *bolt.Tx) error {
			v := payloadValue(tx, k)
			if v == nil {
				return fmt.Errorf("payload %x: bucket without a value: %w", k, ErrCorrupt)
			}
			body, err := sh.decodePayload(k, v) // verifies the digest
			if err != nil {
				return err
			}
			raw = int64(len(body))
			val = bytes.Clone(v)
			return nil
		})
		if err != nil {
			return added, err
		}
		sh.noteRead(len(val))
		batch = append(batch, pv{k, val, raw})
		if size += len(val); size >= mergeBatchBytes {
			if err := flush(); err != nil {
				return added, err
			}
		}
	}
	return added, flush()
}

// captureStream reads one shard's captures in ID order, a chunk at a time.
type captureStream struct {
	sh    *Store
	shard int
	buf   []Capture
	after uint64 // last ID read
	eof   bool
}

// peek returns the stream's next capture, or nil at its end.
func (cs *captureStream) peek() (*Capture, error) {
	if len(cs.buf) == 0 && !cs.eof {
		if err := cs.fill(); err != nil {
			return nil, err
		}
	}
	if len(cs.buf) == 0 {
		return nil, nil
	}
	return &cs.buf[0], nil
}

func (cs *captureStream) fill() error {
	cs.buf = cs.buf[:0]
	size := 0
	err := cs.sh.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bCaptures).Cursor()
		for k, v := c.Seek(u64key(cs.after + 1)); k != nil; k, v = c.Next() {
			if len(cs.buf) >= chunkEntries {
				return nil
			}
			cp, err := decodeCapture(beUint64(k), v)
			if err != nil {
				return err
			}
			cs.buf = append(cs.buf, cp)
			size += len(v)
		}
		cs.eof = true
		return nil
	})
	cs.sh.noteRead(size)
	if n := len(cs.buf); n > 0 {
		cs.after = cs.buf[n-1].ID
	}
	return err
}

// mergeCaptures interleaves the captures of every shard by fetch time
// (then shard, then ID) and adds those not merged before.
func (s *Store) mergeCaptures(ctx context.Context, shards []*Store, runIDs []map[uint64]uint64, st *MergeStats, progress func()) error {
	streams := make([]*captureStream, len(shards))
	for i, sh := range shards {
		streams[i] = &captureStream{sh: sh, shard: i}
	}
	var batch []Capture
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		added, known, err := s.addMergedCaptures(ctx, batch)
		st.Captures += added
		st.Known += known
		batch = batch[:0]
		progress()
		return err
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var best *captureStream
		var bc *Capture
		for _, cs := range streams {
			c, err := cs.peek()
			if err != nil {
				return fmt.Errorf("read %s: %w", cs.sh.path, err)
			}
			if c == nil {
				continue
			}
			if bc == nil || c.FetchedAt.Before(bc.FetchedAt) {
				best, bc = cs, c
			}
		}
		if best == nil {
			return flush()
		}
		c := *bc
		best.buf = best.buf[1:]
		if c.RunID != 0 {
			id, ok := runIDs[best.shard][c.RunID]
			if !ok {
				return fmt.Errorf("%s: capture %d names run %d, which the shard does not hold: %w", best.sh.path, c.ID, c.RunID, ErrCorrupt)
			}
			c.RunID = id
		}
		batch = append(batch, c)
		if len(batch) >= mergeBatchEntries {
			if err := flush(); err != nil {
				return err
			}
		}
	}
}

// captureFingerprint identifies a capture by its content: the record
// without its ID and run, which are local to the archive holding it.
func captureFingerprint(c Capture, dkey []byte) [32]byte {
	c.RunID = 0
	return sha256.Sum256(encodeCapture(c, dkey))
}

// addMergedCaptures adds, in one transaction, the captures of batch not
// merged before.
func (s *Store) addMergedCaptures(ctx context.Context, batch []Capture) (added, known int, err error) {
	type prepared struct {
		c    Capture
		dkey []byte
		fp   []byte
	}
	ps := make([]prepared, len(batch))
	for i, c := range batch {
		var dkey []byte
		if c.Digest != "" {
			if dkey, err = digestKey(c.Digest); err != nil {
				return 0, 0, fmt.Errorf("capture %d of %s: %w", c.ID, c.URL, err)
			}
		}
		fp := captureFingerprint(c, dkey)
		ps[i] = prepared{c, dkey, mergedKey(mergedCapture, fp)}
	}
	err = s.write(ctx, func(tx *bolt.Tx) error {
		added, known = 0, 0
		mb := tx.Bucket(bMerged)
		for _, p := range ps {
			if mb.Get(p.fp) != nil {
				known++
				continue
			}
			if id, ok, err := findCapture(tx, p.c.URL, p.fp[1:]); err != nil || ok {
				// Held but not through a merge: the shard began as a
				// copy of this archive (see README, several machines).
				if err == nil {
					err = mb.Put(p.fp, u64key(id))
					known++
				}
				if err != nil {
					return err
				}
				continue
			}
			if p.dkey != nil && !hasPayload(tx, p.dkey) {
				return fmt.Errorf("capture of %s at %s names payload %s, which its shard does not hold: %w",
					p.c.URL, p.c.FetchedAt.Format(time.RFC3339), p.c.Digest, ErrCorrupt)
			}
			// A capture came with its bytes unless it is a 304, which
			// confirms a payload fetched before (see AddCapture).
			withBody := p.dkey != nil && p.c.Status != 304
			c, _, err := storeCapture(tx, p.c, p.dkey, withBody, noteSightingAnyOrder)
			if err != nil {
				return err
			}
			if err := mb.Put(p.fp, u64key(c.ID)); err != nil {
				return err
			}
			added++
		}
		return nil
	})
	return added, known, err
}

// findCapture looks among url's captures for one with fingerprint fp.
func findCapture(tx *bolt.Tx, url string, fp []byte) (uint64, bool, error) {
	cb := tx.Bucket(bCaptures)
	prefix := urlKey(url, tagCapture, nil)
	c := tx.Bucket(bURLs).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		id := beUint64(k[len(prefix):])
		cp, err := decodeCapture(id, cb.Get(u64key(id)))
		if err != nil {
			return 0, false, err
		}
		var dkey []byte
		if cp.Digest != "" {
			dkey, _ = digestKey(cp.Digest)
		}
		if f := captureFingerprint(cp, dkey); bytes.Equal(f[:], fp) {
			return id, true, nil
		}
	}
	return 0, false, nil
}

// noteSightingAnyOrder is noteSighting for captures that may be older than
// the URL's latest sighting (a shard merged after another): such a capture
// has its URL's version history rebuilt from every capture in time order.
func noteSightingAnyOrder(tx *bolt.Tx, c Capture, dkey []byte) (sighting, error) {
	ub := tx.Bucket(bURLs)
	v := ub.Get([]byte(c.URL))
	if v == nil || !isSighting(c) {
		return noteSighting(tx, c, dkey)
	}
	us, err := decodeURLState(v)
	if err != nil {
		return sighting{}, fmt.Errorf("url %s: %w", c.URL, err)
	}
	if us.latestSeq > 0 {
		lv := ub.Get(seqKey(c.URL, us.latestSeq))
		if lv == nil {
			return sighting{}, fmt.Errorf("url %s: version %d missing: %w", c.URL, us.latestSeq, ErrCorrupt)
		}
		latest, err := decodeVersion(c.URL, int(us.latestSeq), lv)
		if err != nil {
			return sighting{}, err
		}
		if latest.LastSeen.After(c.FetchedAt) {
			return sighting{}, rebuildVersions(tx, c.URL)
		}
	}
	return noteSighting(tx, c, dkey)
}

// rebuildVersions replays every capture of url (already stored) in fetch
// time order, rebuilding its versions and validators from scratch. A URL
// has one capture per crawl, so this holds a few records at a time.
func rebuildVersions(tx *bolt.Tx, url string) error {
	ub, cb := tx.Bucket(bURLs), tx.Bucket(bCaptures)
	type capKey struct {
		c    Capture
		dkey []byte
	}
	var caps []capKey
	var versionKeys [][]byte
	prefix := append([]byte(url), 0)
	cur := ub.Cursor()
	for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
		switch tag := k[len(prefix)]; {
		case tag == tagVersion:
			versionKeys = append(versionKeys, bytes.Clone(k))
		case tag == tagCapture && len(k) == len(prefix)+9:
			id := beUint64(k[len(prefix)+1:])
			c, err := decodeCapture(id, cb.Get(u64key(id)))
			if err != nil {
				return err
			}
			var dkey []byte
			if c.Digest != "" {
				dkey, _ = digestKey(c.Digest)
			}
			caps = append(caps, capKey{c, dkey})
		}
	}
	for _, k := range versionKeys {
		if err := ub.Delete(k); err != nil {
			return err
		}
	}
	if err := ub.Delete([]byte(url)); err != nil {
		return err
	}
	slices.SortStableFunc(caps, func(a, b capKey) int {
		return cmp.Or(a.c.FetchedAt.Compare(b.c.FetchedAt), cmp.Compare(a.c.ID, b.c.ID))
	})
	for _, ck := range caps {
		if _, err := noteSighting(tx, ck.c, ck.dkey); err != nil {
			return err
		}
	}
	return nil
}

// mergeParsed copies the shard's parsed records (every parser version)
// that s lacks, checking each decodes, and indexes them.
func (s *Store) mergeParsed(ctx context.Context, sh *Store, st *MergeStats, progress func()) error {
	type rec struct {
		k, v []byte
		idx  [][]byte
	}
	var batch []rec
	size := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		n := 0
		err := s.write(ctx, func(tx *bolt.Tx) error {
			n = 0
			pb := tx.Bucket(bParsed)
			for _, r := range batch {
				if parsedValue(pb, r.k, pb.Get(r.k)) != nil {
					continue
				}
				if err := putParsedTx(tx, r.k, r.v, r.idx); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		st.Parsed += n
		batch, size = batch[:0], 0
		progress()
		return err
	}
	err := sh.scanChunks(ctx, bParsed, nil, func(k, v []byte) error {
		p, err := sh.decodeParsed(k, v, true) // proves the record decodes
		if err != nil {
			return err
		}
		if !json.Valid(p.JSON) {
			return fmt.Errorf("parsed %s v%d: record is not JSON: %w", p.Digest, p.ParserVersion, ErrCorrupt)
		}
		idx, err := parsedIndexKeys(p, k[:32])
		if err != nil {
			return fmt.Errorf("parsed %s v%d: %w", p.Digest, p.ParserVersion, err)
		}
		batch = append(batch, rec{k, v, idx})
		if size += len(v); len(batch) >= mergeBatchEntries || size >= mergeBatchBytes {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

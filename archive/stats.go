package archive

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// Stats are the archive-wide counts behind `crawl stats`.
type Stats struct {
	Captures       int64            // every fetch recorded
	CaptureBytes   int64            // sum of body sizes over captures with a body (what was downloaded)
	Payloads       int64            // unique payloads stored
	RawBytes       int64            // uncompressed size of the unique payloads
	StoredBytes    int64            // their compressed size on disk (values only; bbolt page overhead excluded)
	CapturesByKind map[string]int64 // captures by ErrKind; KindOK for successful fetches
	URLs           int64            // URLs with at least one capture
	Parsed         []ParsedCount    // newest-parser records by year × template × kind
	Runs           int
	FileBytes      int64 // size of the database file
}

// KindOK is the CapturesByKind key of successful fetches (ErrKind "").
const KindOK = "ok"

// ParsedCount is one cell of Stats.Parsed.
type ParsedCount struct {
	Year     int
	Template string
	Kind     string
	Count    int
}

// Stats returns archive-wide counts. Capture and payload figures come
// from counters kept with every write; parsed counts stream the records'
// index fields (not their JSON).
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	st := Stats{CapturesByKind: map[string]int64{}}
	err := s.view(func(tx *bolt.Tx) error {
		st.Captures = readCounter(tx, ctrCaptures)
		st.CaptureBytes = readCounter(tx, ctrCaptureBytes)
		st.Payloads = readCounter(tx, ctrPayloads)
		st.RawBytes = readCounter(tx, ctrPayloadRaw)
		st.StoredBytes = readCounter(tx, ctrPayloadStored)
		c := tx.Bucket(bCounters).Cursor()
		pre := []byte(ctrErrPrefix)
		for k, _ := c.Seek(pre); k != nil && bytes.HasPrefix(k, pre); k, _ = c.Next() {
			st.CapturesByKind[strings.TrimPrefix(string(k), ctrErrPrefix)] = readCounter(tx, string(k))
		}
		st.URLs = readCounter(tx, ctrURLs)
		st.Runs = tx.Bucket(bRuns).Stats().KeyN
		st.FileBytes = tx.Size()
		return nil
	})
	if err != nil {
		return Stats{}, fmt.Errorf("stats: %w", err)
	}
	type key struct {
		y    int
		t, k string
	}
	counts := map[key]int{}
	err = s.forEachParsed(ctx, Filter{}, false, func(p Parsed) error {
		counts[key{p.Year, p.Template, p.Kind}]++
		return nil
	})
	if err != nil {
		return Stats{}, fmt.Errorf("stats: %w", err)
	}
	for k, n := range counts {
		st.Parsed = append(st.Parsed, ParsedCount{Year: k.y, Template: k.t, Kind: k.k, Count: n})
	}
	sort.Slice(st.Parsed, func(i, j int) bool {
		a, b := st.Parsed[i], st.Parsed[j]
		if a.Year != b.Year {
			return a.Year < b.Year
		}
		if a.Template != b.Template {
			return a.Template < b.Template
		}
		return a.Kind < b.Kind
	})
	return st, nil
}

package archive

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// mergeEvent is one fetch, made by one of two workers (shard 0 or 1).
type mergeEvent struct {
	shard  int
	url    string
	at     time.Time
	status int
	body   []byte // nil for a 304 or a failure
	digest string
	etag   string
	kind   string // ErrKind
}

// mergeEvents: u1 is fetched by both workers on alternate nights and goes
// v1 → v1 (304) → v2 → back to v1; u2 serves u1's v1 bytes (one payload)
// and then fails; u3 is only in shard 0.
func mergeEvents() []mergeEvent {
	v1, v2, v3 := page(1), page(2), page(3)
	d1, _ := sum(v1)
	return []mergeEvent{
		{shard: 0, url: "http://a.gov.cn/1.html", at: day(1), status: 200, body: v1, etag: `"e1"`},
		{shard: 1, url: "http://a.gov.cn/2.html", at: day(1).Add(time.Minute), status: 200, body: v1, etag: `"x1"`},
		{shard: 0, url: "http://a.gov.cn/3.html", at: day(1).Add(2 * time.Minute), status: 200, body: v3},
		{shard: 1, url: "http://a.gov.cn/1.html", at: day(2), status: 304, digest: d1, etag: `"e1"`},
		{shard: 0, url: "http://a.gov.cn/2.html", at: day(2).Add(time.Minute), kind: "timeout"},
		{shard: 0, url: "http://a.gov.cn/1.html", at: day(3), status: 200, body: v2, etag: `"e2"`},
		{shard: 1, url: "http://a.gov.cn/1.html", at: day(4), status: 200, body: v1, etag: `"e3"`},
	}
}

// addEvent records ev in s, in run run.
func addEvent(t *testing.T, s *Store, run uint64, ev mergeEvent) {
	t.Helper()
	h := http.Header{"Content-Type": {"text/html; charset=utf-8"}}
	if ev.etag != "" {
		h.Set("ETag", ev.etag)
	}
	mustAdd(t, s, Capture{RunID: run, URL: ev.url, Seed: "http://a.gov.cn/", Agency: "新前街道", FetchedAt: ev.at,
		Status: ev.status, Proto: "HTTP/1.1", Header: h, Digest: ev.digest, ErrKind: ev.kind, Err: ev.kind}, ev.body)
}

// putParsedOf stores a parsed record of body by parser version pv.
func putParsedOf(t *testing.T, s *Store, body []byte, pv int, url string) {
	t.Helper()
	d, _ := sum(body)
	err := s.PutParsed(context.Background(), Parsed{Digest: d, ParserVersion: pv, URL: url, Kind: "report",
		Agency: "新前街道", Region: "台州市", Year: 2020, Template: "2019", JSON: []byte(fmt.Sprintf(`{"url":%q,"pv":%d}`, url, pv))})
	if err != nil {
		t.Fatal(err)
	}
}

// mergeFixture builds one archive with every event (a single worker's
// crawl) and two shards splitting them, each with its own run.
func mergeFixture(t *testing.T) (single *Store, shards []string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	single, _ = openTemp(t)
	r, err := single.BeginRun(ctx, []string{"seeds.csv"})
	if err != nil {
		t.Fatal(err)
	}
	var stores []*Store
	var runs []uint64
	for i := range 2 {
		p := filepath.Join(dir, fmt.Sprintf("shard-%d.db", i+1))
		s, err := Open(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		// The shard's run starts a little later than the single crawl's.
		sr, err := s.BeginRun(ctx, []string{"seeds.csv"})
		if err != nil {
			t.Fatal(err)
		}
		stores, runs, shards = append(stores, s), append(runs, sr.ID), append(shards, p)
	}
	for _, ev := range mergeEvents() {
		addEvent(t, single, r.ID, ev)
		addEvent(t, stores[ev.shard], runs[ev.shard], ev)
	}
	for _, s := range []*Store{single, stores[0]} {
		putParsedOf(t, s, page(1), 1, "http://a.gov.cn/1.html")
		putParsedOf(t, s, page(3), 1, "http://a.gov.cn/3.html")
	}
	for _, s := range []*Store{single, stores[1]} {
		putParsedOf(t, s, page(1), 2, "http://a.gov.cn/1.html")
		putParsedOf(t, s, page(2), 2, "http://a.gov.cn/1.html")
	}
	for _, s := range stores {
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return single, shards
}

// openShards opens shard files read-only, closed at the end of the test.
func openShards(t *testing.T, paths ...string) []*Store {
	t.Helper()
	var out []*Store
	for _, p := range paths {
		s, err := Open(p, &Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		out = append(out, s)
	}
	return out
}

// archiveView is what readers see of an archive: per URL its versions
// (digest, first and last seen, number of captures) and validators, and
// the capture times in ID order; the counters; every parsed record.
func archiveView(t *testing.T, s *Store) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	err := s.ForEachURL(ctx, func(u string) error {
		vs, err := s.Versions(u)
		if err != nil {
			return err
		}
		for _, v := range vs {
			out = append(out, fmt.Sprintf("%s v%d %s %s..%s ×%d", u, v.Seq, v.Digest[:8], v.FirstSeen.Format(time.DateOnly), v.LastSeen.Format(time.DateOnly), len(v.CaptureIDs)))
		}
		val, err := s.Validators(u)
		if err != nil {
			return err
		}
		out = append(out, fmt.Sprintf("%s validators %+v", u, val))
		cs, err := s.Captures(u)
		if err != nil {
			return err
		}
		for _, c := range cs {
			out = append(out, fmt.Sprintf("%s capture %s %d %s", u, c.FetchedAt.Format(time.DateTime), c.Status, c.ErrKind))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, fmt.Sprintf("stats captures %d bytes %d payloads %d raw %d stored %d urls %d kinds %v parsed %v",
		st.Captures, st.CaptureBytes, st.Payloads, st.RawBytes, st.StoredBytes, st.URLs, st.CapturesByKind, st.Parsed))
	err = s.ForEachParsed(ctx, Filter{}, func(p Parsed) error {
		pvs, err := s.ParsedVersions(p.Digest)
		out = append(out, fmt.Sprintf("parsed %s %v %s", p.Digest[:8], pvs, p.JSON))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []Filter{{Agency: "新前街道"}, {Year: 2020}, {Host: "a.gov.cn"}, {URL: "http://a.gov.cn/3.html"}} {
		n := 0
		if err := s.ForEachParsed(ctx, f, func(Parsed) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("filter %+v: %d", f, n))
	}
	return out
}

// fileDump lists every key and value of every bucket, nested included:
// two files with equal dumps hold the same data.
func fileDump(t *testing.T, s *Store) []string {
	t.Helper()
	var out []string
	var walk func(path string, b *bolt.Bucket) error
	walk = func(path string, b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			if v == nil {
				return walk(fmt.Sprintf("%s/%x", path, k), b.Bucket(k))
			}
			out = append(out, fmt.Sprintf("%s/%x=%x", path, k, v))
			return nil
		})
	}
	err := s.view(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error { return walk(string(name), b) })
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func diffLines(t *testing.T, label string, want, got []string) {
	t.Helper()
	if slices.Equal(want, got) {
		return
	}
	for i := 0; i < max(len(want), len(got)); i++ {
		w, g := "(none)", "(none)"
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w != g {
			t.Errorf("%s: first difference at line %d of %d/%d:\nwant %s\ngot  %s", label, i, len(want), len(got), w, g)
			return
		}
	}
}

// TestMergeShards merges two workers' shards and finds what one worker
// crawling everything would have stored: the same versions (u1's four
// captures from two shards make three versions), validators, counters
// (one payload stored once for two URLs and two shards) and parsed
// records of both parser versions.
func TestMergeShards(t *testing.T) {
	ctx := context.Background()
	single, shards := mergeFixture(t)
	want := archiveView(t, single)

	dest, _ := openTemp(t)
	st, err := dest.Merge(ctx, openShards(t, shards...), nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Runs != 2 || st.Payloads != 3 || st.Captures != 7 || st.Known != 0 || st.Parsed != 4 {
		t.Errorf("merge stats %+v, want 2 runs, 3 payloads, 7 captures, 4 parsed", st)
	}
	diffLines(t, "merged vs single", want, archiveView(t, dest))
	vs, err := dest.Versions("http://a.gov.cn/1.html")
	if err != nil || len(vs) != 3 || vs[0].Digest != vs[2].Digest || len(vs[0].CaptureIDs) != 2 {
		t.Errorf("u1 versions %+v (%v), want v1 ×2, v2, v1 again", vs, err)
	}
	// Capture IDs follow fetch time across shards.
	var last time.Time
	if err := dest.ForEachCapture(ctx, func(c Capture) error {
		if c.FetchedAt.Before(last) {
			t.Errorf("capture %d at %s after one at %s", c.ID, c.FetchedAt, last)
		}
		last = c.FetchedAt
		if c.RunID != 1 && c.RunID != 2 {
			t.Errorf("capture %d has run %d, want a merged run", c.ID, c.RunID)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	runs, err := dest.Runs()
	if err != nil || len(runs) != 2 {
		t.Fatalf("runs %+v (%v)", runs, err)
	}

	// Merging again changes nothing.
	before := fileDump(t, dest)
	st, err = dest.Merge(ctx, openShards(t, shards...), nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Runs+st.Payloads+st.Captures+st.Parsed != 0 || st.Known != 7 {
		t.Errorf("second merge added %+v", st)
	}
	diffLines(t, "second merge", before, fileDump(t, dest))
}

// TestMergeCopy merges back a shard that began as a copy of the archive
// (how workers start a night with every validator and payload): only what
// the shard added since the copy is added.
func TestMergeCopy(t *testing.T) {
	ctx := context.Background()
	single, _ := mergeFixture(t)
	path := single.Path()
	if err := single.Close(); err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(t.TempDir(), "shard.db")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(copyPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	shard, err := Open(copyPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := shard.BeginRun(ctx, []string{"seeds.csv"})
	if err != nil {
		t.Fatal(err)
	}
	d1, _ := sum(page(1))
	addEvent(t, shard, r.ID, mergeEvent{url: "http://a.gov.cn/2.html", at: day(5), status: 304, digest: d1, etag: `"x1"`})
	if err := shard.Close(); err != nil {
		t.Fatal(err)
	}
	dest, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dest.Close()
	st, err := dest.Merge(ctx, openShards(t, copyPath), nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Runs != 1 || st.Payloads != 0 || st.Captures != 1 || st.Known != 7 || st.Parsed != 0 {
		t.Errorf("merge of a copy: %+v, want 1 run and 1 capture added, 7 known", st)
	}
	if cs, err := dest.Captures("http://a.gov.cn/2.html"); err != nil || len(cs) != 3 {
		t.Errorf("captures of u2: %d (%v), want 3", len(cs), err)
	}
}

// TestMergeOutOfOrder merges the later worker's shard first, then the
// earlier one in a second merge: the versions are rebuilt in time order.
func TestMergeOutOfOrder(t *testing.T) {
	ctx := context.Background()
	single, shards := mergeFixture(t)
	want := archiveView(t, single)
	dest, _ := openTemp(t)
	for _, sh := range []string{shards[1], shards[0]} {
		if _, err := dest.Merge(ctx, openShards(t, sh), nil); err != nil {
			t.Fatal(err)
		}
	}
	got := archiveView(t, dest)
	// Captures(url) lists by ID, which is merge order here: compare the
	// rest, and the captures as a set.
	split := func(lines []string) (other, caps []string) {
		for _, l := range lines {
			if f := strings.Fields(l); len(f) > 1 && f[1] == "capture" {
				caps = append(caps, l)
			} else {
				other = append(other, l)
			}
		}
		slices.Sort(caps)
		return other, caps
	}
	wo, wc := split(want)
	goth, gc := split(got)
	diffLines(t, "out of order", wo, goth)
	diffLines(t, "out of order captures", wc, gc)
}

// TestMergeResumes interrupts a merge after its first batch of captures
// and runs it again: the file ends as an uninterrupted merge leaves it.
func TestMergeResumes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// Two shards with more captures than one batch, interleaved in time.
	var paths []string
	n := mergeBatchEntries + 100
	for i := range 2 {
		p := filepath.Join(dir, fmt.Sprintf("shard-%d.db", i))
		s, err := Open(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for j := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.AddCapture(ctx, Capture{URL: fmt.Sprintf("http://h%d.gov.cn/%d.html", j%7, j), FetchedAt: day(1).Add(time.Duration(2*j+i) * time.Second),
					Status: 200, Header: http.Header{"Content-Type": {"text/html"}}}, page(j%300))
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	whole, _ := openTemp(t)
	if _, err := whole.Merge(ctx, openShards(t, paths...), nil); err != nil {
		t.Fatal(err)
	}
	resumed, _ := openTemp(t)
	cctx, cancel := context.WithCancel(ctx)
	_, err := resumed.Merge(cctx, openShards(t, paths...), func(st MergeStats) {
		if st.Phase == "captures" && st.Captures > 0 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted merge: %v, want context.Canceled", err)
	}
	st, err := resumed.Merge(ctx, openShards(t, paths...), nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Known != mergeBatchEntries || st.Captures != 2*n-mergeBatchEntries {
		t.Errorf("resumed merge: %+v, want %d known and %d added", st, mergeBatchEntries, 2*n-mergeBatchEntries)
	}
	diffLines(t, "resumed vs whole", fileDump(t, whole), fileDump(t, resumed))
}

// TestMergeCorruptPayload refuses to copy bytes that do not match their
// digest, naming the payload.
func TestMergeCorruptPayload(t *testing.T) {
	ctx := context.Background()
	_, shards := mergeFixture(t)
	d, _ := sum(page(3))
	dkey, _ := digestKey(d)
	rawUpdate(t, shards[0], func(tx *bolt.Tx) error {
		bad := append([]byte{codecRaw, byte(len(page(4)))}, page(4)...)
		return tx.Bucket(bPayloads).Bucket(dkey).Put(payloadValueKey, bad)
	})
	dest, _ := openTemp(t)
	_, err := dest.Merge(ctx, openShards(t, shards...), nil)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(fmt.Sprint(err), d[:16]) {
		t.Errorf("merge of a damaged shard: %v, want ErrCorrupt naming %s", err, d[:16])
	}
}

package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Problem is one thing Check found wrong, or Repair dropped or fixed.
type Problem struct {
	// Area is file (the header pages), structure (bbolt's pages and
	// tree), payload, capture, url, parsed, index, run or counter.
	Area   string
	Detail string
}

// CheckResult counts what Check looked at and what it found, by area.
type CheckResult struct {
	Checked  map[string]int
	Problems map[string]int
	Copied   int // Repair: entries copied into the new file
}

// Total is the number of problems found.
func (r CheckResult) Total() int {
	n := 0
	for _, c := range r.Problems {
		n += c
	}
	return n
}

func newCheckResult() CheckResult {
	return CheckResult{Checked: map[string]int{}, Problems: map[string]int{}}
}

// Check verifies the archive at path without writing to it and reports
// every problem, one at a time, to report: the header pages, then every
// page of the tree with plain reads (rawWalk), then bbolt's own Tx.Check,
// then every record (every payload against its digest, every reference,
// the indexes against the records, the counters). A file whose header
// is unreadable or which is cut short is reported as such and not read
// further (Repair salvages what is there). The error is for what stopped
// the check itself (a lock, an I/O error), not for problems found.
func Check(ctx context.Context, path string, lockTimeout time.Duration, report func(Problem)) (CheckResult, error) {
	res := newCheckResult()
	problem := func(area string) func(string) {
		return func(d string) {
			res.Problems[area]++
			report(Problem{Area: area, Detail: d})
		}
	}
	if _, err := os.Stat(path); err != nil {
		return res, fmt.Errorf("check %s: %w", path, err)
	}
	r, err := openRawLocked(path, false, lockTimeout)
	var de *DamageError
	if errors.As(err, &de) {
		problem("file")(de.Detail)
		return res, nil
	}
	if err != nil {
		return res, err
	}
	for i, m := range r.metas {
		if m.err != "" {
			problem("file")(fmt.Sprintf("header page %d: %s (bbolt reads the other one, which is one commit older at most)", i, m.err))
		}
	}
	w := rawWalk{r: r, problem: problem("structure")}
	w.run()
	r.Close()
	res.Checked["page"] = len(w.reached)
	s, err := Open(path, &Options{ReadOnly: true, LockTimeout: lockTimeout})
	if errors.As(err, &de) {
		problem("file")(de.Detail)
		return res, nil
	}
	if err != nil {
		return res, err
	}
	defer s.Close()
	if res.Problems["structure"] == 0 {
		// Safe only now: Tx.Check reads pages in a goroutine of its own,
		// where a fault could not be recovered, and the walk has just
		// shown that every page it will follow is inside the file.
		err := s.view(func(tx *bolt.Tx) error {
			for e := range tx.Check() {
				problem("structure")("bbolt: " + e.Error())
			}
			return nil
		})
		if errors.As(err, &de) {
			problem("structure")(de.Detail)
		} else if err != nil {
			return res, err
		}
	}
	c := dataCheck{s: s, report: report, res: &res}
	return res, c.run(ctx)
}

// openRawLocked opens path for plain reads under bbolt's lock (shared
// unless exclusive) and validates its header. On a DamageError of a cut
// file the returned rawFile is still usable (Repair); otherwise nil.
func openRawLocked(path string, exclusive bool, lockTimeout time.Duration) (*rawFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	if err := lockRaw(f, exclusive, lockTimeout); err != nil {
		f.Close()
		if errors.Is(err, errLockBusy) {
			return nil, fmt.Errorf("open archive %s: %w (still locked after %s; is another crawl running?)", path, ErrLocked, lockTimeout)
		}
		return nil, fmt.Errorf("open archive %s: lock: %w", path, err)
	}
	r := &rawFile{path: path, f: f}
	if err := r.readMeta(); err != nil {
		if r.cut {
			return r, err
		}
		f.Close()
		return nil, err
	}
	return r, nil
}

// Repair copies everything readable of the archive at src into a new
// archive at dst, which must not exist: every key and value of every page
// the walk can read (like bbolt compact, but page by page, so one bad
// page loses only what it held), even from a file cut short. Then it
// checks the copy's records as Check does and drops from the copy what
// is wrong (payloads that fail their digest, records that do not decode,
// references to what was lost), adds missing index entries and rewrites
// the counters. src is never written to. Every page that could not be
// read and every record dropped or fixed is reported.
func Repair(ctx context.Context, src, dst string, lockTimeout time.Duration, report func(Problem)) (CheckResult, error) {
	res := newCheckResult()
	if _, err := os.Stat(dst); !errors.Is(err, fs.ErrNotExist) {
		return res, fmt.Errorf("repair into %s: the file exists; repair only writes a new file", dst)
	}
	r, err := openRawLocked(src, false, lockTimeout)
	var de *DamageError
	if errors.As(err, &de) {
		if r == nil {
			return res, err // no header to start from
		}
		res.Problems["file"]++
		report(Problem{Area: "file", Detail: de.Detail})
	} else if err != nil {
		return res, err
	}
	defer r.Close()
	db, err := bolt.Open(dst, 0o600, &bolt.Options{Timeout: lockTimeout, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return res, fmt.Errorf("repair: create %s: %w", dst, err)
	}
	cp := &salvage{db: db, report: report, res: &res}
	w := rawWalk{r: r, entry: cp.entry, bucket: cp.bucket, problem: func(d string) {
		res.Problems["structure"]++
		report(Problem{Area: "structure", Detail: "not copied: " + d})
	}}
	w.run()
	err = cp.flush()
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return res, fmt.Errorf("repair: write %s: %w", dst, err)
	}
	s, err := Open(dst, &Options{LockTimeout: lockTimeout})
	if err != nil {
		return res, fmt.Errorf("repair: reopen %s: %w", dst, err)
	}
	c := dataCheck{s: s, fix: true, report: report, res: &res}
	err = c.run(ctx)
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	return res, err
}

// salvage buffers the entries of a raw walk and writes them into the new
// file in transactions of about batchBytes.
type salvage struct {
	db      *bolt.DB
	report  func(Problem)
	res     *CheckResult
	pending []salvaged
	size    int
}

type salvaged struct {
	path     [][]byte
	k, v     []byte
	seq      uint64
	isBucket bool
}

const salvageBatch = 32 << 20

func (c *salvage) bucket(path [][]byte, seq uint64) {
	if len(path) == 0 {
		return // the root
	}
	c.add(salvaged{path: clonePath(path[:len(path)-1]), k: bytes.Clone(path[len(path)-1]), seq: seq, isBucket: true})
}

func (c *salvage) entry(path [][]byte, k, v []byte) {
	if len(path) == 0 {
		return // the root holds only buckets
	}
	c.add(salvaged{path: clonePath(path), k: bytes.Clone(k), v: bytes.Clone(v)})
}

func (c *salvage) add(e salvaged) {
	c.pending = append(c.pending, e)
	c.size += len(e.k) + len(e.v) + 64
	if c.size >= salvageBatch {
		if err := c.flush(); err != nil {
			c.report(Problem{Area: "structure", Detail: "not copied: " + err.Error()})
		}
	}
}

func (c *salvage) flush() error {
	if len(c.pending) == 0 {
		return nil
	}
	err := c.db.Update(func(tx *bolt.Tx) error {
		for _, e := range c.pending {
			b, err := salvageBucket(tx, e.path)
			switch {
			case err != nil:
			case e.isBucket && b == nil:
				b, err = tx.CreateBucketIfNotExists(e.k)
			case e.isBucket:
				b, err = b.CreateBucketIfNotExists(e.k)
			default:
				err = b.Put(e.k, e.v)
			}
			if err == nil && e.isBucket {
				err = b.SetSequence(e.seq)
			}
			if err != nil {
				c.res.Problems["structure"]++
				c.report(Problem{Area: "structure", Detail: fmt.Sprintf("not copied: %s%s: %v", where(e.path), keyString(e.k), err)})
				continue
			}
			c.res.Copied++
		}
		return nil
	})
	c.pending, c.size = c.pending[:0], 0
	return err
}

// salvageBucket returns the bucket at path in the new file, creating it
// (nil path: no bucket, for top-level bucket creation).
func salvageBucket(tx *bolt.Tx, path [][]byte) (*bolt.Bucket, error) {
	if len(path) == 0 {
		return nil, nil
	}
	b, err := tx.CreateBucketIfNotExists(path[0])
	for _, name := range path[1:] {
		if err != nil {
			break
		}
		b, err = b.CreateBucketIfNotExists(name)
	}
	return b, err
}

func clonePath(path [][]byte) [][]byte {
	out := make([][]byte, len(path))
	for i, p := range path {
		out[i] = bytes.Clone(p)
	}
	return out
}

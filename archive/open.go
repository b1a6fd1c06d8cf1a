package archive

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/zstd"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// ErrClosed is returned by every method of a Store after Close.
var ErrClosed = errors.New("archive: store is closed")

// Top-level buckets. The layout is described in the package README
// paragraph and in doc.go.
var (
	bMeta      = []byte("meta")     // "schema" → uvarint version
	bPayloads  = []byte("payloads") // sha256(32) → nested bucket {0x00 → codec byte, raw len, zstd bytes}
	bCaptures  = []byte("captures") // id(8 BE) → capture record
	bURLs      = []byte("urls")     // url → state; url \x00 'c' id(8) → empty; url \x00 'v' seq(4 BE) → version
	bParsed    = []byte("parsed")   // sha256(32) parserVersion(4 BE) → parsed record
	bIndex     = []byte("index")    // field byte, value, \x00, sha256(32) → empty
	bRuns      = []byte("runs")     // id(8) → run record (JSON)
	bCounters  = []byte("counters") // name → 8-byte count, kept in step with every write
	bFrontier  = []byte("frontier") // name → nested bucket, see frontier.go
	allBuckets = [][]byte{bMeta, bPayloads, bCaptures, bURLs, bParsed, bIndex, bRuns, bCounters, bFrontier, bMerged}
	keySchema  = []byte("schema")
)

// Store is an open archive. Its methods are safe for concurrent use.
type Store struct {
	path string
	db   *bolt.DB
	ro   bool

	zenc *zstd.Encoder // EncodeAll is safe for concurrent use; one per store
	zdec *zstd.Decoder // DecodeAll likewise
	// zsem bounds concurrent compressions to the encoder's concurrency
	// (compressors, below): a caller waits here, where Close can answer
	// it, rather than inside EncodeAll.
	zsem    chan struct{}
	closing chan struct{} // closed when Close begins

	mu     sync.RWMutex // guards closed and sends on ops
	closed bool
	ops    chan *op
	wdone  chan struct{} // closed when the writer goroutine has drained
	wcfg   writerConfig
	wstat  writerStats
	mrel   mapRelease // releases of the file mapping (mapped.go)
	// preparing counts callers between entering a write method and
	// queueing their op (see writerConfig.gather).
	preparing atomic.Int64
	// commitErr holds a commit failure after early ops were answered.
	commitErr atomic.Pointer[error]
	// unsynced holds the frontier keys of pushes not yet committed, so
	// Frontier.Known sees them at once (frontier.go).
	unsynced unsyncedKeys
}

// Open opens or creates the archive at path.
//
// A file another process holds open for writing gives an error wrapping
// ErrLocked after opts.LockTimeout (default 1s); a file written by a newer
// schema gives ErrSchemaTooNew; a file that is not a bbolt database, or whose
// meta pages are damaged, gives ErrCorrupt.
func Open(path string, opts *Options) (*Store, error) {
	return openWith(path, opts, defaultWriterConfig())
}

// openWith is Open with an explicit writer configuration (benchmarks).
func openWith(path string, opts *Options, wcfg writerConfig) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.LockTimeout <= 0 {
		o.LockTimeout = time.Second
	}
	if o.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("open archive %s read-only: %w", path, err)
		}
	}
	if err := validateFile(path, !o.ReadOnly, o.LockTimeout); err != nil {
		return nil, err
	}
	var db *bolt.DB
	err := guard(path, func() (err error) {
		db, err = bolt.Open(path, 0o600, &bolt.Options{
			Timeout:      o.LockTimeout,
			ReadOnly:     o.ReadOnly,
			FreelistType: bolt.FreelistMapType, // array freelist degrades on large fragmented files
		})
		return err
	})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("open archive %s: %w (still locked after %s; is another crawl running?)", path, ErrLocked, o.LockTimeout)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrVersionMismatch):
		return nil, fmt.Errorf("open archive %s: %w: %v", path, ErrCorrupt, err)
	case err != nil:
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	nz := compressors(runtime.GOMAXPROCS(0))
	s := &Store{path: path, db: db, ro: o.ReadOnly, zsem: make(chan struct{}, nz), closing: make(chan struct{})}
	s.mrel.every = wcfg.releaseEvery
	if err := s.initSchema(); err != nil {
		db.Close()
		return nil, err
	}
	level := zstd.SpeedFastest
	if o.CompressionLevel > 1 {
		level = zstd.EncoderLevelFromZstd(map[int]int{2: 3, 3: 7, 4: 11}[min(o.CompressionLevel, 4)])
	}
	// The frame checksum stays on. A payload is also checked against its
	// SHA-256 key, but a parsed record has no other check (bbolt checksums
	// no page), and leaving it out saved nothing measurable (BENCHMARKS.md).
	s.zenc, err = zstd.NewWriter(nil,
		zstd.WithEncoderLevel(level),
		zstd.WithEncoderConcurrency(nz),
		zstd.WithZeroFrames(true))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open archive %s: zstd encoder: %w", path, err)
	}
	s.zdec, err = zstd.NewReader(nil,
		zstd.WithDecoderConcurrency(runtime.GOMAXPROCS(0)),
		zstd.WithDecoderMaxMemory(maxPayload+1))
	if err != nil {
		s.zenc.Close()
		db.Close()
		return nil, fmt.Errorf("open archive %s: zstd decoder: %w", path, err)
	}
	if !s.ro {
		if err := s.recover(); err != nil {
			s.zenc.Close()
			s.zdec.Close()
			db.Close()
			return nil, err
		}
		s.wcfg = wcfg
		s.ops = make(chan *op, s.wcfg.maxBatch)
		s.wdone = make(chan struct{})
		go s.writer()
	}
	return s, nil
}

// compressors is how many zstd encoders a store keeps on procs cores:
// one per four cores, at least one. Each encoder owns a 256 KB match
// table (the fastest level's, whose size no option changes), and
// EncodeAll hands out its encoders in turn, so with one per core every
// table had gone cold in cache by its next page: on the discovery
// benchmark (2 cores) that lookup was most of zstd's time, and one
// encoder cut the crawl's CPU per page by about 8% (BENCHMARKS.md,
// Crawler, "What issue 14 changed"). Compression is about an eighth of a
// page's CPU, so one encoder keeps up with about four cores of the rest.
// The encoder count never changes the compressed bytes.
func compressors(procs int) int { return max(1, procs/4) }

// initSchema creates the buckets of a new file and refuses a newer one.
func (s *Store) initSchema() error {
	// check reports whether the file is initialised at SchemaVersion
	// (current), refusing a newer one.
	check := func(tx *bolt.Tx) (ok, current bool, err error) {
		m := tx.Bucket(bMeta)
		if m == nil {
			return false, false, nil
		}
		v := m.Get(keySchema)
		if v == nil {
			return false, false, nil
		}
		d := dec{b: v}
		ver := d.uvarint()
		if d.err != nil {
			return true, false, fmt.Errorf("open archive %s: schema version unreadable: %w", s.path, ErrCorrupt)
		}
		if ver > SchemaVersion {
			return true, false, fmt.Errorf("open archive %s: file has schema version %d, this gongkai supports up to %d; upgrade gongkai: %w",
				s.path, ver, SchemaVersion, ErrSchemaTooNew)
		}
		return true, ver == SchemaVersion, nil
	}
	if s.ro {
		return s.view(func(tx *bolt.Tx) error {
			ok, _, err := check(tx)
			if err == nil && !ok {
				err = fmt.Errorf("open archive %s read-only: not an initialised archive: %w", s.path, ErrNotFound)
			}
			return err
		})
	}
	return s.update(func(tx *bolt.Tx) error {
		_, current, err := check(tx)
		if err != nil {
			return err
		}
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("open archive %s: create bucket %s: %w", s.path, b, err)
			}
		}
		if !current {
			// A new file, or an older one this store will write the
			// current layout into (SchemaVersion).
			e := enc{}
			e.uvarint(SchemaVersion)
			return tx.Bucket(bMeta).Put(keySchema, e.b)
		}
		return nil
	})
}

// recover runs once per writable open: the lock guarantees no other
// process is using the file, so in-flight frontier items and unfinished
// runs belong to a process that died.
func (s *Store) recover() error {
	return s.update(func(tx *bolt.Tx) error {
		if err := recoverFrontiers(tx); err != nil {
			return fmt.Errorf("open archive %s: requeue in-flight frontier items: %w", s.path, err)
		}
		if err := recoverRuns(tx); err != nil {
			return fmt.Errorf("open archive %s: mark interrupted runs: %w", s.path, err)
		}
		return nil
	})
}

// Path returns the file the store was opened from.
func (s *Store) Path() string { return s.path }

// Close flushes pending writes and closes the file. Closing twice is a
// no-op; every other method returns ErrClosed afterwards.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.closing)
	if s.ops != nil {
		close(s.ops)
	}
	s.mu.Unlock()
	if s.wdone != nil {
		<-s.wdone
	}
	// bbolt's Close waits for open read transactions, where all
	// decompression happens; taking every zsem slot waits for
	// compressions still running in callers. Only then are the codecs
	// released, so a racing call gets ErrClosed, never a closed codec.
	err := s.db.Close()
	for i := 0; i < cap(s.zsem); i++ {
		s.zsem <- struct{}{}
	}
	s.zenc.Close()
	s.zdec.Close()
	if err != nil {
		return fmt.Errorf("close archive %s: %w", s.path, err)
	}
	return nil
}

// view runs a read transaction, or returns ErrClosed.
func (s *Store) view(fn func(tx *bolt.Tx) error) error {
	s.mu.RLock()
	closed := s.closed
	s.mu.RUnlock()
	if closed {
		return ErrClosed
	}
	err := guard(s.path, func() error { return s.db.View(fn) })
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return ErrClosed
	}
	return err
}

// update runs a write transaction under guard (the writer and Open).
func (s *Store) update(fn func(tx *bolt.Tx) error) error {
	return guard(s.path, func() error { return s.db.Update(fn) })
}

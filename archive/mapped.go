package archive

import (
	"fmt"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"
)

// bbolt reads the file through a read-only shared mapping and writes it
// with pwrite. A write load never reads a payload page, yet the resident
// set of the mapping grows with the file: on every page fault Linux maps
// the whole 64 KB window of page-cache pages around the faulting page
// ("fault-around"; MADV_RANDOM, which bbolt sets, does not stop it), and
// bbolt's allocator puts a commit's metadata pages (urls, captures,
// frontier leaves) and its freshly written payload pages side by side. So
// every metadata read maps up to 15 neighbouring payload pages, and after
// 100,000 pages almost the whole file counts in RSS (see BENCHMARKS.md,
// "Archive").
//
// The store therefore drops the mapping's page-table entries every
// releaseEvery bytes of pages written by the writer or of cold data read
// (payloads, parsed records, scans): madvise MADV_DONTNEED, Linux only.
// The pages are clean (the mapping is PROT_READ and MAP_SHARED; data
// reaches the file through pwrite), so nothing is lost: the next read of a
// page faults it back from the page cache. It is done inside a read
// transaction, which holds bbolt's mmap lock: bbolt only remaps inside a
// write commit, which takes that lock exclusively, so the range cannot be
// unmapped or moved under the madvise.

// defaultReleaseEvery is how many bytes of pages may be written or read
// between two releases. A crawl writes ~50 KB of pages per capture (its
// payload plus the copy-on-write metadata leaves of its commit), mostly
// into freed pages all over the file, so this is one release every ~300
// captures. Between two releases the mapping's Rss grows by more than the
// bytes written (the windows around the hot metadata pages fill up too):
// every 64 MB let it reach ~110 MB in a 100,000-page crawl, every 16 MB
// ~40 MB (BENCHMARKS.md). A release costs a few ms: the madvise, then
// re-faulting the few hot branch pages.
const defaultReleaseEvery = 16 << 20

// faultWindow is what one read of cold data can map: the page read and
// the rest of its 64 KB fault-around window.
const faultWindow = 64 << 10

// mapRelease is the accounting behind releases.
type mapRelease struct {
	every    int64        // bytes written or read between releases; 0 never
	seen     int64        // bbolt's PageAlloc at the writer's last check (writer goroutine only)
	force    bool         // release after this commit (set by ops, which run in the writer goroutine)
	read     int64        // bytes of cold pages ops of this commit read (writer goroutine only)
	pending  atomic.Int64 // bytes noted since the last release
	releases atomic.Int64 // releases done (tests, benchmarks)
}

// afterCommit is called by the writer goroutine after each commit: it
// notes the bytes of pages the commit wrote, and forces a release when an
// op of the commit read many cold pages (Frontier.Reset).
func (s *Store) afterCommit() {
	if s.mrel.every <= 0 {
		return
	}
	st := s.db.Stats()
	alloc := st.TxStats.GetPageAlloc()
	n := alloc - s.mrel.seen
	s.mrel.seen = alloc
	if s.mrel.force {
		s.mrel.force = false
		n += s.mrel.every
	}
	n += s.mrel.read
	s.mrel.read = 0
	s.noteMapped(n)
}

// noteReset notes a chunk of Frontier.Reset that deleted keys entries of
// size bytes (more: the chunk was cut at its limit). A large chunk read
// many cold pages and forces a release after its commit; the few entries
// of a small frontier (a URL-list seed's) only count as a read. Forcing a
// release for each of those made a 6,000-seed list drop the whole mapping
// after nearly every commit and fault every hot page back in: 10% of the
// crawl's CPU (BENCHMARKS.md, Crawler).
func (r *mapRelease) noteReset(keys, size int, more bool) {
	switch {
	case keys == 0:
	case more || size >= resetChunkBytes/8:
		r.force = true
	default:
		r.read += int64(size) + faultWindow
	}
}

// noteRead notes a read of n bytes of cold data (payloads, parsed
// records, scans) through the mapping; hot metadata lookups are not
// counted, they touch the same few pages again and again.
func (s *Store) noteRead(n int) { s.noteMapped(int64(n) + faultWindow) }

// noteMapped adds n bytes that may have become resident and releases the
// mapping once every bytes have accumulated. Of concurrent callers
// crossing the threshold, the one that takes the count releases.
func (s *Store) noteMapped(n int64) {
	r := &s.mrel
	if r.every <= 0 || r.pending.Add(n) < r.every {
		return
	}
	if r.pending.Swap(0) < r.every {
		return // another caller took it
	}
	// A failed release (store closing) only leaves pages mapped.
	if err := s.releaseMapped(); err == nil {
		r.releases.Add(1)
	}
}

// releaseMapped drops every page of the file's mapping from this
// process's page tables (a no-op where dropMapped is).
func (s *Store) releaseMapped() error {
	return s.view(func(tx *bolt.Tx) error {
		if err := dropMapped(tx.DB().Info().Data, tx.Size()); err != nil {
			return fmt.Errorf("archive %s: release mapped pages: %w", s.path, err)
		}
		return nil
	})
}

package frontier

import (
	"github.com/gongkai/gongkai/archive"
)

// Bolt returns the store that keeps each seed's frontier in the archive
// file (archive.Frontier, named "seed <url>"), for one crawling process:
// the archive's lock keeps others out, and claims lapse when the archive
// is next opened. Its clock is in memory (a process alone has no one to
// share it with).
func Bolt(s *archive.Store) Store { return &boltStore{s: s, clock: NewLocalClock()} }

type boltStore struct {
	s     *archive.Store
	clock *LocalClock
}

func (b *boltStore) Queue(seed string) Queue { return b.s.Frontier(QueueName(seed)) }

func (b *boltStore) Clock() Clock { return b.clock }

// QueueName is the archive frontier name of a seed's queue.
func QueueName(seed string) string { return "seed " + seed }

// archive.Frontier is the bbolt Queue; it chains Done behind captures
// and knows when a Pop has drained it.
var (
	_ Queue   = (*archive.Frontier)(nil)
	_ Chainer = (*archive.Frontier)(nil)
	_ Drainer = (*archive.Frontier)(nil)
)

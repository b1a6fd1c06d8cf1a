// Package redisfrontier keeps a crawl's frontier in Redis, so that any
// number of `crawl run --frontier redis://...` processes, on any machines,
// crawl one seed list together, each writing its own archive shard:
// per seed the queue (best first), the keys seen, the claimed items with
// their worker; per host the politeness clock, so a host sees one rate
// however many workers fetch from it. It implements frontier.Store.
//
// Claims are leased: each worker keeps a key alive in Redis with a
// heartbeat, and the items claimed by a worker whose key has expired
// (killed, frozen, cut off) go back to pending for the next worker that
// pops or settles the seed. When Redis cannot be reached every call waits
// and retries with backoff until it answers again or the context ends, so
// workers pause through a Redis restart and carry on; a Redis that comes
// back without the crawl's state (restarted without persistence) is an
// error, never a silent fresh start.
package redisfrontier

import (
	"context"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gongkai/gongkai/frontier"
	"github.com/redis/go-redis/v9"
)

// ErrStateLost means Redis answered but no longer holds the crawl's state:
// it was restarted without persistence, or flushed, mid-crawl.
var ErrStateLost = errors.New("redis frontier: the crawl's state is gone from Redis (restarted without persistence, or flushed?)")

// Options tune Open; the zero value is usable.
type Options struct {
	// Crawl names the crawl, so one Redis can hold several (default "crawl").
	Crawl string
	// Lease is how long a worker's claims outlive its last heartbeat
	// (default 15s; the heartbeat renews it every Lease/3).
	Lease time.Duration
	// Worker identifies this process in `crawl status` (default host-pid).
	Worker string
	// Log receives one line when Redis stops answering and one when it is
	// back; nil is silent.
	Log io.Writer
	// MaxBackoff caps the wait between two attempts while Redis is down
	// (default 5s).
	MaxBackoff time.Duration
}

// Config is a parsed --frontier URL.
type Config struct {
	Redis *redis.Options
	Options
}

// ParseURL reads a --frontier URL: redis://[user:password@]host:port/db
// (rediss:// for TLS), with optional query parameters crawl=NAME and
// lease=DURATION; any other go-redis URL option is passed on.
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Config{}, fmt.Errorf("frontier URL %q: %w", raw, err)
	}
	if u.Scheme != "redis" && u.Scheme != "rediss" {
		return Config{}, fmt.Errorf("frontier URL %q: want redis://HOST:PORT/DB", raw)
	}
	if u.Host == "" {
		return Config{}, fmt.Errorf("frontier URL %q: no host (want redis://HOST:PORT/DB)", raw)
	}
	var c Config
	q := u.Query()
	c.Crawl = q.Get("crawl")
	if c.Crawl != "" && strings.ContainsAny(c.Crawl, ": \t\n") {
		return Config{}, fmt.Errorf("frontier URL %q: crawl name %q must not contain ':' or spaces", raw, c.Crawl)
	}
	if l := q.Get("lease"); l != "" {
		d, err := time.ParseDuration(l)
		if err != nil || d < 100*time.Millisecond {
			return Config{}, fmt.Errorf("frontier URL %q: lease %q: want a duration of at least 100ms, e.g. 15s", raw, l)
		}
		c.Lease = d
	}
	q.Del("crawl")
	q.Del("lease")
	u.RawQuery = q.Encode()
	ro, err := redis.ParseURL(u.String())
	if err != nil {
		return Config{}, fmt.Errorf("frontier URL %q: %w", raw, err)
	}
	c.Redis = ro
	return c, nil
}

// Store is a crawl's frontier in Redis. Its methods are safe for
// concurrent use. Close it to stop the heartbeat.
type Store struct {
	rdb    redis.UniversalClient
	prefix string // P: "gongkai:<crawl>:"
	worker string
	opts   Options
	gen    int64

	clock *clock
	stop  chan struct{}
	done  chan struct{}

	mu     sync.Mutex
	queues map[string]*Queue
	down   bool // Redis is not answering (for the log)
}

// Open connects to Redis and registers this worker (its lease starts now
// and its heartbeat keeps it). It waits for Redis up to ctx: a worker
// started before Redis waits for it, saying so on Log.
func Open(ctx context.Context, c Config) (*Store, error) {
	o := c.Options
	if o.Crawl == "" {
		o.Crawl = "crawl"
	}
	if o.Lease <= 0 {
		o.Lease = 15 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 5 * time.Second
	}
	if o.Worker == "" {
		h, _ := os.Hostname()
		o.Worker = fmt.Sprintf("%s-%d-%d", h, os.Getpid(), time.Now().UnixNano()%1e6)
	}
	ro := *c.Redis
	// One attempt per call: retry (below) waits and retries itself, with
	// its own backoff and log line, as long as the caller's context allows.
	ro.MaxRetries, ro.DialerRetries = -1, 1
	if ro.DialTimeout <= 0 || ro.DialTimeout > 2*time.Second {
		ro.DialTimeout = 2 * time.Second
	}
	s := &Store{rdb: redis.NewClient(&ro), prefix: "gongkai:" + o.Crawl + ":", worker: o.Worker, opts: o,
		stop: make(chan struct{}), done: make(chan struct{}), queues: map[string]*Queue{}}
	s.clock = &clock{s: s}
	err := s.retry(ctx, "register the worker", func() error {
		_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, s.prefix+"alive:"+s.worker, "1", o.Lease)
			p.HSet(ctx, s.prefix+"workers", s.worker, workerInfo())
			return nil
		})
		return err
	})
	if err != nil {
		s.rdb.Close()
		return nil, err
	}
	go s.heartbeat()
	return s, nil
}

// Join implements frontier.Joiner: the worker joins the crawl in progress
// if it has unfinished seeds, else starts the next one (a new generation:
// every seed starts afresh, as a new `crawl run` would), and adds its
// seeds (canonical URLs) to those the crawl must finish. The order it
// returns starts the k-th worker to join at k × 0.618 of the list
// (wrapping round), so workers that start together spread over the seeds.
func (s *Store) Join(ctx context.Context, seeds []string) ([]int, error) {
	args := []any{s.prefix, s.worker, workerInfo(), s.opts.Lease.Milliseconds()}
	for _, sd := range seeds {
		args = append(args, seedID(sd), sd)
	}
	var gen, k int64
	err := s.retry(ctx, "join the crawl", func() error {
		r, err := scriptJoin.Run(ctx, s.rdb, nil, args...).Int64Slice()
		if err == nil && len(r) != 2 {
			err = fmt.Errorf("unexpected answer %v", r)
		}
		if err == nil {
			gen, k = r[0], r[1]
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.gen = gen
	s.mu.Unlock()
	return spread(len(seeds), k), nil
}

// Busy implements frontier.Spreader.
func (s *Store) Busy(ctx context.Context, seed string) (bool, error) {
	q := s.Queue(seed).(*Queue)
	res, err := q.run(ctx, "busy", scriptBusy, nil)
	if err != nil {
		return false, err
	}
	return res.(int64) == 1, nil
}

// spread is the order 0..n-1 rotated to start at the k-th point of the
// golden-ratio sequence: 0, 0.618n, 0.236n, 0.854n, ...
func spread(n int, k int64) []int {
	order := make([]int, n)
	if n == 0 {
		return order
	}
	frac := float64(k) * 0.6180339887498949
	start := int((frac - math.Floor(frac)) * float64(n))
	for i := range order {
		order[i] = (start + i) % n
	}
	return order
}

func workerInfo() string {
	h, _ := os.Hostname()
	return fmt.Sprintf("%s pid %d since %s", h, os.Getpid(), time.Now().UTC().Format(time.RFC3339))
}

// seedID names a seed's keys: a hash, so any URL makes a short key.
func seedID(seed string) string {
	h := sha1.Sum([]byte(seed))
	return hex.EncodeToString(h[:8])
}

// Worker returns this worker's id.
func (s *Store) Worker() string { return s.worker }

// Generation returns the crawl generation the worker joined (0 before Join).
func (s *Store) Generation() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen
}

// Close stops the heartbeat and closes the connection. The worker's lease
// is dropped, so claims it still holds lapse at once.
func (s *Store) Close() error {
	select {
	case <-s.stop:
		return nil
	default:
	}
	close(s.stop)
	<-s.done
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	s.rdb.Del(ctx, s.prefix+"alive:"+s.worker)
	return s.rdb.Close()
}

// heartbeat renews the worker's lease every Lease/3 until Close.
func (s *Store) heartbeat() {
	defer close(s.done)
	t := time.NewTicker(s.opts.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), s.opts.Lease/3)
			err := s.rdb.Set(ctx, s.prefix+"alive:"+s.worker, "1", s.opts.Lease).Err()
			cancel()
			s.noteOutage(err, "heartbeat")
		}
	}
}

// Queue implements frontier.Store.
func (s *Store) Queue(seed string) frontier.Queue {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q, ok := s.queues[seed]; ok {
		return q
	}
	id := seedID(seed)
	q := &Queue{s: s, seed: seed, id: id, prefix: s.prefix + "q:" + id + ":", mine: map[string]bool{}}
	s.queues[seed] = q
	return q
}

// Clock implements frontier.Store.
func (s *Store) Clock() frontier.Clock { return s.clock }

// retryable reports whether err means Redis did not answer (down,
// restarting, unreachable) rather than answered with an error.
func retryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, redis.Nil) {
		return false
	}
	var re redis.Error
	if errors.As(err, &re) {
		msg := re.Error()
		return strings.HasPrefix(msg, "LOADING") || strings.HasPrefix(msg, "BUSY") || strings.HasPrefix(msg, "MASTERDOWN") ||
			strings.HasPrefix(msg, "TRYAGAIN") || strings.HasPrefix(msg, "CLUSTERDOWN")
	}
	return true // a network error: connection refused, reset, EOF, timeout
}

// retry runs fn until it succeeds, fails with an answer from Redis, or
// ctx ends; while Redis does not answer it waits with doubling backoff.
func (s *Store) retry(ctx context.Context, what string, fn func() error) error {
	wait := 50 * time.Millisecond
	for {
		err := fn()
		s.noteOutage(err, what)
		if !retryable(err) {
			if err != nil && strings.Contains(err.Error(), "GONGKAI_LOST") {
				return fmt.Errorf("%s: %w", what, ErrStateLost)
			}
			if err != nil {
				return fmt.Errorf("redis frontier: %s: %w", what, err)
			}
			return nil
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("redis frontier: %s: %w (last error: %v)", what, ctx.Err(), err)
		case <-t.C:
		}
		wait = min(2*wait, s.opts.MaxBackoff)
	}
}

// noteOutage logs the first failure of an outage and the recovery.
func (s *Store) noteOutage(err error, what string) {
	down := retryable(err)
	s.mu.Lock()
	changed := down != s.down
	s.down = down
	s.mu.Unlock()
	if !changed || s.opts.Log == nil {
		return
	}
	if down {
		fmt.Fprintf(s.opts.Log, "redis frontier: Redis does not answer (%s: %v); pausing and retrying\n", what, err)
	} else {
		fmt.Fprintln(s.opts.Log, "redis frontier: Redis answers again; carrying on")
	}
}

// run runs a queue script with the common arguments, retrying while Redis
// is down.
func (q *Queue) run(ctx context.Context, what string, sc *redis.Script, args []any) (any, error) {
	full := append([]any{q.s.prefix, q.prefix, q.s.worker}, args...)
	var res any
	err := q.s.retry(ctx, what+" "+q.seed, func() error {
		var err error
		res, err = sc.Run(ctx, q.s.rdb, nil, full...).Result()
		return err
	})
	return res, err
}

// Queue is one seed's frontier in Redis (frontier.Queue).
type Queue struct {
	s      *Store
	seed   string
	id     string
	prefix string // Q

	mu   sync.Mutex
	mine map[string]bool // keys this worker has claimed and not yet finished or released
}

var (
	_ frontier.Queue    = (*Queue)(nil)
	_ frontier.Settler  = (*Queue)(nil)
	_ frontier.Joiner   = (*Store)(nil)
	_ frontier.Spreader = (*Store)(nil)
)

// maxPoll caps the wait between two looks at the shared state while a
// worker waits on another (Settle: its claims; Robots: its fetch). The
// last worker on a seed ends at most this long after the seed is over,
// and a look is one short script, so it is kept well under a request's
// time at the politeness limit.
const maxPoll = 100 * time.Millisecond

// maxClaim is the most items one Pop claims. The crawler pops a batch
// ahead of its fetches to save round trips to the archive's writer; in a
// shared queue a batch held by one worker would idle the others on the
// seed, and a round trip to Redis costs well under a millisecond.
const maxClaim = 2

// score is the sorted-set score of a priority: higher priorities first.
func score(p float64) string {
	if math.IsNaN(p) {
		p = 0
	}
	return strconv.FormatFloat(-p, 'g', -1, 64)
}

// encodeItem is the stored form of an item: key, host, data length-prefixed
// and the priority's bits.
func encodeItem(it frontier.Item) string {
	b := make([]byte, 0, 24+len(it.Key)+len(it.Host)+len(it.Data))
	for _, f := range [][]byte{[]byte(it.Key), []byte(it.Host), it.Data} {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	b = binary.BigEndian.AppendUint64(b, math.Float64bits(it.Priority))
	return string(b)
}

func decodeItem(v string) (frontier.Item, error) {
	b := []byte(v)
	var f [3][]byte
	for i := range f {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			return frontier.Item{}, fmt.Errorf("redis frontier: stored item is damaged")
		}
		f[i], b = b[k:k+int(n)], b[k+int(n):]
	}
	if len(b) != 8 {
		return frontier.Item{}, fmt.Errorf("redis frontier: stored item is damaged")
	}
	it := frontier.Item{Key: string(f[0]), Host: string(f[1]), Priority: math.Float64frombits(binary.BigEndian.Uint64(b))}
	if len(f[2]) > 0 {
		it.Data = f[2]
	}
	return it, nil
}

func triples(items []frontier.Item) ([]any, error) {
	out := make([]any, 0, 3*len(items))
	for i, it := range items {
		if it.Key == "" {
			return nil, fmt.Errorf("push: item %d has an empty key", i)
		}
		out = append(out, it.Key, score(it.Priority), encodeItem(it))
	}
	return out, nil
}

// Begin implements frontier.Queue: the seed's crawl in this generation
// resumes (whoever began it), or starts with first.
func (q *Queue) Begin(ctx context.Context, first frontier.Item) (bool, error) {
	args := []any{q.id, q.seed, first.Key, score(first.Priority), encodeItem(first)}
	res, err := q.run(ctx, "begin", scriptBegin, args)
	if err != nil {
		return false, err
	}
	return res.(int64) == 1, nil
}

// Known implements frontier.Queue.
func (q *Queue) Known(keys ...string) ([]bool, error) {
	out := make([]bool, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	// Known has no context: bound the wait while Redis is down. A caller
	// that gets an error counts every key unknown, and the push that
	// follows skips the known ones anyway.
	ctx, cancel := context.WithTimeout(context.Background(), 2*q.s.opts.MaxBackoff)
	defer cancel()
	var vals []any
	err := q.s.retry(ctx, "known "+q.seed, func() error {
		var err error
		vals, err = q.s.rdb.HMGet(ctx, q.prefix+"state", keys...).Result()
		return err
	})
	if err != nil {
		return nil, err
	}
	for i, v := range vals {
		out[i] = v != nil
	}
	return out, nil
}

// pushPop runs the push-and-pop script: take items claimed, push items,
// pop n.
func (q *Queue) pushPop(ctx context.Context, n int, take, items []frontier.Item) (added, popped []frontier.Item, err error) {
	// A worker claims a few items at a time, not a batch ahead: what it
	// holds, no other worker on the seed can fetch.
	n = min(n, maxClaim)
	all := append(append(make([]frontier.Item, 0, len(take)+len(items)), take...), items...)
	tr, err := triples(all)
	if err != nil {
		return nil, nil, fmt.Errorf("redis frontier %s: %w", q.seed, err)
	}
	res, err := q.run(ctx, "push", scriptPushPop, append([]any{n, len(take)}, tr...))
	if err != nil {
		return nil, nil, err
	}
	parts, _ := res.([]any)
	if len(parts) != 2 {
		return nil, nil, fmt.Errorf("redis frontier %s: push: unexpected answer %v", q.seed, res)
	}
	idx, _ := parts[0].([]any)
	for _, x := range idx {
		if i, ok := x.(int64); ok && i >= 1 && int(i) <= len(all) {
			added = append(added, all[i-1])
		}
	}
	blobs, _ := parts[1].([]any)
	for _, b := range blobs {
		s, ok := b.(string)
		if !ok {
			return added, popped, fmt.Errorf("redis frontier %s: pop: a claimed key has no stored item", q.seed)
		}
		it, err := decodeItem(s)
		if err != nil {
			return added, popped, err
		}
		popped = append(popped, it)
	}
	q.mu.Lock()
	for _, it := range popped {
		q.mine[it.Key] = true
	}
	for _, it := range take {
		q.mine[it.Key] = true
	}
	q.mu.Unlock()
	return added, popped, nil
}

// PushNew implements frontier.Queue.
func (q *Queue) PushNew(ctx context.Context, items ...frontier.Item) ([]frontier.Item, error) {
	if len(items) == 0 {
		return nil, nil
	}
	added, _, err := q.pushPop(ctx, 0, nil, items)
	return added, err
}

// PushPop implements frontier.Queue.
func (q *Queue) PushPop(ctx context.Context, n int, items ...frontier.Item) (added, popped []frontier.Item, err error) {
	if len(items) == 0 && n <= 0 {
		return nil, nil, nil
	}
	return q.pushPop(ctx, max(n, 0), nil, items)
}

// PushTake implements frontier.Queue. It takes effect before it returns
// (one round trip), so Known sees its keys at once.
func (q *Queue) PushTake(ctx context.Context, take []frontier.Item, items ...frontier.Item) func() ([]frontier.Item, error) {
	added, _, err := q.pushPop(ctx, 0, take, items)
	return func() ([]frontier.Item, error) { return added, err }
}

// Pop implements frontier.Queue.
func (q *Queue) Pop(ctx context.Context, n int) ([]frontier.Item, error) {
	if n <= 0 {
		return nil, nil
	}
	_, popped, err := q.pushPop(ctx, n, nil, nil)
	return popped, err
}

// Done implements frontier.Queue.
func (q *Queue) Done(ctx context.Context, keys ...string) error {
	return q.endClaims(ctx, "done", scriptDone, keys)
}

// Release implements frontier.Queue: only this worker's claims go back.
func (q *Queue) Release(ctx context.Context, keys ...string) error {
	return q.endClaims(ctx, "release", scriptRelease, keys)
}

// endClaims runs sc (done or release) over keys and, once Redis has taken
// it, drops them from this worker's own claims.
func (q *Queue) endClaims(ctx context.Context, what string, sc *redis.Script, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	_, err := q.run(ctx, what, sc, args)
	if err == nil {
		q.forget(keys)
	}
	return err
}

func (q *Queue) forget(keys []string) {
	q.mu.Lock()
	for _, k := range keys {
		delete(q.mine, k)
	}
	q.mu.Unlock()
}

// Settle implements frontier.Settler: it waits while other live workers
// hold claims on the seed and nothing is pending (their pages may still
// bring links), then reports whether items are pending: links others
// pushed, or claims of a dead worker gone back to pending. more false
// means the seed's crawl is over.
func (q *Queue) Settle(ctx context.Context) (more bool, err error) {
	wait := 20 * time.Millisecond
	for {
		q.mu.Lock()
		args := make([]any, 0, len(q.mine))
		for k := range q.mine {
			args = append(args, k)
		}
		q.mu.Unlock()
		res, err := q.run(ctx, "settle", scriptSettle, args)
		if err != nil {
			return false, err
		}
		r, _ := res.([]any)
		if len(r) != 2 {
			return false, fmt.Errorf("redis frontier %s: settle: unexpected answer %v", q.seed, res)
		}
		pending, _ := r[0].(int64)
		others, _ := r[1].(int64)
		if pending > 0 {
			return true, nil
		}
		if others == 0 {
			return false, nil
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return false, ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, maxPoll)
	}
}

// Reset implements frontier.Queue. In a shared crawl it finishes the
// seed for this generation: every worker's Begin then finds it done, and
// the next generation (the next crawl of the list) starts it afresh.
// The crawler calls it once Settle has said the seed is over.
func (q *Queue) Reset(ctx context.Context) error {
	_, err := q.run(ctx, "finish", scriptFinish, []any{q.id})
	if err == nil {
		q.mu.Lock()
		clear(q.mine)
		q.mu.Unlock()
	}
	return err
}

// clock is the hosts' politeness clock in Redis (frontier.Clock).
type clock struct{ s *Store }

var _ frontier.Clock = (*clock)(nil)

func (c *clock) key(host string) string { return c.s.prefix + "clock:" + host }

// Start implements frontier.Clock on Redis's time.
func (c *clock) Start(ctx context.Context, host string, interval time.Duration) (time.Time, time.Duration, error) {
	var r []any
	err := c.s.retry(ctx, "clock of "+host, func() error {
		v, err := scriptStart.Run(ctx, c.s.rdb, nil, c.key(host), interval.Microseconds(), c.s.prefix+"parked", host).Result()
		r, _ = v.([]any)
		return err
	})
	if err != nil {
		return time.Time{}, 0, err
	}
	if len(r) != 2 {
		return time.Time{}, 0, fmt.Errorf("redis frontier: clock of %s: unexpected answer %v", host, r)
	}
	ok, _ := r[0].(int64)
	if ok == 2 {
		by, _ := r[1].(string)
		return time.Time{}, 0, parkedError(host, by)
	}
	v, _ := r[1].(int64)
	if ok == 1 {
		return time.UnixMicro(v), 0, nil
	}
	return time.Time{}, time.Duration(v) * time.Microsecond, nil
}

// Delay implements frontier.Clock.
func (c *clock) Delay(ctx context.Context, host string, until time.Time) error {
	d := time.Until(until)
	if d <= 0 {
		return nil
	}
	return c.s.retry(ctx, "delay "+host, func() error {
		return scriptDelay.Run(ctx, c.s.rdb, nil, c.key(host), d.Microseconds()).Err()
	})
}

package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gongkai/gongkai/frontier"
)

// hdrFetchID carries a fetch's slot id from the crawler, through colly, to
// the transport; the transport removes it before the request leaves.
const hdrFetchID = "X-Gongkai-Fetch"

// robotsMaxBody bounds robots.txt (and any other request without a fetch
// slot). RFC 9309 asks crawlers to parse at least 500 KiB.
const robotsMaxBody = 512 << 10

// fetchError is a failed attempt, with the ErrKind recorded on the capture.
type fetchError struct {
	kind string
	err  error
}

func (e *fetchError) Error() string { return e.kind + ": " + e.err.Error() }
func (e *fetchError) Unwrap() error { return e.err }

// slot collects what the transport saw for one logical fetch (every
// redirect hop overwrites it, so the last hop wins).
type slot struct {
	scope    *scope
	depth    int
	finalURL string
	status   int
	proto    string
	header   http.Header
	body     []byte
	hold     *bodyHold // body's bytes in the budget, until the fetch takes them
	kind     string
	err      string
	attempts int
	hops     int
}

// transport sits between colly's http.Client and the network. Per host it
// holds one request at a time and spaces requests by the rate limit; per
// request it retries with backoff, bounds time and size, undoes gzip without
// ever inflating past the body limit, and keeps the raw bytes for the archive.
type transport struct {
	base   http.RoundTripper
	cfg    Config
	clock  frontier.Clock // each host's next start, shared by its seeds (and workers)
	gates  sync.Map       // host → *hostGate
	slots  sync.Map       // id → *slot
	next   atomic.Uint64
	bodies *bodyBudget // bodies from the wire to the archivers

	// Shared with the other workers of a crawl (--frontier); nil: this
	// process's own.
	keeper frontier.RobotsKeeper // robots.txt
	parker frontier.Parker       // parked hosts

	requests atomic.Int64 // requests sent, every attempt and hop
	bytes    atomic.Int64 // body bytes received on the wire

	// onStart, if set (tests), is told each request's start as the rate
	// limiter stamped it: the instant the limit is defined on.
	onStart func(host string, at time.Time)
	// onLentRead, if set (tests), is told when a lent body of n bytes has
	// been read to its end (before it is closed).
	onLentRead func(n int)
}

// hostGate bounds one host's requests in flight (Config.Connections, one
// by default); the clock spaces their starts.
type hostGate struct {
	host  string
	clock frontier.Clock
	sem   chan struct{}

	mu     sync.Mutex // guards fails and parked (park.go)
	fails  int        // requests in a row the host failed
	parked string     // why it gets no more requests this run
}

func (t *transport) gate(host string) *hostGate {
	if g, ok := t.gates.Load(host); ok {
		return g.(*hostGate)
	}
	g, _ := t.gates.LoadOrStore(host, &hostGate{host: host, clock: t.clock, sem: make(chan struct{}, t.cfg.Connections)})
	return g.(*hostGate)
}

// acquire waits for the host's connection and its rate-limit slot and
// returns the start it granted.
func (g *hostGate) acquire(ctx context.Context, interval time.Duration) (time.Time, error) {
	select {
	case g.sem <- struct{}{}:
	case <-ctx.Done():
		return time.Time{}, ctx.Err()
	}
	// Sleep until the host's next slot, then ask again: the clock stamps
	// the start from its own now, so late wake-ups never bring two starts
	// closer than interval.
	for {
		at, wait, err := g.clock.Start(ctx, g.host, interval)
		if err == nil && wait <= 0 {
			return at, nil
		}
		var pe *frontier.ParkedError
		if errors.As(err, &pe) {
			g.learnParked(pe.Reason) // another worker parked it
		}
		if err == nil {
			err = sleepCtx(ctx, wait)
		}
		if err != nil {
			<-g.sem
			return time.Time{}, err
		}
	}
}

func (g *hostGate) release() { <-g.sem }

// pushBack delays the host's next request until at least t (Retry-After).
func (g *hostGate) pushBack(t time.Time) {
	_ = g.clock.Delay(context.Background(), g.host, t) // a lost delay only makes the next request sooner
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (t *transport) newSlot(sc *scope, depth int) (string, *slot) {
	id := strconv.FormatUint(t.next.Add(1), 10)
	s := &slot{scope: sc, depth: depth}
	t.slots.Store(id, s)
	return id, s
}

// dropSlot forgets a slot, giving back its body's bytes unless the fetch
// took them.
func (t *transport) dropSlot(id string) {
	if v, ok := t.slots.LoadAndDelete(id); ok {
		v.(*slot).hold.release()
	}
}

func (t *transport) interval() time.Duration {
	if t.cfg.Rate <= 0 {
		return 0
	}
	return time.Duration(float64(time.Second) / t.cfg.Rate)
}

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get(hdrFetchID) != "" || req.Method != http.MethodGet || req.URL.Path != "/robots.txt" {
		return t.roundTrip(req)
	}
	// robots.txt (robotsRules asks once per host at a time): the download's
	// hold (its buffer) goes on with the body to the reader, grown for its
	// copies, until it closes the body after parsing.
	resp, body, hold, err := t.fetchRobots(req)
	if err != nil {
		return nil, err
	}
	if _, err := hold.grow(req.Context(), robotsCopies*int64(len(body))); err != nil {
		hold.release()
		return nil, &fetchError{kind: "canceled", err: err}
	}
	r := *resp
	r.Body, r.Request = t.lend(body, hold), req
	return &r, nil
}

// robotsCopies is how many copies of a robots.txt its reader
// (robotsRules) makes while it parses it: io.ReadAll's buffer (which grows
// by reallocation, up to about twice the body as it grows) and robotstxt's
// tokens and rules (about twice the text). The body budget holds them
// until the reader closes the body, after parsing; the rules kept are
// bounded apart (robotsRules).
const robotsCopies = 4

// robotsHeld is what one robots.txt of n bytes holds in the body budget
// while it is parsed, at least: the bytes handed over and the copies.
func robotsHeld(n int) int64 { return int64(n) * (1 + robotsCopies) }

// lent is a body handed over whole (robots.txt, or any request without a
// fetch slot) with its hold in the body budget, given back when its reader
// closes it.
type lent struct {
	*bytes.Reader
	b    []byte
	hold *bodyHold
	t    *transport
}

// lend wraps body and its hold for its reader.
func (t *transport) lend(body []byte, hold *bodyHold) io.ReadCloser {
	return &lent{Reader: bytes.NewReader(body), b: body, hold: hold, t: t}
}

func (l *lent) Read(p []byte) (int, error) {
	n, err := l.Reader.Read(p)
	if err == io.EOF && l.t.onLentRead != nil {
		l.t.onLentRead(len(l.b))
	}
	return n, err
}

func (l *lent) Close() error {
	l.hold.release()
	return nil
}

// fetchRobots fetches a robots.txt, or with a shared frontier
// (frontier.RobotsKeeper) takes the answer another worker fetched: one
// fetch per host across the workers, under the host's shared clock. The
// body comes with its hold in the body budget.
func (t *transport) fetchRobots(req *http.Request) (*http.Response, []byte, *bodyHold, error) {
	var hold *bodyHold
	get := func() (*http.Response, []byte, error) {
		resp, err := t.roundTrip(req)
		if err != nil {
			return nil, nil, err
		}
		l := resp.Body.(*lent) // roundTrip lends requests without a slot their body
		hold.release()         // an earlier attempt's, should the keeper retry
		hold = l.hold
		return resp, l.b, nil
	}
	if t.keeper == nil {
		resp, body, err := get()
		return resp, body, hold, err
	}
	ans, err := t.keeper.Robots(req.Context(), req.URL.Scheme+"://"+req.URL.Host, func(context.Context) (frontier.RobotsAnswer, error) {
		resp, body, err := get()
		if err != nil {
			return frontier.RobotsAnswer{}, err
		}
		return frontier.RobotsAnswer{Status: resp.StatusCode, Body: body}, nil
	})
	if err != nil {
		hold.release()
		var fe *fetchError
		if !errors.As(err, &fe) {
			err = &fetchError{kind: "network", err: fmt.Errorf("robots.txt of %s: %w", req.URL.Host, err)}
		}
		return nil, nil, nil, err
	}
	if hold == nil { // another worker fetched it: the keeper's copy is ours now
		hold = t.bodies.hold()
		if _, err := hold.grow(req.Context(), int64(len(ans.Body))); err != nil {
			hold.release()
			return nil, nil, nil, &fetchError{kind: "canceled", err: err}
		}
	}
	return &http.Response{
		Status: fmt.Sprintf("%d %s", ans.Status, http.StatusText(ans.Status)), StatusCode: ans.Status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: http.Header{},
		ContentLength: int64(len(ans.Body)), Request: req,
	}, ans.Body, hold, nil
}

func (t *transport) roundTrip(req *http.Request) (*http.Response, error) {
	id := req.Header.Get(hdrFetchID)
	var sl *slot
	limit := int64(robotsMaxBody)
	if id != "" {
		if v, ok := t.slots.Load(id); ok {
			sl = v.(*slot)
			limit = t.cfg.MaxBodySize
		}
	}
	out := req.Clone(req.Context())
	out.Header.Del(hdrFetchID)
	out.Header.Set("Accept-Encoding", "gzip")
	if out.Header.Get("Accept") == "*/*" {
		out.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	}
	g := t.gate(req.URL.Host)
	if why := g.parkedWhy(); why != "" {
		return nil, &fetchError{kind: "parked", err: fmt.Errorf("%s: host parked: %s", req.URL, why)}
	}

	var res attempt
	for n := 0; ; n++ {
		if n > 0 && out.GetBody != nil {
			b, err := out.GetBody()
			if err != nil {
				return nil, fmt.Errorf("replay body of %s: %w", req.URL, err)
			}
			out.Body = b
		}
		at, err := g.acquire(req.Context(), t.interval())
		if err != nil {
			if why := g.parkedWhy(); why != "" {
				return nil, &fetchError{kind: "parked", err: fmt.Errorf("%s: host parked: %s", req.URL, why)}
			}
			return nil, &fetchError{kind: "canceled", err: err}
		}
		if t.onStart != nil {
			t.onStart(req.URL.Host, at)
		}
		res = t.once(out, limit)
		g.release()
		if sl != nil {
			sl.attempts++
		}
		if req.Context().Err() != nil {
			return nil, &fetchError{kind: "canceled", err: req.Context().Err()}
		}
		if n >= t.cfg.Retries || !retryable(res) {
			break
		}
		res.hold.release() // its body is dropped for the next attempt
		wait := t.backoff(n)
		if ra, ok := retryAfter(res.header); ok && (res.status == 429 || res.status == 503) {
			if ra > t.cfg.MaxRetryWait {
				res.err = fmt.Errorf("Retry-After %s exceeds the %s cap", ra, t.cfg.MaxRetryWait)
				break
			}
			wait = ra
		}
		g.pushBack(time.Now().Add(wait))
		if err := sleepCtx(req.Context(), wait); err != nil {
			return nil, &fetchError{kind: "canceled", err: err}
		}
	}
	if req.Context().Err() == nil {
		g.note(t, hostFailed(res.kind, res.status), attemptSummary(res))
	}
	if sl != nil {
		sl.hops++
		sl.finalURL = req.URL.String()
		sl.status, sl.proto, sl.header, sl.body, sl.kind = res.status, res.proto, res.header, res.body, res.kind
		sl.hold.release() // an earlier hop's body
		sl.hold, res.hold = res.hold, nil
		sl.err = ""
		if res.err != nil {
			sl.err = res.err.Error()
		}
	}
	if res.kind != "" {
		res.hold.release()
		return nil, &fetchError{kind: res.kind, err: res.err}
	}
	h := res.header.Clone()
	h.Del("Content-Encoding")
	h.Del("Content-Length")
	// A crawl fetch reads its raw bytes from the slot; handed to colly they
	// would only be copied again and, under a non-UTF-8 charset label,
	// converted, work nobody reads. A request without a slot (robots.txt)
	// gets them, with their hold until it closes the body.
	body := res.body
	if sl != nil {
		body = nil
	}
	return &http.Response{
		Status: fmt.Sprintf("%d %s", res.status, http.StatusText(res.status)), StatusCode: res.status,
		Proto: res.proto, ProtoMajor: 1, ProtoMinor: 1, Header: h,
		Body: t.lend(body, res.hold), ContentLength: int64(len(body)),
		Request: req,
	}, nil
}

// attemptSummary names an attempt's outcome in a few words.
func attemptSummary(a attempt) string {
	if a.kind != "" {
		return a.kind
	}
	return fmt.Sprintf("HTTP %d", a.status)
}

// attempt is the outcome of one request on the wire.
type attempt struct {
	status int
	proto  string
	header http.Header
	body   []byte
	hold   *bodyHold // the body's bytes in the budget
	kind   string    // "" when the body was read whole
	err    error
}

func retryable(a attempt) bool {
	switch a.kind {
	case "timeout", "reset", "refused", "truncated", "network":
		return true
	case "":
		return a.status >= 500 || a.status == 429
	}
	return false
}

// backoff is RetryBase·2ⁿ plus up to 10% jitter, capped.
func (t *transport) backoff(n int) time.Duration {
	d := t.cfg.RetryBase << n
	if d <= 0 || d > t.cfg.MaxRetryWait {
		d = t.cfg.MaxRetryWait
	}
	return d + time.Duration(rand.Int64N(int64(d)/10+1))
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date.
func retryAfter(h http.Header) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(time.Until(at), 0), true
	}
	return 0, false
}

// once sends one request and reads its whole body. The deadline is Timeout
// for the answer to begin, and then moves on with the body as long as it
// keeps coming at MinRate: a big PDF on a slow line finishes, a server
// trickling a byte a second does not.
func (t *transport) once(req *http.Request, limit int64) attempt {
	ctx, cancel := context.WithCancel(req.Context())
	defer cancel()
	var timedOut atomic.Bool
	timer := time.AfterFunc(t.cfg.Timeout, func() { timedOut.Store(true); cancel() })
	defer timer.Stop()
	t.requests.Add(1)
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		kind := classify(err)
		if timedOut.Load() {
			kind = "timeout"
		}
		return attempt{kind: kind, err: fmt.Errorf("%s %s: %w", req.Method, req.URL, err)}
	}
	defer resp.Body.Close()
	a := attempt{status: resp.StatusCode, proto: resp.Proto, header: resp.Header}
	if req.Method == http.MethodHead || resp.StatusCode == http.StatusNotModified || resp.StatusCode == http.StatusNoContent {
		return a
	}
	if resp.ContentLength > limit && resp.Header.Get("Content-Encoding") == "" {
		a.kind, a.err = "too_large", fmt.Errorf("%s: Content-Length %d over the %d-byte limit", req.URL, resp.ContentLength, limit)
		return a
	}
	bodyStart := time.Now()
	wire := &countingReader{r: resp.Body, progress: func(int64) {}}
	var r io.Reader = wire
	enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	switch enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(wire)
		if err != nil {
			a.kind, a.err = "bad_encoding", fmt.Errorf("%s: gzip: %w", req.URL, err)
			if timedOut.Load() {
				a.kind = "timeout"
			}
			return a
		}
		defer zr.Close()
		r = zr
	default:
		a.kind, a.err = "bad_encoding", fmt.Errorf("%s: unsupported Content-Encoding %q", req.URL, enc)
		return a
	}
	// The deadline moves with the decoded bytes (a compressed body that is
	// slow on the wire but fast to decode is not a trickle).
	deadline := func(n int64) time.Duration {
		return time.Until(bodyStart.Add(t.cfg.Timeout + time.Duration(n)*time.Second/time.Duration(t.cfg.MinRate)))
	}
	decoded := &countingReader{r: r, progress: func(n int64) { timer.Reset(deadline(n)) }}
	// The buffer grows within the body budget. A wait for it is no slow
	// server: the deadline stops meanwhile and moves on by the wait.
	wait := func(h *bodyHold, n int64) error {
		if ok, _ := h.tryGrow(n); ok {
			return nil
		}
		if !timer.Stop() {
			<-ctx.Done() // the deadline has passed: its func cancels
			return ctx.Err()
		}
		t0 := time.Now()
		_, err := h.grow(ctx, n)
		bodyStart = bodyStart.Add(time.Since(t0))
		timer.Reset(deadline(decoded.n))
		return err
	}
	hold := t.bodies.hold()
	defer func() { hold.release() }() // unless the body is handed on
	body, err := readBody(io.LimitReader(decoded, limit+1), min(max(resp.ContentLength, 0), limit)+512, hold, wait)
	n := int64(len(body))
	t.bytes.Add(wire.n)
	switch {
	case n > limit && enc != "" && enc != "identity":
		a.kind, a.err = "bomb", fmt.Errorf("%s: %s body inflates past the %d-byte limit from %d bytes; stopped", req.URL, enc, limit, wire.n)
	case n > limit:
		a.kind, a.err = "too_large", fmt.Errorf("%s: body over the %d-byte limit; skipped", req.URL, limit)
	case err != nil && timedOut.Load():
		a.kind, a.err = "timeout", fmt.Errorf("%s: body too slow: %d bytes in %s", req.URL, wire.n, time.Since(bodyStart).Round(time.Millisecond))
	case err != nil:
		a.kind, a.err = classify(err), fmt.Errorf("%s: body after %d bytes: %w", req.URL, n, err)
		if errors.Is(err, io.ErrUnexpectedEOF) {
			a.kind = "truncated"
		}
	case resp.ContentLength >= 0 && (enc == "" || enc == "identity") && n != resp.ContentLength:
		a.kind, a.err = "truncated", fmt.Errorf("%s: body has %d bytes, Content-Length %d", req.URL, n, resp.ContentLength)
	default:
		a.body, a.hold, hold = body, hold, nil
	}
	return a
}

type countingReader struct {
	r        io.Reader
	n        int64
	progress func(total int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.n += int64(n)
		c.progress(c.n)
	}
	return n, err
}

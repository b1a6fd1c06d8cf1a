// Package crawler fetches the annual-report pages of government portals into
// the archive: from each seed (a portal home page or column page) it follows
// the best-scored links (政府信息公开 → 年报 column → every list page → report
// pages → attachments), politely, resumably and incrementally.
//
// It is built on colly (robots.txt, redirects, cookies, request plumbing);
// the raw bytes are captured below colly, at the http.RoundTripper, so that
// colly's body limit and charset conversion never touch what is archived.
package crawler

import (
	"io"
	"net/netip"
	"time"

	"github.com/gongkai/gongkai/frontier"
)

// Version names this crawler in its User-Agent.
const Version = "0.1"

// DefaultContact is the contact URL in the default User-Agent.
const DefaultContact = "https://github.com/gongkai/gongkai"

// Config tunes a crawl. Start from DefaultConfig (1 request/s per host,
// default depth); other zero fields mean their defaults.
type Config struct {
	MaxPages    int           // fetches per seed per run (default 500)
	MaxDepth    int           // link hops from the seed; 0 fetches only the seed; <0 = default (6). List pages of one column count as one hop
	Rate        float64       // requests per second per host; 0 = unlimited (default set by DefaultConfig: 1)
	Concurrency int           // hosts crawled at once (default: MemoryBudget / 256 KiB, 2,048); a host's seeds share its rate and connections
	Connections int           // requests in flight per host, each on its own connection (default 1, the polite default; more only for hosts you run or may load)
	Timeout     time.Duration // per attempt: until the answer begins, then extended while the body keeps MinRate (default 60s)
	MinRate     int64         // bytes/s a body must keep up on average (default 16 KiB/s)
	DialTimeout time.Duration // TCP connect timeout (default min(10s, Timeout))

	AllowPrivate bool   // permit loopback, private, link-local and multicast addresses
	UserAgent    string // default "gongkai/<Version> (+<Contact>)"
	Contact      string // contact URL put in the default User-Agent

	MaxBodySize  int64         // bytes; bigger bodies are recorded as too_large (default 50 MB)
	MaxRedirects int           // per fetch (default 10)
	Retries      int           // extra attempts for timeouts, resets, 5xx, 429 (default 3; -1 = none)
	RetryBase    time.Duration // first backoff; doubles each attempt (default 1s)
	MaxRetryWait time.Duration // cap on one backoff or Retry-After wait (default 60s)
	ParkAfter    int           // requests in a row a host fails (after retries) before it is parked for the run (default 10; -1 = never)

	// MemoryBudget bounds, by default, how many hosts are crawled at once:
	// MemoryBudget / 256 KiB (default 512 MiB: 2,048 hosts). Concurrency,
	// if set, overrides it. A quarter of it bounds the response bodies held
	// from the wire to the archivers (downloads wait for room; the oldest
	// always goes on).
	MemoryBudget int64

	// Frontier keeps the seeds' queues and the hosts' politeness clock;
	// nil keeps them in the archive (frontier.Bolt).
	Frontier frontier.Store

	// NoExtract skips extraction (the capture is still archived).
	NoExtract bool

	// Attachments also fetches, past MaxDepth, the document attachments
	// (PDF, DOC, DOCX, WPS, XLS, XLSX, ZIP, download endpoints) of a report
	// page at the depth limit, a seed included (at MaxDepth 0: a URL list's
	// entry), so that a wrapper page is archived with its document; they
	// lead no further. Off, they are only counted (SeedStatus.SkippedAttachments).
	Attachments bool

	// Progress receives a live status line on a terminal, or plain log lines
	// otherwise (see ProgressFormat); nil is silent.
	Progress io.Writer
	// ProgressFormat chooses the lines written to Progress (default
	// ProgressAuto: a redrawn line on a terminal, plain lines otherwise).
	ProgressFormat ProgressFormat
	// ProgressEvery is how often a plain or JSON progress line is written
	// (default 30s; a terminal line is redrawn every second).
	ProgressEvery time.Duration
	// Live, if set, follows the run's counts for a status page.
	Live *Live
	// OnFetch, if set, is called after every fetch is recorded; calls for
	// different seeds may come from different goroutines at once.
	OnFetch func(Fetch)

	// allowAddr, in tests, decides private-address refusal instead of the
	// built-in rules (so a loopback fixture can play a public host).
	allowAddr func(netip.AddrPort) bool
}

// DefaultConfig returns the settings `crawl run` starts from: 1 request/s per host.
func DefaultConfig() Config {
	return Config{Rate: 1, MaxDepth: -1}
}

func (c Config) withDefaults() Config {
	if c.MaxPages <= 0 {
		c.MaxPages = 500
	}
	if c.MaxDepth < 0 {
		c.MaxDepth = 6
	}
	if c.Rate < 0 {
		c.Rate = 0
	}
	if c.MemoryBudget <= 0 {
		c.MemoryBudget = 512 << 20
	}
	if c.Concurrency <= 0 {
		c.Concurrency = int(max(c.MemoryBudget/hostCost, 1))
	}
	if c.Connections <= 0 {
		c.Connections = 1
	}
	if c.Timeout <= 0 {
		c.Timeout = 60 * time.Second
	}
	if c.MinRate <= 0 {
		c.MinRate = 16 << 10
	}
	if c.DialTimeout <= 0 {
		c.DialTimeout = min(10*time.Second, c.Timeout)
	}
	if c.Contact == "" {
		c.Contact = DefaultContact
	}
	if c.UserAgent == "" {
		c.UserAgent = "gongkai/" + Version + " (+" + c.Contact + ")"
	}
	if c.MaxBodySize <= 0 {
		c.MaxBodySize = 50 << 20
	}
	if c.MaxRedirects <= 0 {
		c.MaxRedirects = 10
	}
	if c.Retries == 0 {
		c.Retries = 3
	} else if c.Retries < 0 {
		c.Retries = 0
	}
	if c.ParkAfter == 0 {
		c.ParkAfter = 10
	}
	if c.RetryBase <= 0 {
		c.RetryBase = time.Second
	}
	if c.MaxRetryWait <= 0 {
		c.MaxRetryWait = 60 * time.Second
	}
	return c
}

package crawler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocolly/colly/v2"
	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/crawler/platform"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/extract/charset"
	"github.com/gongkai/gongkai/seeds"
)

// Fetch is what one fetch did, for progress and OnFetch.
type Fetch struct {
	Seed        string
	URL         string
	FinalURL    string
	Method      string
	Depth       int
	Kind        string // what the link promised: page, list, report, attachment
	Status      int
	ErrKind     string
	Err         string
	Size        int64
	Digest      string
	NotModified bool
	NewPayload  bool
	Report      bool   // extraction says it is a report (or, without extraction, the link did)
	RecordKind  string // extract's kind, if extraction ran
	ExtractErr  string
}

type outcome struct {
	Fetch
	canceled bool
}

// visitor crawls one seed.
type visitor struct {
	c       *Crawler
	col     *colly.Collector
	runID   uint64
	seed    seeds.Seed
	scope   *scope
	mu      sync.Mutex // guards perPath and noted: pages are read by several goroutines
	perPath map[string]int
	noted   map[string]bool        // kind+host of the notes made
	onNote  func(kind, msg string) // records a note on the seed's status and logs it
	// skippedAttachments counts the attachments of report pages at the
	// depth limit not fetched (Config.Attachments off).
	skippedAttachments atomic.Int64
}

// note reports something the user should see (a pager no adapter follows,
// a pager cut to the list limit) once per kind and host.
func (v *visitor) note(kind, host, msg string) {
	v.mu.Lock()
	if v.noted == nil {
		v.noted = map[string]bool{}
	}
	first := !v.noted[kind+" "+host]
	v.noted[kind+" "+host] = true
	v.mu.Unlock()
	if first && v.onNote != nil {
		v.onNote(kind, msg)
	}
}

// fetched is one answer as the transport saw it, before it is read: what
// the fetch loop hands over so that reading, archiving and extraction run
// beside the next fetch.
type fetched struct {
	d       item
	method  string
	out     outcome
	val     archive.Validators // what the request was conditional on
	capt    archive.Capture
	payload []byte
	hold    *bodyHold // payload's bytes in the body budget, until an archiver takes it
	ct      string
	final   *url.URL
}

// fetch requests one frontier item. It does only what must happen before
// the next request to the same host: the request itself.
func (v *visitor) fetch(ctx context.Context, d item) (*fetched, error) {
	c := v.c
	method := d.Method
	if method == "" {
		method = http.MethodGet
	}
	out := outcome{Fetch: Fetch{Seed: v.seed.URL, URL: d.URL, Method: method, Depth: d.Depth, Kind: d.Kind}}

	var val archive.Validators
	hdr := http.Header{}
	if method == http.MethodGet {
		var err error
		if val, err = c.store.Validators(d.URL); err != nil && !errors.Is(err, archive.ErrNotFound) {
			return &fetched{out: out}, fmt.Errorf("validators of %s: %w", d.URL, err)
		}
		if val.Digest != "" {
			if val.ETag != "" {
				hdr.Set("If-None-Match", val.ETag)
			}
			if val.LastModified != "" {
				hdr.Set("If-Modified-Since", val.LastModified)
			}
		}
	}
	if d.Referer != "" {
		hdr.Set("Referer", d.Referer)
	}
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(d.Form)
		hdr.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	id, sl := c.tr.newSlot(v.scope, d.Depth)
	defer c.tr.dropSlot(id)
	hdr.Set(hdrFetchID, id)
	fetchedAt := time.Now().UTC()
	var err error
	if u, perr := url.Parse(d.URL); perr == nil && u.Host != "" {
		err = c.robots.allowed(ctx, u) // as colly did: the request's own URL, not its redirects
	}
	if err == nil {
		err = v.col.Request(method, d.URL, body, nil, hdr)
	}
	hold := sl.hold // the fetch's now; dropSlot gives back none
	sl.hold = nil
	if ctx.Err() != nil && (sl.hops == 0 || sl.kind == "canceled") {
		hold.release()
		out.canceled = true
		return &fetched{out: out}, nil
	}
	if sl.hops == 0 && classify(err) == "parked" {
		// Refused unsent: the host was parked meanwhile (by another seed
		// or worker). The item goes back to its frontier, which the next
		// run resumes.
		out.canceled = true
		return &fetched{out: out}, nil
	}

	capt := archive.Capture{
		RunID: v.runID, URL: d.URL, FinalURL: sl.finalURL, Seed: v.seed.URL, Agency: v.seed.Agency,
		Region: v.seed.Region, FetchedAt: fetchedAt, Status: sl.status, Proto: sl.proto,
		Header: sl.header, ErrKind: sl.kind, Err: sl.err, Referer: d.Referer, Attempts: sl.attempts,
	}
	if d.Kind == kindAttachment {
		capt.Parent = d.Referer // the report page it belongs to
	}
	if capt.FinalURL == "" {
		capt.FinalURL = d.URL
	}
	if sl.attempts > 1 && capt.Err != "" {
		capt.Err += fmt.Sprintf(" (after %d attempts)", sl.attempts)
	}
	if err != nil && (sl.hops == 0 || capt.ErrKind == "") {
		if k := classify(err); sl.hops == 0 || redirectKind(k) {
			capt.ErrKind, capt.Err = k, err.Error()
		}
	}
	payload := sl.body
	ct := ""
	if sl.header != nil {
		ct = sl.header.Get("Content-Type")
	}
	final, _ := url.Parse(capt.FinalURL)
	if final == nil {
		final, _ = url.Parse(d.URL)
	}
	return &fetched{d: d, method: method, out: out, val: val, capt: capt, payload: payload, hold: hold, ct: ct, final: final}, nil
}

// read decides what a fetched answer is, reads its links and returns them
// with a function that archives and extracts it. It is safe to call from
// several goroutines at once.
func (v *visitor) read(ctx context.Context, f *fetched) ([]archive.FrontierItem, func() *archived) {
	c := v.c
	d, method, out, val, capt, payload, ct, final := f.d, f.method, f.out, f.val, f.capt, f.payload, f.ct, f.final

	// Decide what the answer is before storing it.
	var pg *page
	var text string
	var decoded *charset.Result // kept for extraction
	var answer *platform.Found  // what an adapter read from an API answer
	if d.API == "" && method == http.MethodPost && isXMLAnswer(ct, payload) {
		d.API = "hanweb" // queued by a version without adapters
	}
	switch {
	case capt.ErrKind != "":
		payload = nil
	case capt.Status == http.StatusNotModified:
		capt.Digest, payload = val.Digest, nil
		out.NotModified = true
	case capt.Status >= 400 || capt.Status == http.StatusPreconditionFailed:
		capt.ErrKind, capt.Err = statusKind(capt.Status), fmt.Sprintf("HTTP %d", capt.Status)
		payload = nil
	case capt.Status >= 300 || capt.Status < 200 || capt.Status == http.StatusNoContent:
		payload = nil
	default:
		isHTML := looksHTML(ct, payload)
		if d.API != "" {
			// An adapter's API answers data (XML, JSON); anything else
			// (an HTML error page, garbage) is recorded, not followed.
			f, err := platform.Answer(platform.Request{URL: d.URL, Method: method, Form: d.Form, API: d.API, Param: d.Param}, decodeText(payload, ct))
			if err != nil {
				capt.ErrKind, capt.Err = "bad_answer", err.Error()
			} else {
				answer = &f
			}
		} else if strings.Contains(strings.ToLower(ct), "html") && binaryJunk(payload) {
			capt.ErrKind, capt.Err = "content_mismatch", "served as "+ct+" but the body is binary"
		} else if isHTML {
			text, decoded = decodePage(payload, ct)
			pg = parsePage(text)
			if isChallenge(capt.Status, capt.Header, payload, pg.text) {
				capt.ErrKind, capt.Err = "blocked", "the page is an anti-bot script challenge"
				payload, pg = nil, nil
			} else if !strings.Contains(strings.ToLower(ct), "html") && !strings.Contains(strings.ToLower(ct), "xml") {
				capt.ErrKind, capt.Err = "content_mismatch", "served as "+ct+" but the body is HTML"
			}
		}
	}
	if capt.Status == http.StatusPreconditionFailed {
		capt.ErrKind, capt.Err = "blocked", "HTTP 412: anti-bot script challenge"
	}

	out.FinalURL, out.Status, out.ErrKind, out.Err = capt.FinalURL, capt.Status, capt.ErrKind, capt.Err
	out.Size = int64(len(payload))

	// A 304 confirms the archived bytes: read them again to go on.
	if out.NotModified && capt.Digest != "" {
		if old, err := c.store.Payload(capt.Digest); err == nil && looksHTML(ct, old) {
			text = decodeText(old, ct)
			pg = parsePage(text)
		}
	}

	// Links first, so the frontier is fed at once and the next fetch is the
	// best one while this page is still being archived.
	var next []archive.FrontierItem
	if out.ErrKind == "" || out.ErrKind == "content_mismatch" {
		switch {
		case answer != nil:
			next = v.fromAnswer(d, final, *answer)
		case pg != nil:
			next = v.fromPage(d, final, pg, text)
		}
	}

	// Archiving and extraction may run beside the next fetch. Neither
	// waits for a commit: the capture is queued, extraction runs while
	// the writer commits it, and the record is queued behind it.
	archiveFn := func() *archived {
		actx := context.WithoutCancel(ctx)
		cw := c.store.QueueCapture(actx, capt, payload)
		a := &archived{url: d.URL, capt: cw}
		added, err := cw.Applied()
		if err != nil {
			a.err = err
			return a
		}
		out.Digest, out.NewPayload = added.Capture.Digest, added.NewPayload
		if out.Digest == "" {
			out.Digest = capt.Digest
		}
		// Extraction: once per payload and parser version.
		if out.Digest != "" && out.ErrKind != "blocked" && (payload != nil || out.NotModified) {
			a.parsed = v.extract(ctx, actx, &out, cw.Queued, capt, payload, ct, decoded, docName(capt.Header, d.Anchor))
		} else if out.ErrKind == "" {
			out.Report = d.Kind == kindReport || d.Kind == kindAttachment
		}
		a.out = out
		return a
	}
	return next, archiveFn
}

// archived is one page's writes on their way to the archive: its capture,
// applied, and the record extracted from it, queued behind it.
type archived struct {
	url    string
	out    outcome
	capt   *archive.CaptureWrite
	parsed func() error // the record's write; nil if no record was extracted
	err    error        // the capture failed to apply
}

// wait returns the page's outcome once its capture and record are
// durable, or the capture's failure (the record's goes in ExtractErr).
func (a *archived) wait() (outcome, error) {
	if a.err == nil {
		_, a.err = a.capt.Added()
	}
	if a.err != nil {
		if a.parsed != nil {
			_ = a.parsed() // it fails with the capture; waiting ends its flight
		}
		return a.out, fmt.Errorf("archive %s: %w", a.url, a.err)
	}
	if a.parsed != nil {
		if err := a.parsed(); err != nil {
			a.out.ExtractErr = fmt.Sprintf("store parsed: %v", err)
		}
	}
	return a.out, nil
}

func redirectKind(k string) bool {
	switch k {
	case "redirect", "redirect_loop", "off_scope", "trap", "private_address", "robots":
		return true
	}
	return false
}

// extract runs extraction for a payload the archive has no current record
// of, and queues the record behind the payload's capture (after); it
// returns the record's write to wait for, nil if it stores none. One
// extraction of a digest is in flight at a time: a capture of bytes being
// extracted for another page shares that page's record (see flights).
func (v *visitor) extract(ctx, actx context.Context, out *outcome, after *archive.Queued, capt archive.Capture, payload []byte, ct string, decoded *charset.Result, name string) func() error {
	c := v.c
	if c.cfg.NoExtract || payload == nil {
		if r, ok := v.current(out); ok {
			return r.apply(out)
		}
		out.Report = out.Kind == kindReport || out.Kind == kindAttachment
		return nil
	}
	in := extract.Input{URL: capt.FinalURL, Body: payload, ContentType: ct, Agency: v.seed.Agency, Region: v.seed.Region, Decoded: decoded, Name: name}
	return c.extracting.do(ctx, out.Digest, func() extracted {
		if r, ok := v.current(out); ok {
			return r
		}
		return v.extractNew(actx, out.Digest, after, in)
	}).apply(out)
}

// current returns the archive's record of out's payload if it is of this
// parser version.
func (v *visitor) current(out *outcome) (extracted, bool) {
	// A payload the archive has just seen for the first time has no record
	// yet: no need to look.
	if out.NewPayload {
		return extracted{}, false
	}
	p, err := v.c.store.ParsedHeader(out.Digest)
	if err != nil || p.ParserVersion < extract.ParserVersion {
		return extracted{}, false
	}
	return extracted{kind: p.Kind}, true
}

// extractNew extracts in and queues its record behind after.
func (v *visitor) extractNew(ctx context.Context, digest string, after *archive.Queued, in extract.Input) extracted {
	c := v.c
	rec, err := c.extractFn(ctx, in)
	if err != nil || rec == nil {
		return extracted{failed: fmt.Sprint(err), retry: errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)}
	}
	if rec.SHA256 == "" {
		rec.SHA256 = digest
	}
	js, err := rec.EncodeJSON() // json.Marshal's bytes, faster
	if err != nil {
		return extracted{failed: err.Error()}
	}
	q := c.store.QueueParsed(ctx, after, archive.Parsed{
		Digest: digest, ParserVersion: extract.ParserVersion, URL: in.URL, Kind: rec.Kind,
		Agency: rec.Agency, Region: rec.Region, Year: rec.Year, Template: rec.Template, JSON: js,
	})
	return extracted{kind: rec.Kind, stored: q.Wait}
}

// fromPage scores a page's links and returns those worth following, with
// the list pages and items crawler/platform's adapters read from it.
func (v *visitor) fromPage(d item, cur *url.URL, pg *page, text string) []archive.FrontierItem {
	base := cur
	if pg.base != "" {
		if b, ok := canonical(cur, pg.base); ok {
			base = b
		}
	}
	// A seed read as a report page still follows its pager: a yearly
	// column (2023年度政府信息公开工作年度报告, one agency's report each)
	// may be titled as a report.
	isDoc := d.Kind == kindReport || d.Kind == kindAttachment
	if d.Depth < v.c.cfg.MaxDepth {
		// At the limit every seed is read as a report page already
		// (limitKind): a URL list's entries need no title test.
		d = seedAsReport(d, pg)
	}
	l := v.newLinker(d, cur)
	res := platform.Read(&platform.Page{URL: cur, Base: base, HTML: text, Scripts: pg.scripts, Links: platformLinks(pg.links), Param: d.Param})
	if !isDoc {
		// A report's 下一页 is the next article, not more of a list.
		l.requests(res.Lists)
		if res.UnknownPager {
			v.note("unknown_pager", cur.Host, "no adapter follows the pager of "+cur.String())
		}
		if res.Claimed > 0 {
			v.note("pager_capped", cur.Host, fmt.Sprintf("a pager claims %d pages, %d followed: %s", res.Claimed, platform.MaxListPages, cur.String()))
		}
	}
	for _, lk := range pg.links {
		l.link(base, lk)
	}
	for _, it := range res.Items {
		l.link(base, link{href: it.Href, anchor: it.Anchor})
	}
	if l.skipped > 0 {
		v.skippedAttachments.Add(int64(l.skipped))
	}
	return l.out
}

// seedAsReport reads a seed as a report page when its <title> or main
// heading names one agency's annual report for a year
// (extract.NamesAnnualReport: not a 指南, a 通知 or a column). Nothing led
// to a seed, so it is queued as a page; but a researcher's URL list names
// report pages, and on a report page every attachment (a bare 附件1.pdf)
// is part of the report, as it is when a column's link leads there. A home
// or column seed stays a page.
func seedAsReport(d item, pg *page) item {
	if d.Depth == 0 && d.Kind == kindPage && (extract.NamesAnnualReport(pg.title) || extract.NamesAnnualReport(pg.heading)) {
		d.Kind = kindReport
	}
	return d
}

// fromAnswer follows what an adapter read from an API answer: the list's
// items and its further requests.
func (v *visitor) fromAnswer(d item, cur *url.URL, f platform.Found) []archive.FrontierItem {
	l := v.newLinker(item{Depth: d.Depth, Kind: kindList, Score: d.Score + 0.5}, cur)
	l.requests(f.Lists)
	if f.Claimed > 0 {
		v.note("pager_capped", cur.Host, fmt.Sprintf("a list API claims %d pages, %d followed: %s", f.Claimed, platform.MaxListPages, cur.String()))
	}
	for _, it := range f.Items {
		l.link(cur, link{href: it.Href, anchor: it.Anchor})
	}
	return l.out
}

// platformLinks hands a page's links to the adapters.
func platformLinks(ls []link) []platform.Link {
	out := make([]platform.Link, len(ls))
	for i, l := range ls {
		out[i] = platform.Link{Href: l.href, Anchor: l.anchor, Frame: l.frame}
	}
	return out
}

// linker turns one page's links and requests into frontier items, each
// once, within the seed's scope and away from traps.
type linker struct {
	v    *visitor
	d    item     // the page's own item
	cur  *url.URL // the page
	out  []archive.FrontierItem
	seen map[string]bool
	// skipped counts the page's attachments the depth limit left out
	// (Config.Attachments off).
	skipped int
}

func (v *visitor) newLinker(d item, cur *url.URL) *linker {
	return &linker{v: v, d: d, cur: cur, seen: map[string]bool{}}
}

// listScore is the score of another page of the list the page is on.
func (l *linker) listScore() float64 { return max(l.d.Score-0.5, 0.5) }

// add queues u (under key, "" for u itself) as it.
func (l *linker) add(u *url.URL, key string, it item, prio float64) {
	if key == "" {
		key = u.String()
	}
	if l.seen[key] || !l.v.scope.allows(u) || trapReason(u) != "" {
		return
	}
	// Only queries multiply one path (?page=N, ?date=…): counting plain
	// paths too would keep one entry per page of the site.
	if u.RawQuery != "" {
		v := l.v
		v.mu.Lock()
		v.perPath[u.Host+u.Path]++
		over := v.perPath[u.Host+u.Path] > maxPerPath
		v.mu.Unlock()
		if over {
			return
		}
	}
	l.seen[key] = true
	it.Referer = l.cur.String()
	if key != u.String() || it.Method != "" {
		it.URL = u.String()
	}
	data, _ := json.Marshal(it)
	l.out = append(l.out, archive.FrontierItem{Key: key, Host: u.Host, Priority: prio, Data: data})
}

// link queues one link, scored by its anchor and URL.
func (l *linker) link(base *url.URL, lk link) {
	if l.d.Depth+1 > l.v.c.cfg.MaxDepth {
		l.pastLimit(base, lk) // a report page's attachments, at most
		return
	}
	u, ok := canonical(base, lk.href)
	if !ok || u.String() == l.cur.String() {
		return
	}
	score, kind := scoreLink(lk, u, l.d.Kind)
	if score <= 0 {
		return
	}
	it := item{Depth: l.d.Depth + 1, Kind: kind, Score: score}
	prio := score - float64(l.d.Depth+1)
	if kind == kindAttachment {
		it.Anchor = lk.anchor // its name, when the server sends none
		if l.d.Kind == kindReport {
			// A wrapper page's document is the report: fetch it at once,
			// ahead of the report's siblings.
			prio = max(prio, l.d.Score-float64(l.d.Depth)+0.01)
		}
	}
	l.add(u, "", it, prio)
}

// requests queues an adapter's requests: another page of the list at the
// list's depth and score, or (Hop) a list one hop deeper, scored by its
// anchor when it has one.
func (l *linker) requests(rs []platform.Request) {
	if l.d.Score <= 0 {
		return
	}
	for _, r := range rs {
		var u *url.URL
		var ok bool
		if r.Key != "" {
			// The adapter's own key and URL are kept as they are: a
			// gkmlpt API's sid is no session id.
			var err error
			u, err = url.Parse(r.URL)
			ok = err == nil && (u.Scheme == "http" || u.Scheme == "https")
		} else {
			u, ok = canonical(l.cur, r.URL)
		}
		if !ok || r.Key == "" && u.String() == l.cur.String() {
			continue
		}
		it := item{Method: r.Method, Form: r.Form, API: r.API, Param: r.Param, Depth: l.d.Depth, Kind: kindList, Score: l.listScore()}
		if r.Hop {
			it.Depth++
			if it.Depth > l.v.c.cfg.MaxDepth {
				continue
			}
			s, _ := scoreLink(link{href: r.URL, anchor: r.Anchor}, u, l.d.Kind)
			switch {
			case s > 0:
				it.Score = s
			case r.Key == "" && l.d.Depth > 0:
				it.Score = l.listScore() // a frame of a column page: its list
			default:
				continue
			}
		}
		l.add(u, r.Key, it, it.Score-float64(it.Depth))
	}
}

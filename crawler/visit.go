package crawler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"
	"github.com/gongkai/gongkai/archive"
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
	mu      sync.Mutex // guards perPath: pages are read by several goroutines
	perPath map[string]int
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
	err := v.col.Request(method, d.URL, body, nil, hdr)
	if ctx.Err() != nil && (sl.hops == 0 || sl.kind == "canceled") {
		out.canceled = true
		return &fetched{out: out}, nil
	}

	capt := archive.Capture{
		RunID: v.runID, URL: d.URL, FinalURL: sl.finalURL, Seed: v.seed.URL, Agency: v.seed.Agency,
		Region: v.seed.Region, FetchedAt: fetchedAt, Status: sl.status, Proto: sl.proto,
		Header: sl.header, ErrKind: sl.kind, Err: sl.err,
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
	return &fetched{d: d, method: method, out: out, val: val, capt: capt, payload: payload, ct: ct, final: final}, nil
}

// read decides what a fetched answer is, reads its links and returns them
// with a function that archives and extracts it. It is safe to call from
// several goroutines at once.
func (v *visitor) read(ctx context.Context, f *fetched) ([]archive.FrontierItem, func() (outcome, error)) {
	c := v.c
	d, method, out, val, capt, payload, ct, final := f.d, f.method, f.out, f.val, f.capt, f.payload, f.ct, f.final

	// Decide what the answer is before storing it.
	var pg *page
	var text string
	var decoded *charset.Result // kept for extraction
	xmlAnswer := false
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
		if strings.Contains(strings.ToLower(ct), "html") && binaryJunk(payload) {
			capt.ErrKind, capt.Err = "content_mismatch", "served as "+ct+" but the body is binary"
		} else if method == http.MethodPost && isXMLAnswer(ct, payload) {
			xmlAnswer = true
			text = decodeText(payload, ct)
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
		case xmlAnswer:
			next = v.fromHanwebAnswer(d, text)
		case pg != nil:
			next = v.fromPage(d, final, pg, text)
		}
	}

	// Archiving and extraction may run beside the next fetch: a durable
	// write waits for an fsync, and concurrent writes share one.
	archiveFn := func() (outcome, error) {
		actx := context.WithoutCancel(ctx)
		added, err := c.store.AddCapture(actx, capt, payload)
		if err != nil {
			return out, fmt.Errorf("archive %s: %w", d.URL, err)
		}
		out.Digest, out.NewPayload = added.Capture.Digest, added.NewPayload
		if out.Digest == "" {
			out.Digest = capt.Digest
		}
		// Extraction: once per payload and parser version.
		if out.Digest != "" && out.ErrKind != "blocked" && (payload != nil || out.NotModified) {
			v.extract(actx, &out, capt, payload, ct, decoded)
		} else if out.ErrKind == "" {
			out.Report = d.Kind == kindReport || d.Kind == kindAttachment
		}
		return out, nil
	}
	return next, archiveFn
}

func redirectKind(k string) bool {
	switch k {
	case "redirect", "redirect_loop", "off_scope", "trap", "private_address", "robots":
		return true
	}
	return false
}

// extract runs extraction for a payload the archive has no current record
// of, and stores the record.
func (v *visitor) extract(ctx context.Context, out *outcome, capt archive.Capture, payload []byte, ct string, decoded *charset.Result) {
	c := v.c
	digest := out.Digest
	// A payload the archive has just seen for the first time has no record
	// yet: no need to look.
	if !out.NewPayload {
		if p, err := c.store.GetParsed(digest); err == nil && p.ParserVersion >= extract.ParserVersion {
			out.RecordKind, out.Report = p.Kind, p.Kind == extract.KindReport
			return
		}
	}
	if c.cfg.NoExtract || payload == nil {
		out.Report = out.Kind == kindReport || out.Kind == kindAttachment
		return
	}
	rec, err := extract.Extract(ctx, extract.Input{URL: capt.FinalURL, Body: payload, ContentType: ct, Agency: v.seed.Agency, Region: v.seed.Region, Decoded: decoded})
	if err != nil || rec == nil {
		out.ExtractErr = fmt.Sprint(err)
		out.Report = out.Kind == kindReport || out.Kind == kindAttachment
		return
	}
	if rec.SHA256 == "" {
		rec.SHA256 = digest
	}
	js, err := json.Marshal(rec)
	if err != nil {
		out.ExtractErr = err.Error()
		return
	}
	err = c.store.PutParsed(context.WithoutCancel(ctx), archive.Parsed{
		Digest: digest, ParserVersion: extract.ParserVersion, URL: capt.FinalURL, Kind: rec.Kind,
		Agency: rec.Agency, Region: rec.Region, Year: rec.Year, Template: rec.Template, JSON: js,
	})
	if err != nil {
		out.ExtractErr = fmt.Sprintf("store parsed: %v", err)
	}
	out.RecordKind, out.Report = rec.Kind, rec.Kind == extract.KindReport
}

// fromPage scores a page's links and returns those worth following.
func (v *visitor) fromPage(d item, cur *url.URL, pg *page, text string) []archive.FrontierItem {
	base := cur
	if pg.base != "" {
		if b, ok := canonical(cur, pg.base); ok {
			base = b
		}
	}
	var out []archive.FrontierItem
	seen := map[string]bool{}
	add := func(u *url.URL, it item, prio float64) {
		k := u.String()
		if seen[k] || !v.scope.allows(u) || trapReason(u) != "" {
			return
		}
		// Only queries multiply one path (?page=N, ?date=…): counting
		// plain paths too would keep one entry per page of the site.
		if u.RawQuery != "" {
			v.mu.Lock()
			v.perPath[u.Host+u.Path]++
			over := v.perPath[u.Host+u.Path] > maxPerPath
			v.mu.Unlock()
			if over {
				return
			}
		}
		seen[k] = true
		it.Referer = cur.String()
		data, _ := json.Marshal(it)
		out = append(out, archive.FrontierItem{Key: k, Host: u.Host, Priority: prio, Data: data})
	}
	listScore := max(d.Score-0.5, 0.5)
	for _, l := range pg.links {
		u, ok := canonical(base, l.href)
		if !ok || u.String() == cur.String() {
			continue
		}
		if d.Kind != kindReport && (isPagination(cur, u) || isPagerAnchor(l.anchor) && path.Dir(u.Path) == path.Dir(cur.Path)) {
			// Another page of this list: same depth, the list's own score.
			if d.Score > 0 {
				add(u, item{Depth: d.Depth, Kind: kindList, Score: listScore}, listScore-float64(d.Depth))
			}
			continue
		}
		score, kind := scoreLink(l, u, d.Kind)
		if score <= 0 || d.Depth+1 > v.c.cfg.MaxDepth {
			continue
		}
		add(u, item{Depth: d.Depth + 1, Kind: kind, Score: score}, score-float64(d.Depth+1))
	}
	for _, name := range trsPages(pg.scripts) {
		if u, ok := canonical(cur, name); ok && u.String() != cur.String() {
			add(u, item{Depth: d.Depth, Kind: kindList, Score: listScore}, listScore-float64(d.Depth))
		}
	}
	if h, ok := hanwebOf(cur, text); ok {
		for _, r := range h.requests(1) {
			v.addPost(&out, seen, r, d, listScore, cur)
		}
	}
	return out
}

func (v *visitor) addPost(out *[]archive.FrontierItem, seen map[string]bool, r postReq, d item, score float64, ref *url.URL) {
	u, err := url.Parse(r.url)
	if err != nil || !v.scope.allows(u) {
		return
	}
	key := "POST " + r.url + " " + r.form
	if seen[key] {
		return
	}
	seen[key] = true
	data, _ := json.Marshal(item{URL: r.url, Method: http.MethodPost, Form: r.form, Depth: d.Depth, Kind: kindList, Score: score, Referer: ref.String()})
	*out = append(*out, archive.FrontierItem{Key: key, Host: u.Host, Priority: score - float64(d.Depth), Data: data})
}

// fromHanwebAnswer follows the records of a dataproxy answer and asks for
// the remaining groups once the answer has said how many records there are.
func (v *visitor) fromHanwebAnswer(d item, text string) []archive.FrontierItem {
	cur, err := url.Parse(d.URL)
	if err != nil {
		return nil
	}
	links, total, _ := hanwebAnswer(text)
	pg := &page{links: links}
	out := v.fromPage(item{Depth: d.Depth, Kind: kindPage, Score: d.Score}, cur, pg, "")
	q := cur.Query()
	start, _ := strconv.Atoi(q.Get("startrecord"))
	end, _ := strconv.Atoi(q.Get("endrecord"))
	per, _ := strconv.Atoi(q.Get("perpage"))
	form, _ := url.ParseQuery(d.Form)
	if start == 1 && total > end && per > 0 {
		h := hanwebList{proxy: cur.Scheme + "://" + cur.Host + cur.Path, columnID: form.Get("columnid"),
			unitID: form.Get("unitid"), webID: form.Get("webid"), perPage: per, total: total}
		seen := map[string]bool{}
		for _, r := range h.requests(end + 1) {
			v.addPost(&out, seen, r, d, d.Score, cur)
		}
	}
	return out
}

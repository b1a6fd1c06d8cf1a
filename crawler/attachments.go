package crawler

import (
	"net/url"
	"strings"
)

// A report page at the depth limit (a URL list's entry at --max-depth 0,
// a report page the last hop reached) is often only the wrapper of its
// document (详见附件): the tables are in the PDF or DOC it links. Its
// attachments are fetched only with Config.Attachments, and lead no
// further; without it they are counted, so the summary says what the
// limit left out.

// pastLimit handles a link of a page whose links are past the depth limit.
// Only a document attachment of a report page is considered, as scoreLink
// classifies it on a report page: queued with Config.Attachments, counted
// otherwise.
func (l *linker) pastLimit(base *url.URL, lk link) {
	from, ok := l.limitKind()
	if !ok || !mayBeFile(lk) {
		return
	}
	u, ok := canonical(base, lk.href)
	if !ok || u.String() == l.cur.String() {
		return
	}
	score, kind := scoreLink(lk, u, from)
	if score <= 0 || kind != kindAttachment {
		return
	}
	if !l.v.c.cfg.Attachments {
		if key := u.String(); !l.seen[key] && l.v.scope.allows(u) {
			l.seen[key] = true // a PDF both framed and linked is one attachment
			l.skipped++
		}
		return
	}
	// One hop past the limit: its own links are past it too, and an
	// attachment's links are never read at the limit (limitKind).
	it := item{Depth: l.d.Depth + 1, Kind: kindAttachment, Score: score, Anchor: lk.anchor}
	// Fetched right after its page, as a wrapper's document is in a crawl.
	prio := max(score-float64(it.Depth), l.d.Score-float64(l.d.Depth)+0.01)
	l.add(u, "", it, prio)
}

// limitKind says whether the page's attachments are considered at the depth
// limit, and as what kind of page their links are scored: a page linked as
// a report, or a seed (at --max-depth 0 a URL list's entry, which the list
// names as the page to archive: read as a report page). List and column
// pages, and anything fetched past the limit, are not.
func (l *linker) limitKind() (string, bool) {
	switch {
	case l.d.Depth > l.v.c.cfg.MaxDepth:
		return "", false
	case l.d.Kind == kindReport:
		return kindReport, true
	case l.d.Depth == 0 && l.d.Kind == kindPage:
		return kindReport, true
	}
	return "", false
}

// mayBeFile is a cheap necessary condition for scoreLink to call a link
// an attachment (attachmentExt or fileLink), so that the links of a page
// at the depth limit cost a few substring tests when the flag is off: a
// document extension in the href, a query (fileLink reads only those), or
// a file name in the anchor.
func mayBeFile(lk link) bool {
	if strings.IndexByte(lk.anchor, '.') >= 0 || strings.IndexByte(lk.href, '?') >= 0 {
		return true
	}
	h := strings.ToLower(lk.href)
	for _, e := range fileExts {
		if strings.Contains(h, e) {
			return true
		}
	}
	return false
}

// fileExts cover attachmentExt's extensions (docx, xlsx contain doc, xls).
var fileExts = []string{"pdf", "doc", "wps", "xls", "zip"}

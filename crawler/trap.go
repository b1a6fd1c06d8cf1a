package crawler

import (
	"net/url"
	"path"
	"strings"
)

// Limits of the crawler-trap defence.
const (
	maxURLLen         = 512 // longer URLs are generated, not published
	maxQueryLen       = 256
	maxQueryParams    = 8
	maxPathSegments   = 16
	maxSegmentRepeats = 2   // /a/b/a/b/a/ is a relative-link loop
	maxPerPath        = 300 // distinct queries of one path per seed (?page=N, ?date=…)
)

// sessionParams are query keys that only identify a visitor.
var sessionParams = map[string]bool{
	"jsessionid": true, "phpsessid": true, "sid": true, "sessionid": true,
	"session_id": true, "aspsessionid": true, "sessid": true, "cfid": true, "cftoken": true,
}

// calendarParams are query keys of date-driven pages that never end.
var calendarParams = map[string]bool{
	"date": true, "day": true, "month": true, "calendar": true, "ym": true,
	"yearmonth": true, "cal": true, "week": true,
}

// canonical resolves ref against base and normalises it: no fragment, lower
// host, no default port, session ids removed. ok is false for non-http links.
func canonical(base *url.URL, ref string) (*url.URL, bool) {
	ref = strings.TrimSpace(ref)
	if ref == "" || strings.HasPrefix(ref, "#") {
		return nil, false
	}
	r, err := url.Parse(ref)
	if err != nil {
		return nil, false
	}
	u := base.ResolveReference(r)
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, false
	}
	u.Fragment, u.RawFragment = "", ""
	u.User = nil
	u.Host = strings.ToLower(u.Host)
	if p := u.Port(); (u.Scheme == "http" && p == "80") || (u.Scheme == "https" && p == "443") {
		u.Host = u.Hostname()
	}
	if i := strings.Index(strings.ToLower(u.Path), ";jsessionid="); i >= 0 {
		u.Path = u.Path[:i]
		u.RawPath = ""
	}
	if u.Path == "" {
		u.Path = "/"
	}
	if u.RawQuery != "" {
		q := u.Query()
		changed := false
		for k := range q {
			if sessionParams[strings.ToLower(k)] {
				q.Del(k)
				changed = true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
	}
	return u, true
}

// trapReason says why u looks like a crawler trap, or "".
func trapReason(u *url.URL) string {
	s := u.String()
	if len(s) > maxURLLen {
		return "long_url"
	}
	if len(u.RawQuery) > maxQueryLen {
		return "long_query"
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(segs) > maxPathSegments {
		return "deep_path"
	}
	seen := map[string]int{}
	for _, sg := range segs {
		if sg == "" {
			continue
		}
		seen[sg]++
		if seen[sg] > maxSegmentRepeats {
			return "repeated_path"
		}
	}
	lp := strings.ToLower(u.Path)
	if strings.Contains(lp, "calendar") || strings.Contains(lp, "rili") {
		return "calendar"
	}
	if u.RawQuery != "" {
		q := u.Query()
		if len(q) > maxQueryParams {
			return "long_query"
		}
		for k, v := range q {
			if len(v) > 1 {
				return "growing_query" // ?a=1&a=1&a=1… grows with every hop
			}
			if calendarParams[strings.ToLower(k)] {
				return "calendar"
			}
		}
	}
	if strings.Contains(strings.ToLower(path.Base(u.Path)), "calendar") {
		return "calendar"
	}
	return ""
}

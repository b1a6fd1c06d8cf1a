package publication

import (
	"slices"
	"sort"
	"time"

	"github.com/gongkai/gongkai/archive"
)

// State is one version of a publication: the version of the page and of
// each attachment that were current together, from Start until End (zero
// for the current state).
type State struct {
	Page       archive.Version
	Parts      []archive.Version // one per attachment URL, in Index.Parts order; zero when none is archived
	Start, End time.Time
}

// Digests lists the page's and then each attachment's digest.
func (s State) Digests() []string {
	out := []string{s.Page.Digest}
	for _, p := range s.Parts {
		out = append(out, p.Digest)
	}
	return out
}

// States lays the versions of a page and of its attachments on one time
// line: a new state begins whenever the page or an attachment gets a new
// version. An attachment's first version counts from the page's first
// (the crawler fetches attachments after the page that links them, so
// its first version is the one that page linked); versions of the page
// with no record are kept, the caller decides. page must not be empty.
func States(page []archive.Version, parts [][]archive.Version) []State {
	if len(page) == 0 {
		return nil
	}
	times := []time.Time{page[0].FirstSeen}
	for _, v := range page[1:] {
		times = append(times, v.FirstSeen)
	}
	for _, vs := range parts {
		for i, v := range vs {
			if i > 0 && v.FirstSeen.After(page[0].FirstSeen) {
				times = append(times, v.FirstSeen)
			}
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	var out []State
	for _, t := range times {
		s := State{Page: at(page, t), Start: t}
		for _, vs := range parts {
			s.Parts = append(s.Parts, at(vs, t))
		}
		if n := len(out); n > 0 && slices.Equal(out[n-1].Digests(), s.Digests()) {
			continue
		}
		if n := len(out); n > 0 {
			out[n-1].End = t
		}
		out = append(out, s)
	}
	return out
}

// at is the version current at t: the newest first seen by then, else the
// first one.
func at(vs []archive.Version, t time.Time) archive.Version {
	if len(vs) == 0 {
		return archive.Version{}
	}
	cur := vs[0]
	for _, v := range vs[1:] {
		if !v.FirstSeen.After(t) {
			cur = v
		}
	}
	return cur
}

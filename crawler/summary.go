package crawler

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gongkai/gongkai/seeds"
)

// Seed statuses.
const (
	StatusOK          = "ok"
	StatusUnreachable = "unreachable" // the seed page itself could not be fetched
	StatusBlocked     = "blocked"     // the seed answered with an anti-bot challenge
	StatusDisallowed  = "disallowed"  // robots.txt forbids the seed page
	StatusInterrupted = "interrupted" // the run was stopped before this seed finished
	StatusDuplicate   = "duplicate"   // an earlier seed of the run has the same URL
	StatusParked      = "parked"      // its host failed too often in a row: no more requests this run (Err says why); the next run resumes
)

// SeedStatus is what a run did for one seed.
type SeedStatus struct {
	Seed        seeds.Seed
	Status      string // one of the Status* constants
	Err         string // why, when not ok
	Pages       int    // fetches made
	Reports     int    // report pages and report attachments fetched
	NotModified int    // 304 answers
	NewPayloads int    // bytes the archive did not have
	Errors      int    // fetches recorded with an ErrKind
	Blocked     int    // fetches answered by an anti-bot challenge
	Resumed     bool   // the run continued an interrupted crawl of this seed
	Interrupted bool
	BudgetSpent bool // MaxPages reached with links still pending
	// MovedTo is where the seed page itself redirected to another host (a
	// portal that moved): the crawl followed it; update the seed list.
	MovedTo string
	// UnknownPagers counts the hosts with a list pager no adapter of
	// crawler/platform follows; Notes says where (one line per host).
	UnknownPagers int
	Notes         []string
	// SkippedAttachments counts the document attachments of report pages
	// at the depth limit that were not fetched (Config.Attachments off).
	SkippedAttachments int
}

// note records one note (from visitor.note: once per kind and host).
func (st *SeedStatus) note(kind, msg string) {
	if kind == "unknown_pager" {
		st.UnknownPagers++
	}
	st.Notes = append(st.Notes, msg)
}

// Summary is what a run did.
type Summary struct {
	RunID         uint64
	Seeds         []SeedStatus
	Pages         int
	Reports       int
	NotModified   int
	NewPayloads   int
	Errors        int
	Blocked       int
	UnknownPagers int          // hosts whose list pager no adapter follows
	Requests      int64        // HTTP requests sent (every attempt and redirect hop, robots.txt too)
	Bytes         int64        // body bytes received on the wire
	Parked        []ParkedHost // hosts that failed too often in a row and got no more requests
	Elapsed       time.Duration
	Interrupted   bool
	// SkippedAttachments: attachments of report pages at the depth limit
	// not fetched (Config.Attachments off); Notes says so.
	SkippedAttachments int
}

// Unreachable returns the seeds that could not be reached at all (`crawl
// run` exits 1 when there are any).
func (s Summary) Unreachable() []SeedStatus {
	var out []SeedStatus
	for _, st := range s.Seeds {
		if st.Status == StatusUnreachable {
			out = append(out, st)
		}
	}
	return out
}

// add counts one fetch; seedFetch marks the fetch of the seed page itself.
func (st *SeedStatus) add(o outcome, seedFetch bool) {
	st.Pages++ // counted when archived, so Pages matches what the archive holds
	if o.ErrKind != "" && o.ErrKind != "content_mismatch" {
		st.Errors++
	}
	if o.ErrKind == "blocked" {
		st.Blocked++
	}
	if o.NotModified {
		st.NotModified++
	}
	if o.NewPayload {
		st.NewPayloads++
	}
	if o.Report {
		st.Reports++
	}
	if seedFetch {
		st.MovedTo = movedTo(st.Seed.URL, o.FinalURL)
		switch o.ErrKind {
		case "", "content_mismatch":
		case "blocked":
			st.Status, st.Err = StatusBlocked, o.Err
		case "robots":
			st.Status, st.Err = StatusDisallowed, o.Err
		default:
			st.Status, st.Err = StatusUnreachable, o.ErrKind+": "+o.Err
		}
	}
}

func (s *Summary) total() {
	for _, st := range s.Seeds {
		s.Pages += st.Pages
		s.Reports += st.Reports
		s.NotModified += st.NotModified
		s.NewPayloads += st.NewPayloads
		s.Errors += st.Errors
		s.Blocked += st.Blocked
		s.UnknownPagers += st.UnknownPagers
		s.SkippedAttachments += st.SkippedAttachments
	}
}

// Notes are the run's notes: seeds that moved, pagers no adapter follows,
// attachments the depth limit left out.
func (s Summary) Notes() []string {
	var out []string
	if n := s.SkippedAttachments; n > 0 {
		what := fmt.Sprintf("%d attachments (PDF, DOC...) of report pages at the depth limit were", n)
		if n == 1 {
			what = "1 attachment (PDF, DOC...) of a report page at the depth limit was"
		}
		out = append(out, what+" not fetched: a wrapper page's tables are often only there; crawl again with --attachments to fetch them")
	}
	for _, h := range s.Parked {
		out = append(out, "host "+h.Host+" parked: "+h.Reason)
	}
	for _, st := range s.Seeds {
		if st.MovedTo != "" {
			out = append(out, "seed "+st.Seed.URL+" moved to "+st.MovedTo)
		}
		for _, n := range st.Notes {
			out = append(out, "seed "+st.Seed.URL+": "+n)
		}
	}
	return out
}

// movedTo returns final when the seed's page ended on another host.
func movedTo(seed, final string) string {
	su, err1 := url.Parse(seed)
	fu, err2 := url.Parse(final)
	if err1 != nil || err2 != nil || final == "" || strings.EqualFold(su.Host, fu.Host) {
		return ""
	}
	return final
}

func (s Summary) counts() map[string]int {
	return map[string]int{
		"pages": s.Pages, "reports": s.Reports, "not_modified": s.NotModified,
		"new_payloads": s.NewPayloads, "errors": s.Errors, "blocked": s.Blocked,
		"requests": int(s.Requests), "unreachable": len(s.Unreachable()), "unknown_pagers": s.UnknownPagers,
		"parked_hosts": len(s.Parked), "skipped_attachments": s.SkippedAttachments,
	}
}

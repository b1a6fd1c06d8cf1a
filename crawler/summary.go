package crawler

import (
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
}

// Summary is what a run did.
type Summary struct {
	RunID       uint64
	Seeds       []SeedStatus
	Pages       int
	Reports     int
	NotModified int
	NewPayloads int
	Errors      int
	Blocked     int
	Requests    int64        // HTTP requests sent (every attempt and redirect hop, robots.txt too)
	Bytes       int64        // body bytes received on the wire
	Parked      []ParkedHost // hosts that failed too often in a row and got no more requests
	Elapsed     time.Duration
	Interrupted bool
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
	}
}

func (s Summary) counts() map[string]int {
	return map[string]int{
		"pages": s.Pages, "reports": s.Reports, "not_modified": s.NotModified,
		"new_payloads": s.NewPayloads, "errors": s.Errors, "blocked": s.Blocked,
		"requests": int(s.Requests), "unreachable": len(s.Unreachable()),
		"parked_hosts": len(s.Parked),
	}
}

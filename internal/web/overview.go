package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

// overview is what the home page says the archive holds.
type overview struct {
	Agencies  int // agencies with at least one report
	Reports   int // report URLs (kind report)
	Versions  int // their distinct versions
	Years     []yearCount
	Runs      int
	LastCrawl archive.Run // the newest run (zero when none)
	Failed    int         // reports whose latest version fails a check
	Changed   []changedReport
	Built     time.Time // when this overview was computed
}

type yearCount struct {
	Year    int // 0: year not stated
	Reports int
}

// changedReport is a report with more than one version.
type changedReport struct {
	Agency, Title  string
	Year           int
	Digest, Before string // latest version and the one before, for the diff link
	Versions       int
	At             time.Time // when the latest version was first seen
}

// maxChanged is how many recently changed reports the home page lists.
const maxChanged = 10

// overviewTTL is how long a computed overview is reused: it reads every
// report's versions and latest record, which takes seconds on a large
// archive, and the archive only grows between crawls.
const overviewTTL = time.Minute

// overviewCache keeps the last overview for overviewTTL.
type overviewCache struct {
	mu sync.Mutex
	v  *overview
}

func (c *overviewCache) get(ctx context.Context, store *archive.Store) (*overview, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.v != nil && time.Since(c.v.Built) < overviewTTL {
		return c.v, nil
	}
	v, err := buildOverview(ctx, store)
	if err != nil {
		return nil, err
	}
	c.v = v
	return v, nil
}

// buildOverview walks the report records once: every report URL's
// versions and the checks of its latest version.
func buildOverview(ctx context.Context, store *archive.Store) (*overview, error) {
	o := &overview{Built: time.Now()}
	urls := map[string]bool{}
	agencies := map[string]bool{}
	err := store.ForEachParsed(ctx, archive.Filter{Kind: extract.KindReport}, func(p archive.Parsed) error {
		urls[p.URL] = true
		if p.Agency != "" {
			agencies[p.Agency] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("overview: %w", err)
	}
	o.Agencies = len(agencies)
	years := map[int]int{}
	for u := range urls {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		vs, err := store.Versions(u)
		if err != nil || len(vs) == 0 {
			continue // a URL whose versions cannot be read is left out of the counts
		}
		last := vs[len(vs)-1]
		p, err := store.GetParsed(last.Digest)
		if errors.Is(err, archive.ErrNotFound) || err == nil && p.Kind != extract.KindReport {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("overview: %s: %w", u, err)
		}
		var rec struct {
			Title  string          `json:"title"`
			Checks []extract.Check `json:"checks"`
		}
		if err := json.Unmarshal(p.JSON, &rec); err != nil {
			return nil, fmt.Errorf("overview: record of %s: %w", u, err)
		}
		o.Reports++
		o.Versions += len(vs)
		years[p.Year]++
		for _, c := range rec.Checks {
			if c.Status == extract.CheckFailed {
				o.Failed++
				break
			}
		}
		if len(vs) > 1 {
			o.Changed = append(o.Changed, changedReport{Agency: p.Agency, Title: rec.Title, Year: p.Year,
				Digest: last.Digest, Before: vs[len(vs)-2].Digest, Versions: len(vs), At: last.FirstSeen})
		}
	}
	for y, n := range years {
		o.Years = append(o.Years, yearCount{Year: y, Reports: n})
	}
	sort.Slice(o.Years, func(i, j int) bool { return o.Years[i].Year > o.Years[j].Year })
	sort.Slice(o.Changed, func(i, j int) bool { return o.Changed[i].At.After(o.Changed[j].At) })
	if len(o.Changed) > maxChanged {
		o.Changed = o.Changed[:maxChanged]
	}
	runs, err := store.Runs()
	if err != nil {
		return nil, fmt.Errorf("overview: runs: %w", err)
	}
	o.Runs = len(runs)
	for _, r := range runs {
		if r.Started.After(o.LastCrawl.Started) {
			o.LastCrawl = r
		}
	}
	return o, nil
}

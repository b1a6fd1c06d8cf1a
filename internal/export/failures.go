package export

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/gongkai/gongkai/archive"
)

// Failure is one URL whose latest fetch failed (`crawl errors`): what a
// user needs to act on it, or to report a broken link to the site.
type Failure struct {
	URL      string    `json:"url"`
	Kind     string    `json:"kind"`     // archive.Capture.ErrKind: timeout, http_4xx, robots, ...
	Status   int       `json:"status"`   // HTTP status; 0 when no response came
	Error    string    `json:"error"`    // the error text
	Attempts int       `json:"attempts"` // requests the latest fetch took (0: not recorded)
	Failed   int       `json:"failed"`   // captures of the URL that failed, over every run
	Last     time.Time `json:"last"`     // the latest fetch
	Referer  string    `json:"referer"`  // the page that linked to it ("" for a seed or an older capture)
	Seed     string    `json:"seed"`
	Agency   string    `json:"agency,omitempty"`
}

// FailureFilter selects failures; zero fields match everything.
type FailureFilter struct {
	Seed string // the seed that led to the URL (a trailing slash does not matter)
	Kind string // ErrKind
}

func (f FailureFilter) match(c archive.Capture) bool {
	return (f.Seed == "" || strings.TrimSuffix(c.Seed, "/") == strings.TrimSuffix(f.Seed, "/")) &&
		(f.Kind == "" || c.ErrKind == f.Kind)
}

// Failures lists every URL whose latest capture failed (a URL fetched
// again with success is not listed), by kind then URL. It streams the
// captures once, keeping one entry per URL.
func Failures(ctx context.Context, src Source, f FailureFilter) ([]Failure, error) {
	latest := map[string]*Failure{} // URL → its failure, nil once it succeeded
	failed := map[string]int{}
	err := src.ForEachCapture(ctx, func(c archive.Capture) error {
		if c.ErrKind == "" {
			latest[c.URL] = nil
			return nil
		}
		failed[c.URL]++
		latest[c.URL] = &Failure{URL: c.URL, Kind: c.ErrKind, Status: c.Status, Error: c.Err, Attempts: c.Attempts,
			Last: c.FetchedAt, Referer: c.Referer, Seed: c.Seed, Agency: c.Agency}
		if !f.match(c) {
			latest[c.URL] = nil
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("failures: %w", err)
	}
	var out []Failure
	for u, fl := range latest {
		if fl != nil {
			fl.Failed = failed[u]
			out = append(out, *fl)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].URL < out[j].URL
	})
	return out, nil
}

// WriteFailures prints failures for a terminal: one block per URL (the
// URL, then kind, status, attempts, last time and the linking page), and
// a count per kind at the end.
func WriteFailures(w io.Writer, fs []Failure) error {
	kinds := map[string]int{}
	for _, f := range fs {
		kinds[f.Kind]++
		status := "no response"
		if f.Status != 0 {
			status = fmt.Sprintf("HTTP %d", f.Status)
		}
		attempts := "" // robots, private addresses: refused before any request
		if f.Attempts == 1 {
			attempts = ", 1 attempt"
		} else if f.Attempts > 1 {
			attempts = fmt.Sprintf(", %d attempts", f.Attempts)
		}
		from := "linked from " + f.Referer
		if f.Referer == "" {
			from = "seed " + f.Seed
			if f.URL != f.Seed {
				from = "from seed " + f.Seed + " (linking page not recorded)"
			}
		}
		if _, err := fmt.Fprintf(w, "%s\n  %s, %s%s, last %s, failed %d×: %s\n  %s\n",
			f.URL, f.Kind, status, attempts, f.Last.Format(time.RFC3339), f.Failed, f.Error, from); err != nil {
			return err
		}
	}
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, fmt.Sprintf("%s %d", k, kinds[k]))
	}
	sort.Strings(names)
	if len(fs) == 0 {
		names = []string{"none"}
	}
	_, err := fmt.Fprintf(w, "%d failed URLs: %s\n", len(fs), strings.Join(names, ", "))
	return err
}

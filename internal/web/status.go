package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/gongkai/gongkai/archive"
)

// CrawlStatus is what the status page shows of the crawls the serving
// process runs itself (crawl serve --seeds FILE --every 24h), so a web view
// left running through the night shows the crawl going on.
type CrawlStatus struct {
	Schedule  string        `json:"schedule,omitempty"` // e.g. "every 24h0m0s"; "" when this server does not crawl
	Next      time.Time     `json:"next,omitempty"`     // the next scheduled crawl; zero when none
	Running   bool          `json:"running"`
	Who       string        `json:"who,omitempty"` // what started the running crawl
	Started   time.Time     `json:"started,omitempty"`
	Finished  time.Time     `json:"finished,omitempty"`
	Seeds     int           `json:"seeds"`
	SeedsDone int           `json:"seeds_done"`
	Pages     int           `json:"pages"`
	Reports   int           `json:"reports"`
	Errors    int           `json:"errors"`
	Rate      float64       `json:"rate"`          // pages per second
	ETA       time.Duration `json:"eta,omitempty"` // estimated time left; 0 when unknown
	Last      string        `json:"last,omitempty"`
	LastError string        `json:"last_error,omitempty"` // why the last scheduled crawl could not run or failed
}

// SetCrawlStatus makes the status page show fn's answer; call it before
// serving. Without it the page lists the archive's past runs only.
func (s *Server) SetCrawlStatus(fn func() CrawlStatus) { s.crawl = fn }

type statusPage struct {
	Crawl CrawlStatus   `json:"crawl"`
	Runs  []archive.Run `json:"runs"` // newest first, at most maxRuns
}

// maxRuns bounds the runs the status page lists.
const maxRuns = 30

func (s *Server) statusData() (statusPage, error) {
	var p statusPage
	if s.crawl != nil {
		p.Crawl = s.crawl()
	}
	runs, err := s.store.Runs()
	if err != nil {
		return p, err
	}
	slices.Reverse(runs)
	p.Runs = runs[:min(len(runs), maxRuns)]
	return p, nil
}

func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) {
	p, err := s.statusData()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, "status.html", p)
}

func (s *Server) handleStatusJSON(w http.ResponseWriter, r *http.Request) {
	p, err := s.statusData()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(p)
}

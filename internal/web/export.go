package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gongkai/gongkai/internal/export"
)

// handleExport streams the current agency's report versions as JSONL or
// CSV (the long format of crawl export), as a download.
func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	agency := clip(strings.TrimSpace(r.FormValue("agency")), maxQuery)
	if agency == "" {
		http.Error(w, "export needs ?agency=NAME", http.StatusBadRequest)
		return
	}
	f := export.Filter{Agency: agency}
	var write func() (export.Counts, error)
	switch r.PathValue("format") {
	case "jsonl":
		w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
		write = func() (export.Counts, error) { return export.JSONL(r.Context(), s.store, w, f, nil) }
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		write = func() (export.Counts, error) { return export.CSV(r.Context(), s.store, w, f, nil) }
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="gongkai-export.%s"`, r.PathValue("format")))
	if _, err := write(); err != nil {
		// Headers are gone by now; the log says why the download is short.
		s.log.Printf("export %s for %q: %v", r.PathValue("format"), agency, err)
	}
}

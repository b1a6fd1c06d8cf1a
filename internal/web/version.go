package web

import (
	"context"
	"fmt"
	"strings"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/export"
	"github.com/gongkai/gongkai/internal/publication"
)

// A version of a report is named in URLs by its key (export.VersionRef.Key):
// the payload digest of a report in one file; for a report page grouped
// with the attachments carrying the same report, the page's digest and the
// attachments' joined by "." (export.KeySep), so a PDF revised under an unchanged page is a
// version of its own. A bare page digest names the newest such version.

// shownVersion is one version of a report loaded for a page.
type shownVersion struct {
	Key    string
	Rec    *extract.Record   // merged for a grouped publication
	Pub    *publication.Info // nil for a report in one file
	Parsed archive.Parsed    // the page's (or the file's) parsed record
	// Refs are the report's versions as the exports give them; Owner is
	// the page an attachment is given with (Refs are then the page's).
	Refs  []export.VersionRef
	Owner string
}

// checkKey accepts a digest or digests joined by export.KeySep.
func checkKey(key string) error {
	parts := strings.Split(key, export.KeySep)
	if len(parts) > 1+maxKeyFiles {
		return errBadID
	}
	for _, d := range parts {
		if err := checkDigest(d); err != nil {
			return err
		}
	}
	return nil
}

// maxKeyFiles bounds the attachments a key may name.
const maxKeyFiles = 16

// loadVersion reads the version key names, merged with its attachments as
// the exports give it.
func (s *Server) loadVersion(ctx context.Context, key string) (shownVersion, error) {
	if err := checkKey(key); err != nil {
		return shownVersion{}, err
	}
	digest, _, _ := strings.Cut(key, export.KeySep)
	rec, p, err := s.loadRecord(digest)
	if err != nil {
		return shownVersion{}, err
	}
	sv := shownVersion{Key: digest, Rec: rec, Parsed: p}
	ix, err := s.index(ctx)
	if err != nil {
		return sv, err
	}
	sv.Owner = ix.Owner(p.URL)
	if sv.Owner != "" {
		// An attachment given with its page: its own record, and the
		// page's versions so the view can point to them.
		sv.Refs, err = export.ReportVersions(s.store, ix, sv.Owner)
		return sv, s.fill(rec, err)
	}
	if sv.Refs, err = export.ReportVersions(s.store, ix, p.URL); err != nil {
		return sv, err
	}
	v, ok := export.FindVersion(sv.Refs, key)
	switch {
	case ok && v.Grouped():
		rv, err := v.Load(s.store)
		if err != nil {
			return sv, err
		}
		sv.Key, sv.Rec, sv.Pub = v.Key(), rv.Record, rv.Publication
		return sv, nil
	case key != digest:
		return sv, fmt.Errorf("version %s of %s: %w", key, p.URL, archive.ErrNotFound)
	}
	return sv, s.fill(rec, nil)
}

// fill completes a record shown on its own with its attachments' digests
// (extraction runs before they are fetched).
func (s *Server) fill(rec *extract.Record, err error) error {
	if err != nil {
		return err
	}
	return export.FillAttachments(s.store, rec)
}

// versionOf is the version of the page's versions that holds the
// attachment whose payload is digest (the newest such), or "".
func versionOf(refs []export.VersionRef, digest string) string {
	for i := len(refs) - 1; i >= 0; i-- {
		for _, p := range refs[i].Parts {
			if p.Digest == digest {
				return refs[i].Key()
			}
		}
	}
	return ""
}

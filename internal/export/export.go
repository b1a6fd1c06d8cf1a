// Package export is the read side of the archive: it streams report versions
// out of it as JSONL, CSV (long, wide and panel), the codebook, and WARC 1.1
// (through github.com/nlnwa/gowarc) with a CDXJ index, and
// builds the per-agency history and the archive statistics that `crawl
// history` and `crawl stats` print.
//
// Everything streams: records are read one URL at a time and written as they
// are read, so exporting a million-report archive takes constant memory. The
// one exception is the WARC writer's set of payload digests already written
// (a few dozen bytes per unique payload), needed to turn later captures of the
// same bytes into revisit records.
package export

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"slices"
	"strings"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/publication"
)

// Source is the part of *archive.Store the exports read. *archive.Store
// implements it; tests may pass a smaller fake.
type Source interface {
	ForEachURL(ctx context.Context, fn func(url string) error) error
	Versions(url string) ([]archive.Version, error)
	GetParsed(digest string) (archive.Parsed, error)
	GetCapture(id uint64) (archive.Capture, error)
	ForEachCapture(ctx context.Context, fn func(archive.Capture) error) error
	Payload(digest string) ([]byte, error)
}

// Kinds accepted by Filter.Kinds besides the record kinds themselves.
const KindAll = "all"

// DefaultKinds are exported when Filter.Kinds is empty: an agency's own
// reports and report copies on other sites; pages that are not reports are
// left out unless asked for (--kind all or --kind not_report).
var DefaultKinds = []string{extract.KindReport, extract.KindCopy}

// Filter selects report versions. Zero fields match everything.
type Filter struct {
	Agency string    // exact agency name (the command resolves a part of a name first)
	Year   int       // report year
	Region string    // part of the region name or code
	Since  time.Time // versions first seen at or after this instant
	Kinds  []string  // record kinds; empty means DefaultKinds; "all" means every kind
}

// String describes the filter for messages ("--agency X --year 2020").
func (f Filter) String() string {
	var parts []string
	if f.Agency != "" {
		parts = append(parts, "--agency "+f.Agency)
	}
	if f.Year != 0 {
		parts = append(parts, fmt.Sprintf("--year %d", f.Year))
	}
	if f.Region != "" {
		parts = append(parts, "--region "+f.Region)
	}
	if !f.Since.IsZero() {
		parts = append(parts, "--since "+f.Since.UTC().Format(time.RFC3339))
	}
	if len(f.Kinds) > 0 {
		parts = append(parts, "--kind "+strings.Join(f.Kinds, ","))
	}
	return strings.Join(parts, " ")
}

func (f Filter) kindOK(kind string) bool {
	kinds := f.Kinds
	if len(kinds) == 0 {
		kinds = DefaultKinds
	}
	return slices.Contains(kinds, KindAll) || slices.Contains(kinds, kind)
}

// matchParsed applies the fields the archive's index already holds, before
// the record JSON is decoded.
func (f Filter) matchParsed(p archive.Parsed) bool {
	if !f.kindOK(p.Kind) {
		return false
	}
	if f.Agency != "" && p.Agency != f.Agency {
		return false
	}
	if f.Year != 0 && p.Year != f.Year {
		return false
	}
	return true
}

// ReportVersion is one distinct payload of one URL with its parsed record.
type ReportVersion struct {
	Version archive.Version
	Parsed  archive.Parsed
	// Record is the parsed record with URL, captured_at (every capture of
	// these bytes at this URL) and region (from the seed list when the page
	// does not say) filled in.
	Record *extract.Record
	// First is the first capture of this version (its HTTP headers, seed).
	First archive.Capture
	// Publication is set when the page is grouped with attachments that
	// carry the same report: Record is then the merged record.
	Publication *publication.Info
	// Key names the version (VersionRef.Key): the digest, or for a grouped
	// publication the page's and attachments' digests.
	Key string
	// PageCapturedAt are the captures of the page itself in this version
	// (Record.CapturedAt also holds the attachments' of a grouped one).
	PageCapturedAt []string
}

// Counts is what a walk over the archive saw.
type Counts struct {
	URLs     int // URLs looked at
	Versions int // versions looked at
	Matched  int // versions that matched the filter and were written
	Unparsed int // versions with no parsed record yet (run `crawl reparse`)
	Grouped  int // attachment URLs given inside their page's record (internal/publication)
}

// Progress is called now and then during a long walk; nil is fine.
type Progress func(c Counts)

// EachVersion walks every version of every URL in URL order and calls fn for
// those whose parsed record matches f. It reads one URL at a time, after
// one pass that groups report pages with the attachments carrying the same
// report (publication.BuildIndex): such a page's versions come merged with
// them, and the attachments are not given again on their own.
func EachVersion(ctx context.Context, src Source, f Filter, progress Progress, fn func(ReportVersion) error) (Counts, error) {
	var c Counts
	ix, err := publication.BuildIndex(ctx, src)
	if err != nil {
		return c, err
	}
	c.Grouped = ix.Len()
	err = src.ForEachURL(ctx, func(u string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		c.URLs++
		if progress != nil && c.URLs%200 == 0 {
			progress(c)
		}
		versions, err := ReportVersions(src, ix, u)
		if err != nil {
			return err
		}
		for _, v := range versions {
			c.Versions++
			if v.Page.Digest == "" {
				continue
			}
			if !f.Since.IsZero() && v.Start.Before(f.Since) {
				continue
			}
			p, err := src.GetParsed(v.Page.Digest)
			if errors.Is(err, archive.ErrNotFound) {
				c.Unparsed++
				continue
			}
			if err != nil {
				return fmt.Errorf("parsed record of %s (%s): %w", u, v.Page.Digest, err)
			}
			if !v.Grouped() && !f.matchParsed(p) {
				continue
			}
			rv, err := v.load(src, p)
			if err != nil {
				return err
			}
			if v.Grouped() && !f.matchRecord(rv.Record) {
				continue
			}
			if f.Region != "" && !strings.Contains(rv.Record.Region, f.Region) {
				continue
			}
			c.Matched++
			if err := fn(rv); err != nil {
				return err
			}
		}
		return nil
	})
	if progress != nil {
		progress(c)
	}
	return c, err
}

// load decodes the parsed record of one version and completes it with what
// only the archive knows: the URL, every capture time, the seed-list region.
func load(src Source, u string, v archive.Version, p archive.Parsed) (ReportVersion, error) {
	var rec extract.Record
	if err := json.Unmarshal(p.JSON, &rec); err != nil {
		return ReportVersion{}, fmt.Errorf("decode parsed record of %s (%s): %w", u, v.Digest, err)
	}
	rv := ReportVersion{Version: v, Parsed: p, Record: &rec}
	rec.URL = u
	rec.SHA256 = v.Digest
	rec.CapturedAt = rec.CapturedAt[:0]
	for i, id := range v.CaptureIDs {
		c, err := src.GetCapture(id)
		if err != nil {
			return ReportVersion{}, fmt.Errorf("capture %d of %s: %w", id, u, err)
		}
		if i == 0 {
			rv.First = c
		}
		rec.CapturedAt = append(rec.CapturedAt, c.FetchedAt.UTC().Format(time.RFC3339))
	}
	if len(v.CaptureIDs) == 0 && !v.FirstSeen.IsZero() {
		// An archive that keeps no capture list still knows the bounds.
		rec.CapturedAt = append(rec.CapturedAt, v.FirstSeen.UTC().Format(time.RFC3339))
		if v.LastSeen.After(v.FirstSeen) {
			rec.CapturedAt = append(rec.CapturedAt, v.LastSeen.UTC().Format(time.RFC3339))
		}
	}
	if rec.Region == "" {
		rec.Region = p.Region
	}
	if rec.Region == "" {
		rec.Region = rv.First.Region
	}
	if rec.Agency == "" {
		rec.Agency = p.Agency
	}
	if err := FillAttachments(src, &rec); err != nil {
		return ReportVersion{}, err
	}
	return rv, nil
}

// FillAttachments sets the digest and content type of every attachment the
// archive holds, from its newest version: extraction runs before the
// crawler fetches a page's attachments, so the parsed record cannot know them.
func FillAttachments(src Source, rec *extract.Record) error {
	for i := range rec.Attachments {
		a := &rec.Attachments[i]
		vs, err := src.Versions(a.URL)
		if errors.Is(err, archive.ErrNotFound) || len(vs) == 0 {
			continue
		}
		if err != nil {
			return fmt.Errorf("versions of attachment %s: %w", a.URL, err)
		}
		last := vs[len(vs)-1]
		a.SHA256 = last.Digest
		// The newest capture that says: a 304 confirming the bytes
		// usually carries no Content-Type.
		for i := len(last.CaptureIDs) - 1; i >= 0; i-- {
			c, err := src.GetCapture(last.CaptureIDs[i])
			if err != nil {
				return fmt.Errorf("capture of attachment %s: %w", a.URL, err)
			}
			if mt, _, err := mime.ParseMediaType(c.Header.Get("Content-Type")); err == nil {
				a.ContentType = mt
				break
			}
		}
	}
	return nil
}

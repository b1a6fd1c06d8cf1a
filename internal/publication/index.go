// Package publication groups the files that carry one report: a report
// page and the PDF or DOCX attachments it links that are the same report
// (or the page is only a wrapper around one). Export, history and the web
// view read the archive through it, so each report is given once, with the
// page's metadata and the tables of whichever file has them whole.
//
// The rule, in full, is in Merge; which attachment belongs to which page is
// decided by Index, and which version of each file goes with which version
// of the publication by States.
package publication

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

// Source is the part of *archive.Store grouping reads.
type Source interface {
	ForEachURL(ctx context.Context, fn func(url string) error) error
	Versions(url string) ([]archive.Version, error)
	GetParsed(digest string) (archive.Parsed, error)
	GetCapture(id uint64) (archive.Capture, error)
}

// Index says which archived attachments belong to which report page.
type Index struct {
	owner map[string]string   // attachment URL → the page it belongs to
	parts map[string][]string // page URL → its attachments, in the page's link order
}

// Owner is the page the file at url belongs to, or "" when it stands alone.
func (ix *Index) Owner(url string) string {
	if ix == nil {
		return ""
	}
	return ix.owner[url]
}

// Parts lists the attachments grouped with the page at url (nil for none).
func (ix *Index) Parts(url string) []string {
	if ix == nil {
		return nil
	}
	return ix.parts[url]
}

// Len is the number of attachments grouped with a page.
func (ix *Index) Len() int {
	if ix == nil {
		return 0
	}
	return len(ix.owner)
}

// BuildIndex reads the attachment lists of every archived report page and
// groups with it each attachment that Joinable accepts. An attachment
// linked from several report pages goes with the first in URL order; a page
// that is itself some page's attachment owns nothing (no chains). One pass
// over the archive's URLs; only records that list attachments are decoded.
func BuildIndex(ctx context.Context, src Source) (*Index, error) {
	ix := NewIndex()
	err := src.ForEachURL(ctx, func(u string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := ix.AddPage(src, u); err != nil {
			return err
		}
		return ix.AddChild(src, u)
	})
	if err != nil {
		return nil, fmt.Errorf("group attachments: %w", err)
	}
	return ix, nil
}

// NewIndex is an empty index; AddPage fills it one page at a time (history
// and the web view index one agency's pages, not the whole archive).
func NewIndex() *Index {
	return &Index{owner: map[string]string{}, parts: map[string][]string{}}
}

// AddPage groups with the page at u the attachments its records (any
// version) link that Joinable accepts and no page added before owns.
func (ix *Index) AddPage(src Source, u string) error {
	if ix.owner[u] != "" {
		return nil
	}
	versions, err := src.Versions(u)
	if err != nil {
		return fmt.Errorf("versions of %s: %w", u, err)
	}
	seen := map[string]bool{}
	for _, v := range versions {
		p, ok, err := parsed(src, v.Digest)
		if err != nil {
			return fmt.Errorf("record of %s: %w", u, err)
		}
		if !ok || !reportKind(p.Kind) || !bytes.Contains(p.JSON, []byte(`"attachments"`)) {
			continue
		}
		var links struct {
			Attachments []struct{ URL string } `json:"attachments"`
		}
		if err := json.Unmarshal(p.JSON, &links); err != nil {
			return fmt.Errorf("record of %s (%s): %w", u, v.Digest, err)
		}
		for _, a := range links.Attachments {
			if a.URL == u || seen[a.URL] || ix.owner[a.URL] != "" || len(ix.parts[a.URL]) > 0 {
				continue
			}
			seen[a.URL] = true
			ap, ok, err := newestParsed(src, a.URL)
			if err != nil {
				return fmt.Errorf("attachment %s of %s: %w", a.URL, u, err)
			}
			if ok && Joinable(p, ap) {
				ix.owner[a.URL] = u
				ix.parts[u] = append(ix.parts[u], a.URL)
			}
		}
	}
	return nil
}

// AddChild groups the file at u with the page its newest capture names as
// Parent (the crawler records the page an attachment was fetched from: a
// PDF framed or embedded rather than linked is found this way), when
// Joinable accepts the pair and neither is grouped otherwise.
func (ix *Index) AddChild(src Source, u string) error {
	if ix.owner[u] != "" || len(ix.parts[u]) > 0 {
		return nil
	}
	vs, err := src.Versions(u)
	if err != nil {
		return fmt.Errorf("versions of %s: %w", u, err)
	}
	if len(vs) == 0 || len(vs[len(vs)-1].CaptureIDs) == 0 {
		return nil
	}
	last := vs[len(vs)-1]
	c, err := src.GetCapture(last.CaptureIDs[len(last.CaptureIDs)-1])
	if err != nil {
		return fmt.Errorf("capture of %s: %w", u, err)
	}
	parent := c.Parent
	if parent == "" || parent == u || ix.owner[parent] != "" {
		return nil
	}
	pp, ok, err := newestParsed(src, parent)
	if err != nil || !ok {
		return err
	}
	cp, ok, err := parsed(src, last.Digest)
	if err != nil || !ok {
		return err
	}
	if Joinable(pp, cp) {
		ix.owner[u] = parent
		ix.parts[parent] = append(ix.parts[parent], u)
	}
	return nil
}

// Joinable says whether the attachment's record is the page's report in
// another file: both are reports (or copies) and their years do not differ
// (a wrapper page often states no year). A page that links last year's
// report, or a list page linking many, is not joined.
func Joinable(page, att archive.Parsed) bool {
	return reportKind(page.Kind) && reportKind(att.Kind) && page.URL != att.URL &&
		(page.Year == 0 || att.Year == 0 || page.Year == att.Year)
}

func reportKind(k string) bool { return k == extract.KindReport || k == extract.KindCopy }

// parsed reads the record of a payload; ok is false when it has none yet.
func parsed(src Source, digest string) (archive.Parsed, bool, error) {
	if digest == "" {
		return archive.Parsed{}, false, nil
	}
	p, err := src.GetParsed(digest)
	if errors.Is(err, archive.ErrNotFound) {
		return p, false, nil
	}
	return p, err == nil, err
}

// newestParsed reads the record of the newest version of url that has one.
func newestParsed(src Source, url string) (archive.Parsed, bool, error) {
	vs, err := src.Versions(url)
	if errors.Is(err, archive.ErrNotFound) {
		return archive.Parsed{}, false, nil
	}
	if err != nil {
		return archive.Parsed{}, false, err
	}
	for i := len(vs) - 1; i >= 0; i-- {
		p, ok, err := parsed(src, vs[i].Digest)
		if err != nil || ok {
			return p, ok, err
		}
	}
	return archive.Parsed{}, false, nil
}

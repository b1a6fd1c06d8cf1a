package export

// WACZ 1.1.1 (https://specs.webrecorder.net/wacz/1.1.1/), the package
// Browsertrix writes and ReplayWeb.page and pywb read: a ZIP holding
//
//	archive/data.warc.gz     the WARC export (stored, not deflated: replay reads it by range)
//	indexes/index.cdxj       its CDXJ index (filename "data.warc.gz")
//	pages/pages.jsonl        the report pages, with titles, as replay entry points
//	datapackage.json         every file's path, size and sha256, plus title and dates
//	datapackage-digest.json  the sha256 of datapackage.json

import (
	"archive/zip"
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"os"
	pathpkg "path"
	"time"
)

// WACZ file layout.
const (
	WACZVersion   = "1.1.1"
	waczWARC      = "archive/data.warc.gz"
	waczWARCName  = "data.warc.gz"
	waczIndex     = "indexes/index.cdxj"
	waczPages     = "pages/pages.jsonl"
	waczPackage   = "datapackage.json"
	waczDigest    = "datapackage-digest.json"
	waczPagesHead = `{"format": "json-pages-1.0", "id": "pages", "title": "Annual reports"}`
)

// WACZOptions tune a WACZ export.
type WACZOptions struct {
	// Filtered and Filter select captures as for WARC and report pages as
	// for JSONL; without Filtered every successful capture is packaged and
	// the pages list every report and copy.
	Filtered bool
	Filter   Filter
	// TempDir holds the WARC and its index while the package is built
	// ("" = os.TempDir()).
	TempDir string
	// Title and Description describe the collection in datapackage.json.
	Title, Description string
	Software           string
	// Now is the creation time written into datapackage.json (zero = now).
	Now time.Time
}

// WACZCounts is what a WACZ export wrote.
type WACZCounts struct {
	WARC  WARCCounts
	Pages int // entries of pages/pages.jsonl
}

// WACZResource is one file of the package as datapackage.json lists it.
type WACZResource struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Hash  string `json:"hash"` // "sha256:" + hex
	Bytes int64  `json:"bytes"`
}

// WACZPackage is datapackage.json.
type WACZPackage struct {
	Profile      string         `json:"profile"`
	WACZVersion  string         `json:"wacz_version"`
	Title        string         `json:"title,omitempty"`
	Description  string         `json:"description,omitempty"`
	Created      string         `json:"created"`
	Modified     string         `json:"modified"`
	Software     string         `json:"software"`
	MainPageURL  string         `json:"mainPageUrl,omitempty"`
	MainPageDate string         `json:"mainPageDate,omitempty"`
	Resources    []WACZResource `json:"resources"`
}

// WACZDigest is datapackage-digest.json.
type WACZDigest struct {
	Path string `json:"path"`
	Hash string `json:"hash"`
}

// WACZPage is one line of pages/pages.jsonl after its header line.
type WACZPage struct {
	ID    string `json:"id"`
	URL   string `json:"url"`
	TS    string `json:"ts"` // RFC 3339: the version's first capture of URL
	Title string `json:"title,omitempty"`
	// Beyond the required fields, what a reader of the list wants to see.
	Agency string `json:"agency,omitempty"`
	Year   int    `json:"year,omitempty"`
	Kind   string `json:"kind,omitempty"`
	// Files are the attachments carrying the same report, given with
	// the page (internal/publication); absent for a report in one file.
	Files []string `json:"files,omitempty"`
}

// WACZ writes the archive (or what opts selects) as a WACZ package to w.
// The WARC and its index are written to temporary files first (the ZIP
// needs their sizes and digests); w itself is written in one pass, so it
// may be stdout.
func WACZ(ctx context.Context, src Source, w io.Writer, opts WACZOptions, progress func(WARCCounts)) (WACZCounts, error) {
	var n WACZCounts
	warcFile, err := os.CreateTemp(opts.TempDir, "gongkai-wacz-*.warc.gz")
	if err != nil {
		return n, fmt.Errorf("wacz: %w", err)
	}
	defer os.Remove(warcFile.Name())
	defer warcFile.Close()
	cdxFile, err := os.CreateTemp(opts.TempDir, "gongkai-wacz-*.cdxj")
	if err != nil {
		return n, fmt.Errorf("wacz: %w", err)
	}
	defer os.Remove(cdxFile.Name())
	defer cdxFile.Close()

	software := opts.Software
	if software == "" {
		software = "gongkai crawl export"
	}
	n.WARC, err = WARC(ctx, src, warcFile, WARCOptions{Filename: waczWARCName, CDX: cdxFile, TempDir: opts.TempDir,
		Filtered: opts.Filtered, Filter: opts.Filter, Software: software}, progress)
	if err != nil {
		return n, err
	}

	zw := zip.NewWriter(w)
	var resources []WACZResource
	add := func(path string, method uint16, write func(io.Writer) error) error {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: path, Method: method, Modified: opts.now()})
		if err != nil {
			return fmt.Errorf("wacz %s: %w", path, err)
		}
		h := sha256.New()
		cw := &countingWriter{w: io.MultiWriter(fw, h)}
		if err := write(cw); err != nil {
			return fmt.Errorf("wacz %s: %w", path, err)
		}
		resources = append(resources, WACZResource{Name: pathpkg.Base(path), Path: path, Hash: hashString(h), Bytes: cw.n})
		return nil
	}
	copyFile := func(f *os.File) func(io.Writer) error {
		return func(out io.Writer) error {
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return err
			}
			_, err := io.Copy(out, bufio.NewReaderSize(f, 64<<10))
			return err
		}
	}
	var first WACZPage
	if err := add(waczWARC, zip.Store, copyFile(warcFile)); err != nil {
		return n, err
	}
	if err := add(waczIndex, zip.Deflate, copyFile(cdxFile)); err != nil {
		return n, err
	}
	err = add(waczPages, zip.Deflate, func(out io.Writer) error {
		var err error
		n.Pages, first, err = waczPageList(ctx, src, out, opts)
		return err
	})
	if err != nil {
		return n, err
	}
	pkg := WACZPackage{Profile: "data-package", WACZVersion: WACZVersion, Title: opts.Title, Description: opts.Description,
		Created: opts.now().Format(time.RFC3339), Modified: opts.now().Format(time.RFC3339), Software: software,
		MainPageURL: first.URL, MainPageDate: first.TS, Resources: resources}
	pj, err := json.MarshalIndent(pkg, "", "  ")
	if err != nil {
		return n, fmt.Errorf("wacz: %w", err)
	}
	if err := add(waczPackage, zip.Deflate, func(out io.Writer) error { _, err := out.Write(pj); return err }); err != nil {
		return n, err
	}
	dj, _ := json.MarshalIndent(WACZDigest{Path: waczPackage, Hash: resources[len(resources)-1].Hash}, "", "  ")
	if err := add(waczDigest, zip.Deflate, func(out io.Writer) error { _, err := out.Write(dj); return err }); err != nil {
		return n, err
	}
	if err := zw.Close(); err != nil {
		return n, fmt.Errorf("wacz: %w", err)
	}
	return n, nil
}

// waczPageList writes pages/pages.jsonl: its header line, then one entry
// per report version the filter selects, at its first capture.
func waczPageList(ctx context.Context, src Source, w io.Writer, opts WACZOptions) (int, WACZPage, error) {
	var first WACZPage
	bw := bufio.NewWriter(w)
	bw.WriteString(waczPagesHead + "\n")
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	f := Filter{}
	if opts.Filtered {
		f = opts.Filter
	}
	n := 0
	_, err := EachVersion(ctx, src, f, nil, func(rv ReportVersion) error {
		r := rv.Record
		// The page's own capture: a grouped publication's captured_at
		// also holds its attachments'. A state that began with a revised
		// attachment may have none of the page: then the page version's
		// first, still the record the replay opens.
		ts := ""
		switch {
		case len(rv.PageCapturedAt) > 0:
			ts = rv.PageCapturedAt[0]
		case !rv.First.FetchedAt.IsZero():
			ts = rv.First.FetchedAt.UTC().Format(time.RFC3339)
		case len(r.CapturedAt) > 0:
			ts = r.CapturedAt[0]
		default:
			return nil // no capture time: nothing in the WARC to open
		}
		u := r.URL
		if rv.First.URL != "" {
			u = targetURI(rv.First) // the record's WARC-Target-URI
		}
		key := rv.Key
		if key == "" {
			key = r.SHA256
		}
		id := sha256.Sum256([]byte(u + " " + key))
		p := WACZPage{ID: hex.EncodeToString(id[:8]), URL: u, TS: ts, Title: r.Title,
			Agency: r.Agency, Year: r.Year, Kind: r.Kind, Files: filesOf(r, rv.Publication).attachments()}
		if first.URL == "" {
			first = p
		}
		n++
		return enc.Encode(p)
	})
	if err != nil {
		return 0, first, err
	}
	return n, first, bw.Flush()
}

func (o WACZOptions) now() time.Time {
	if o.Now.IsZero() {
		return time.Now().UTC().Truncate(time.Second)
	}
	return o.Now.UTC()
}

func hashString(h hash.Hash) string { return "sha256:" + hex.EncodeToString(h.Sum(nil)) }

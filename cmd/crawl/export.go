package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/export"
)

func exportCmd() *command {
	return &command{
		name:    "export",
		summary: "write the archive out as JSONL, CSV (long, --wide or panel), WARC 1.1 (+ CDXJ index), WACZ, or the codebook",
		usage:   "crawl export --format jsonl|csv|panel|warc|wacz|codebook [--out FILE] [--agency NAME] [--year YYYY] [--region R] [--since DATE] [--kind K] [--wide] [--cdx FILE]",
		detail: `
A report page and the PDF or DOCX attachment carrying the same report are
one report in every format (internal/publication): one record, one set of
rows, one WACZ page entry per version, with the page's metadata, the
tables of the file that has them, and the files named (JSONL: files,
tables_url, conflicts; long CSV: tables_source, tables_url and the cell's
conflict; CSV --wide and panel: tables_url, files, conflicts at the end of
each row).

jsonl: one record per report version (distinct bytes of one URL), with every
       capture time of those bytes in captured_at.
csv:   long format, one row per report version × table cell: url, agency,
       year, template, table, row, column, raw, value, sha256, region, kind,
       title, published_date, label_zh (the official row / column label),
       unit, tables_source, tables_url, conflict (what the report's other
       file publishes in this cell when it differs, e.g. "pdf 58"); UTF-8
       with a BOM so Excel opens it right. --wide: the
       report-level table, one row per report version (kind report unless
       --kind says otherwise): title, region, published date, template,
       tables_source, the key figures, the 总计 of every requests row, every
       review/litigation cell, every proactive cell, the failed checks
       ";"-separated, then tables_url, files and conflicts.
panel: one row per agency × year (reports only): the key figures of the
       year's newest version, which version that is, its failed checks, and
       the across-year checks against the year before (carried_in = last
       year's carried_out; in_force continuity under 2021), then
       tables_source, tables_url, files and conflicts.
codebook: every table/row/column id with its official Chinese labels in the
       2019 and 2021 templates, the templates it exists in, its unit and an
       English gloss (the same file as docs/codebook.csv); needs no archive.
warc:  WARC 1.1, each record its own gzip member: warcinfo, then in capture
       order a response record (real status line and headers) for the first
       capture of each payload and a revisit record (identical-payload-digest,
       or server-not-modified for a 304) for later captures. --cdx writes a
       sorted CDXJ index beside it for pywb-style replay.
wacz:  a WACZ 1.1.1 package (what Browsertrix writes; ReplayWeb.page and
       pywb open it): archive/data.warc.gz (the warc export), its CDXJ
       index, pages/pages.jsonl listing the report pages with titles,
       datapackage.json with the sha256 of every file, and
       datapackage-digest.json. Filters as for warc.

Filters (jsonl, csv, panel, and warc/wacz when given): --agency is an exact name or a
unique part of one (several matches are listed and exit 2); --region
matches part of the region; --since keeps versions first seen at or after
DATE (warc: captures made since). By default jsonl and csv export kinds
report and copy; --kind all adds pages that are not reports. warc exports
every successful capture unless a filter is given.

Streams: memory stays flat however big the archive. Output goes to --out
(written to a temporary file and renamed when complete) or stdout. A filter
that matches nothing writes an empty export and exits 1 with a message.`,
		example: `  crawl export --format jsonl > reports.jsonl
  crawl export --format jsonl --agency 新前街道 --year 2020
  crawl export --format csv --out cells.csv --region 台州
  crawl export --format csv --wide --out figures.csv
  crawl export --format panel --region 台州 --out panel.csv
  crawl export --format codebook --out codebook.csv
  crawl export --format warc --out reports.warc.gz --cdx reports.cdxj
  crawl export --format wacz --agency 新前街道 --out xinqian.wacz`,
		flags: func(fs *flagSet) {
			fs.String("format", "jsonl", "output `FORMAT`: jsonl, csv, panel, warc, wacz or codebook")
			fs.String("out", "", "write to this `FILE` instead of stdout")
			fs.String("agency", "", "only this agency: exact `NAME` or a unique part of it")
			fs.Int("year", 0, "only reports on this `YEAR`, e.g. 2020")
			fs.String("region", "", "only this `REGION` (part of its name or code)")
			fs.String("since", "", "only versions first seen on or after this `DATE` (YYYY-MM-DD or RFC 3339)")
			var kinds listFlag
			fs.Var(&kinds, "kind", "record `KIND`s: report, copy, not_report or all; repeat or comma-separate (default report,copy)")
			fs.Bool("wide", false, "csv: one row per report version with the key figures")
			fs.String("cdx", "", "warc: also write a CDXJ index to this `FILE` (needs --out)")
		},
		run:       runExport,
		viaHolder: true,
	}
}

func runExport(ctx context.Context, e *env, fs *flagSet) (err error) {
	str := func(n string) string { return fs.Lookup(n).Value.String() }
	if len(fs.args) > 0 {
		return usageErrorf("unexpected argument %q (see crawl export -h)", fs.args[0])
	}
	format := strings.ToLower(str("format"))
	switch format {
	case "jsonl", "csv", "panel", "warc", "wacz":
	case "codebook":
		return exportCodebook(e, str("out"))
	default:
		return usageErrorf("unknown format %q: use jsonl, csv, panel, warc, wacz or codebook", format)
	}
	wide := str("wide") == "true"
	if wide && format != "csv" {
		return usageErrorf("--wide applies to --format csv only")
	}
	if str("cdx") != "" && (format != "warc" || str("out") == "") {
		return usageErrorf("--cdx needs --format warc and --out FILE (the index names the WARC file)")
	}
	if (format == "warc" || format == "wacz") && str("out") == "" && e.stdoutTerm {
		return usageErrorf("a %s file is binary: write it with --out FILE or redirect stdout", strings.ToUpper(format))
	}
	f, err := exportFilter(fs)
	if err != nil {
		return err
	}
	s, err := e.open(*fs.db, true)
	if err != nil {
		return err
	}
	defer e.close(s, &err)
	if f.Agency != "" {
		name, err := export.ResolveAgency(s, f.Agency)
		var amb *export.AmbiguousError
		switch {
		case errors.As(err, &amb):
			return ambiguous(amb)
		case errors.Is(err, export.ErrNoAgency):
			// Keep the name: the export then matches nothing, reported below.
		case err != nil:
			return storageError(err)
		default:
			f.Agency = name
		}
	}

	out, commit, err := createOutput(e, str("out"))
	if err != nil {
		return err
	}
	written := false // the export completed, even if it matched nothing
	defer func() {
		if cerr := commit(written); cerr != nil && err == nil {
			err = failed(cerr)
		}
	}()
	p := newProgress(e)
	defer p.done()
	showCounts := func(c export.Counts) {
		p.show("export: %d URLs, %d versions, %d written", c.URLs, c.Versions, c.Matched)
	}

	var matched, unparsed int
	switch format {
	case "jsonl", "csv":
		write := export.JSONL
		if format == "csv" {
			write = export.CSV
			if wide {
				write = export.CSVWide
			}
		}
		c, err := write(ctx, s, out, f, showCounts)
		if err != nil {
			return storageError(err)
		}
		matched, unparsed = c.Matched, c.Unparsed
	case "panel":
		n, err := export.Panel(ctx, s, out, f, func(n export.PanelCounts) {
			p.show("export: %d agencies, %d agency-years", n.Agencies, n.Rows)
		})
		if err != nil {
			return storageError(err)
		}
		matched = n.Rows
	case "wacz":
		opts := export.WACZOptions{Filter: f, Filtered: filtered(f), Software: "gongkai crawl export",
			Title: "gongkai: government information-disclosure annual reports", Description: exportDescription(f)}
		if out := str("out"); out != "" && out != "-" {
			opts.TempDir = filepath.Dir(out)
		}
		n, err := export.WACZ(ctx, s, out, opts, func(n export.WARCCounts) {
			p.show("export: %d captures, %d responses, %d revisits", n.Captures, n.Responses, n.Revisits+n.NotModified)
		})
		if err != nil {
			return storageError(err)
		}
		matched = n.WARC.Responses + n.WARC.Revisits + n.WARC.NotModified
		p.done()
		fmt.Fprintf(e.stderr, "crawl export: wacz: %d response, %d revisit, %d not-modified records; %d pages listed\n",
			n.WARC.Responses, n.WARC.Revisits, n.WARC.NotModified, n.Pages)
		if n.WARC.Unreadable > 0 {
			written = true
			return failed(fmt.Errorf("%d payloads could not be read intact and were left out", n.WARC.Unreadable))
		}
	case "warc":
		opts := export.WARCOptions{Filter: f, Filtered: filtered(f), Software: "gongkai crawl export"}
		if out := str("out"); out != "" && out != "-" {
			opts.Filename = filepath.Base(out)
		}
		var cdxCommit func(bool) error
		if path := str("cdx"); path != "" {
			cdx, c, err := createOutput(e, path)
			if err != nil {
				return err
			}
			opts.CDX, cdxCommit = cdx, c
			opts.TempDir = filepath.Dir(path)
		}
		n, err := export.WARC(ctx, s, out, opts, func(n export.WARCCounts) {
			p.show("export: %d captures, %d responses, %d revisits", n.Captures, n.Responses, n.Revisits+n.NotModified)
		})
		if cdxCommit != nil {
			if cerr := cdxCommit(err == nil); cerr != nil && err == nil {
				err = cerr
			}
		}
		if err != nil {
			return storageError(err)
		}
		written = true
		matched = n.Responses + n.Revisits + n.NotModified
		p.done()
		fmt.Fprintf(e.stderr, "crawl export: warc: %d response, %d revisit, %d not-modified records; %d failed captures skipped\n",
			n.Responses, n.Revisits, n.NotModified, n.Failed)
		if n.Unreadable > 0 {
			return failed(fmt.Errorf("%d payloads could not be read intact and were left out", n.Unreadable))
		}
	}
	written = true
	if unparsed > 0 {
		p.done()
		fmt.Fprintf(e.stderr, "crawl export: %d archived versions have no parsed record yet; run `crawl reparse`\n", unparsed)
	}
	if matched == 0 {
		if desc := f.String(); desc != "" {
			return failed(fmt.Errorf("nothing matches %s; the export is empty", desc))
		}
		return failed(errors.New("the archive holds nothing to export; the export is empty"))
	}
	return nil
}

// exportFilter reads the filter flags.
func exportFilter(fs *flagSet) (export.Filter, error) {
	str := func(n string) string { return fs.Lookup(n).Value.String() }
	f := export.Filter{Agency: strings.TrimSpace(str("agency")), Region: strings.TrimSpace(str("region"))}
	fmt.Sscan(str("year"), &f.Year)
	if f.Year < 0 {
		return f, usageErrorf("--year %d is not a year", f.Year)
	}
	if s := str("since"); s != "" {
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			t, err = time.Parse(time.RFC3339, s)
		}
		if err != nil {
			return f, usageErrorf("--since %q: use YYYY-MM-DD or RFC 3339", s)
		}
		f.Since = t
	}
	kinds := *fs.Lookup("kind").Value.(*listFlag)
	for _, k := range kinds {
		switch k {
		case extract.KindReport, extract.KindCopy, extract.KindNotReport, export.KindAll:
		default:
			return f, usageErrorf("--kind %q: use report, copy, not_report or all", k)
		}
	}
	f.Kinds = kinds
	return f, nil
}

// createOutput opens the output: stdout, or a temporary file beside path
// that commit(true) renames into place and commit(false) removes, so a
// failed export never leaves a half-written file under the final name.
func createOutput(e *env, path string) (io.Writer, func(ok bool) error, error) {
	if path == "" || path == "-" {
		return e.stdout, func(bool) error { return nil }, nil
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
		// A device or a pipe (/dev/null, /dev/stdout, a FIFO a script
		// reads): written in place. Renaming a file over it would replace
		// the device node itself.
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, nil, badInput(fmt.Errorf("open %s: %w", path, err))
		}
		return f, func(bool) error { return f.Close() }, nil
	}
	tmp, err := createTemp(filepath.Dir(path), "."+filepath.Base(path))
	if err != nil {
		return nil, nil, badInput(fmt.Errorf("create %s: %w", path, err))
	}
	return tmp, func(ok bool) error {
		err := tmp.Close()
		if ok && err == nil {
			if err = os.Rename(tmp.Name(), path); err == nil {
				return nil
			}
		}
		os.Remove(tmp.Name())
		if ok {
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	}, nil
}

// createTemp creates a new file dir/prefix.RANDOM.tmp readable as the
// user's umask allows (os.CreateTemp makes 0600, so an export meant for a
// shared folder or a web server could not be read by anyone else).
func createTemp(dir, prefix string) (*os.File, error) {
	for try := 0; ; try++ {
		name := filepath.Join(dir, fmt.Sprintf("%s.%d%d.tmp", prefix, os.Getpid(), rand.Uint32()))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) && try < 100 {
			continue
		}
		return f, err
	}
}

// ambiguous lists the agencies a name matches (one per line on stderr
// after the error line) and exits 2.
func ambiguous(a *export.AmbiguousError) error {
	return &exitError{code: 2, err: &listError{
		msg:   fmt.Sprintf("%q matches %d agencies; give the exact name of one:", a.Name, len(a.Matches)),
		items: a.Matches}}
}

// listError is an error line followed by a list, one item per line.
type listError struct {
	msg   string
	items []string
}

func (l *listError) Error() string { return l.msg }

// exportCodebook writes the codebook; it needs no archive.
func exportCodebook(e *env, path string) (err error) {
	out, commit, err := createOutput(e, path)
	if err != nil {
		return err
	}
	err = export.WriteCodebook(out)
	if cerr := commit(err == nil); cerr != nil && err == nil {
		err = failed(cerr)
	}
	return err
}

// filtered reports whether any filter flag was given (warc and wacz then
// export only the captures of matching reports, not the whole archive).
func filtered(f export.Filter) bool {
	return f.Agency != "" || f.Year != 0 || f.Region != "" || !f.Since.IsZero() || len(f.Kinds) > 0
}

// exportDescription says what a package holds, for its metadata.
func exportDescription(f export.Filter) string {
	if desc := f.String(); desc != "" {
		return "Captures exported from a gongkai archive with `crawl export " + desc + "`."
	}
	return "Every capture of a gongkai archive."
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/export"
	"github.com/gongkai/gongkai/internal/publication"
	"github.com/gongkai/gongkai/seeds"
)

func demoCmd() *command {
	return &command{
		name:    "demo",
		summary: "crawl the built-in demo portal on 127.0.0.1 and show what was found",
		usage:   "crawl demo [--db FILE]",
		detail: `
Starts a simulated government portal on 127.0.0.1 (several agencies on
several ports: 政府信息公开 sections, paginated 年报 columns, reports in GBK,
UTF-8 and GB18030 with right and wrong charset labels, a 2021-template
report, a DOCX attachment, a copy on an essay site, a robots.txt-disallowed
area, a crawler trap), crawls it with the real crawler into the archive,
then revises one report on the portal (新前街道's 2020 report corrects a
sentence) and crawls again, so the archive holds two versions of it and
two report years for some agencies: history, the timeline and the diff of
crawl serve have something to show. It prints the reports found per agency
and year, their encodings, the failed checks, and what to try next.
Offline; about ten seconds.

The demo starts from a fresh archive: the portal's ports change on every
run, so an earlier demo archive at --db (one holding only 127.0.0.1 pages)
is replaced rather than filled with the same reports under new URLs. An
archive holding any other site is left alone and the demo refuses it.`,
		example: `  crawl demo
  crawl demo --db /tmp/demo.db && crawl history --db /tmp/demo.db --agency 新前街道`,
		run: runDemo,
	}
}

// demoSite is a running demo portal, as the demo needs it.
type demoSite struct {
	seeds  []seeds.Seed
	served []demoServed
	close  func()
	// revise publishes a corrected version of one report and says which.
	revise func() (string, error)
}

// demoServed is one page the demo portal knows it serves.
type demoServed struct {
	URL, Agency, Kind string
	Year              int
}

func runDemo(ctx context.Context, e *env, fs *flagSet) (err error) {
	if len(fs.args) > 0 {
		return usageErrorf("unexpected argument %q (see crawl demo -h)", fs.args[0])
	}
	site, err := startDemo(ctx)
	if err != nil {
		return failed(fmt.Errorf("start the demo portal: %w", err))
	}
	defer site.close()
	list := site.seeds
	replaced, err := freshDemoArchive(*fs.db)
	if err != nil {
		return err
	}
	s, err := e.open(*fs.db, false)
	if err != nil {
		return err
	}
	defer e.close(s, &err)
	hosts := map[string]bool{}
	for _, sd := range list {
		if u, err := url.Parse(sd.URL); err == nil {
			hosts[u.Host] = true
		}
	}
	if replaced {
		fmt.Fprintf(e.stdout, "replaced the previous demo archive %s\n", *fs.db)
	}
	fmt.Fprintf(e.stdout, "demo portal: %d sites on 127.0.0.1; crawling into %s\n", len(list), *fs.db)
	settings := crawlSettings{maxPages: 400, maxDepth: 8, rate: 0, concurrency: 8, connections: 1,
		timeout: 10 * time.Second, retries: 1, allowPrivate: true, userAgent: "gongkai-demo",
		quiet: !e.term, progressEvery: time.Second}
	var unreachable []string
	crawl := func(done string) error {
		start := time.Now()
		out, err := runCrawler(ctx, e, s, settings, list)
		for _, l := range out.summary {
			fmt.Fprintln(e.stdout, l)
		}
		if err != nil {
			return storageError(err)
		}
		unreachable = append(unreachable, out.unreachable...)
		fmt.Fprintf(e.stdout, "%s in %.1fs\n", done, time.Since(start).Seconds())
		return nil
	}
	if err := crawl("crawled"); err != nil {
		return err
	}
	// A second crawl after the portal revised one report: the archive keeps
	// both versions; everything else is unchanged and not stored again.
	what, err := site.revise()
	if err != nil {
		return failed(fmt.Errorf("revise a demo report: %w", err))
	}
	fmt.Fprintf(e.stdout, "the portal revised %s; crawling again\n", what)
	if err := crawl("crawled again"); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout)
	if err := demoSummary(ctx, e, s, hosts, site.served, *fs.db); err != nil {
		return storageError(err)
	}
	if len(unreachable) > 0 {
		return failed(fmt.Errorf("%d demo seeds could not be reached: %s", len(unreachable), strings.Join(unreachable, ", ")))
	}
	return nil
}

// demoRecord is the part of a parsed record the demo summary prints.
type demoRecord struct {
	url, agency, template, charset, source string
	tables                                 string // tables_source: html | text | docx | pdf | none
	year                                   int
	failed                                 []string
	checked                                bool // some check compared figures (not all skipped)
	versions                               int
}

// demoSummary prints what the crawl of this portal found.
func demoSummary(ctx context.Context, e *env, s *archive.Store, hosts map[string]bool, served []demoServed, db string) error {
	reports := map[string]map[int][]demoRecord{}
	found := map[string]string{} // URL → kind parsed
	kinds := map[string]int{}
	var copies []demoRecord
	// A page and the attachment carrying its report are one report.
	ix, err := publication.BuildIndex(ctx, s)
	if err != nil {
		return err
	}
	// Walk this portal's URLs (not the parsed index: a page whose bytes an
	// earlier demo run already parsed keeps that run's URL in the index).
	err = s.ForEachURL(ctx, func(pu string) error {
		u, err := url.Parse(pu)
		if err != nil || !hosts[u.Host] {
			return nil // an earlier crawl's page
		}
		versions, err := s.Versions(pu)
		if err != nil || len(versions) == 0 {
			return err
		}
		p, err := s.GetParsed(versions[len(versions)-1].Digest)
		if errors.Is(err, archive.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		kinds[p.Kind]++
		found[pu] = p.Kind
		if p.Kind == extract.KindNotReport {
			return nil
		}
		if ix.Owner(pu) != "" {
			return nil // given with its page
		}
		var r extract.Record
		if err := json.Unmarshal(p.JSON, &r); err != nil {
			return fmt.Errorf("decode record of %s: %w", pu, err)
		}
		merged, _, err := export.ForPage(s, ix, pu, p.Digest, &r)
		if err != nil {
			return err
		}
		dr := demoRecord{url: pu, agency: p.Agency, template: merged.Template, year: merged.Year,
			charset: r.Charset, source: r.CharsetSource, tables: merged.TablesSource, versions: len(versions)}
		if dr.year == 0 {
			dr.year = p.Year
		}
		r = *merged
		for _, c := range r.Checks {
			if c.Status == extract.CheckFailed {
				dr.failed = append(dr.failed, c.ID)
			}
			dr.checked = dr.checked || c.Status != extract.CheckSkipped
		}
		if p.Kind == extract.KindCopy {
			copies = append(copies, dr)
			return nil
		}
		if reports[p.Agency] == nil {
			reports[p.Agency] = map[int][]demoRecord{}
		}
		reports[p.Agency][dr.year] = append(reports[p.Agency][dr.year], dr)
		return nil
	})
	if err != nil {
		return err
	}
	w := e.stdout
	fmt.Fprintf(w, "reports per agency and year (template · charset as detected · tables from · failed checks):\n")
	agencies := make([]string, 0, len(reports))
	for a := range reports {
		agencies = append(agencies, a)
	}
	sort.Strings(agencies)
	for _, a := range agencies {
		name := a
		if name == "" {
			name = "(agency not named)"
		}
		fmt.Fprintf(w, "  %s\n", name)
		years := make([]int, 0, len(reports[a]))
		for y := range reports[a] {
			years = append(years, y)
		}
		sort.Ints(years)
		for _, y := range years {
			for _, r := range reports[a][y] {
				fmt.Fprintf(w, "    %-4s  %-6s  %-8s %-14s %-5s %s%s\n", yearLabel(y), r.template, r.charset, "("+r.source+")",
					r.tables, checksLabel(r), versionsLabel(r.versions))
			}
		}
	}
	for _, r := range copies {
		fmt.Fprintf(w, "  copy on a non-government site: %s (%s, %s)\n", r.url, yearLabel(r.year), r.charset)
	}
	published, recognised := map[string]int{}, map[string]int{}
	for _, sv := range served {
		published[sv.Kind]++
		if found[sv.URL] == sv.Kind {
			recognised[sv.Kind]++
		}
	}
	fmt.Fprintf(w, "\nparsed %d reports, %d copies, %d other pages\n", kinds[extract.KindReport], kinds[extract.KindCopy], kinds[extract.KindNotReport])
	fmt.Fprintf(w, "the portal published %d reports and %d copies: %d reports and %d copies recognised\n",
		published[extract.KindReport], published[extract.KindCopy], recognised[extract.KindReport], recognised[extract.KindCopy])
	// Suggest the agency with the most report years, one with a failed
	// check first: its history shows the most.
	example, best := "新前街道", -1
	for _, a := range agencies {
		score := 2 * len(reports[a])
		for _, rs := range reports[a] {
			if len(rs) > 0 && len(rs[0].failed) > 0 {
				score++
			}
		}
		if a != "" && score > best {
			example, best = a, score
		}
	}
	dbFlag := ""
	if db != "archive.db" {
		dbFlag = " --db " + db
	}
	fmt.Fprintf(w, `
try next:
  crawl history%[1]s --agency %[2]s
  crawl export%[1]s --format jsonl --out reports.jsonl
  crawl export%[1]s --format csv --wide --out figures.csv
  crawl export%[1]s --format panel --out panel.csv
  crawl export%[1]s --format wacz --agency %[2]s --out demo.wacz
  crawl export%[1]s --format warc --out demo.warc.gz --cdx demo.cdxj
  crawl stats%[1]s
  crawl serve%[1]s
`, dbFlag, example)
	return nil
}

// checksLabel says how a report's figures fared: "checks skipped" when no
// check could compare anything (no tables, or every cell blank), which is
// not the same as passing.
func checksLabel(r demoRecord) string {
	switch {
	case len(r.failed) > 0:
		return "FAILED " + strings.Join(r.failed, ", ")
	case !r.checked:
		return "checks skipped"
	}
	return "checks ok"
}

// yearLabel prints a report year, "?" when the report states none.
func yearLabel(y int) string {
	if y == 0 {
		return "?"
	}
	return strconv.Itoa(y)
}

func versionsLabel(n int) string {
	if n > 1 {
		return fmt.Sprintf("  (%d versions)", n)
	}
	return ""
}

// freshDemoArchive makes the demo start from an empty archive at path: an
// earlier demo archive (every URL on 127.0.0.1) is removed; an archive
// holding any other site is refused, so the demo never deletes real crawls.
func freshDemoArchive(path string) (replaced bool, err error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	s, err := openArchive(path, true)
	if err != nil {
		return false, err
	}
	errNotDemo := errors.New("not a demo archive")
	err = s.ForEachURL(context.Background(), func(u string) error {
		pu, err := url.Parse(u)
		if err != nil || (pu.Hostname() != "127.0.0.1" && pu.Hostname() != "localhost") {
			return errNotDemo
		}
		return nil
	})
	if cerr := s.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if errors.Is(err, errNotDemo) {
		return false, badInput(fmt.Errorf("%s holds crawls of real sites; give the demo its own archive with --db demo.db", path))
	}
	if err != nil {
		return false, storageError(err)
	}
	if err := os.Remove(path); err != nil {
		return false, failed(fmt.Errorf("replace the previous demo archive: %w", err))
	}
	return true, nil
}

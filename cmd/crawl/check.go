package main

import (
	"context"
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"sort"
	"strings"

	"github.com/gongkai/gongkai/archive"
)

func checkCmd() *command {
	return &command{
		name:    "check",
		summary: "verify the archive file: pages, payload digests, records, indexes; --repair copies out what is readable",
		usage:   "crawl check [--repair --out FILE] [--db FILE]",
		detail: `
Reads the whole archive without writing to it and prints one line per
problem (area: what is wrong), then a count per area. Areas: file (the
header pages; a file cut short is reported and not read further),
structure (bbolt's pages and tree, with plain reads, then bbolt's own
Tx.Check), payload (every payload against its SHA-256), capture, url,
parsed, index (each entry against the records, and each record's
entries), run, counter. Exit 0 when the archive is sound, 1 when
problems were found.

--repair --out FILE copies everything readable into the new archive FILE
(never in place; FILE must not exist): every entry of every page that can
be read, even from a file cut short, then drops from the copy what is
wrong (payloads that fail their digest, records that do not decode,
references to what was lost), adds missing index entries and rewrites the
counters, printing each thing it dropped or fixed. The damaged file is
left as it was; check the copy, then move it into place.`,
		example: `  crawl check --db /data/gongkai.db
  crawl check --db /data/gongkai.db --repair --out /data/gongkai-repaired.db`,
		flags: func(fs *flagSet) {
			fs.Bool("repair", false, "copy everything readable into a new archive (needs --out)")
			fs.String("out", "", "the new archive `FILE` --repair writes (must not exist)")
		},
		run: runCheck,
	}
}

func runCheck(ctx context.Context, e *env, fs *flagSet) error {
	if len(fs.args) > 0 {
		return usageErrorf("unexpected argument %q (see crawl check -h)", fs.args[0])
	}
	repair := fs.Lookup("repair").Value.String() == "true"
	out := fs.Lookup("out").Value.String()
	switch {
	case repair && out == "":
		return usageErrorf("--repair needs --out FILE: repair never writes in place")
	case !repair && out != "":
		return usageErrorf("--out applies to --repair only")
	case repair && sameFile(out, *fs.db):
		return usageErrorf("--out %s is the archive itself: repair never writes in place", out)
	}
	if _, err := os.Stat(*fs.db); errors.Is(err, iofs.ErrNotExist) {
		return badInput(fmt.Errorf("no archive at %s (pass --db)", *fs.db))
	}
	p := newProgress(e)
	p.show("check: reading %s", *fs.db)
	report := func(pr archive.Problem) {
		p.done()
		fmt.Fprintf(e.stdout, "%s: %s\n", pr.Area, pr.Detail)
	}
	var res archive.CheckResult
	var err error
	if repair {
		res, err = archive.Repair(ctx, *fs.db, out, lockWait, report)
	} else {
		res, err = archive.Check(ctx, *fs.db, lockWait, report)
	}
	p.done()
	if err != nil {
		if errors.Is(err, archive.ErrLocked) {
			return lockedError(*fs.db, "") // names the holder when it left a note
		}
		if repair && res.Copied == 0 {
			return badInput(err)
		}
		return failed(err)
	}
	fmt.Fprintln(e.stdout, summarize(res))
	switch {
	case repair:
		fmt.Fprintf(e.stdout, "wrote %s: %d entries copied; %d problems dropped or fixed above; %s was not changed\n", out, res.Copied, res.Total(), *fs.db)
	case res.Total() > 0:
		return failed(fmt.Errorf("%d problems in %s (listed on stdout); `crawl check --repair --out NEW.db` copies out what is readable", res.Total(), *fs.db))
	default:
		fmt.Fprintf(e.stdout, "%s is sound\n", *fs.db)
	}
	return nil
}

// summarize is the count line: what was checked and found, by area.
func summarize(res archive.CheckResult) string {
	var checked, found []string
	for _, m := range []struct {
		counts map[string]int
		out    *[]string
	}{{res.Checked, &checked}, {res.Problems, &found}} {
		keys := make([]string, 0, len(m.counts))
		for k := range m.counts {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			*m.out = append(*m.out, fmt.Sprintf("%s %d", k, m.counts[k]))
		}
	}
	if len(checked) == 0 {
		checked = []string{"nothing readable"}
	}
	if len(found) == 0 {
		found = []string{"none"}
	}
	return fmt.Sprintf("checked: %s; problems: %s", strings.Join(checked, ", "), strings.Join(found, ", "))
}

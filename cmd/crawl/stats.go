package main

import (
	"context"
	"fmt"

	"github.com/gongkai/gongkai/internal/export"
)

func statsCmd() *command {
	return &command{
		name:    "stats",
		summary: "counts: captures, unique payloads and sizes, reports by year × template × kind, failed checks, fetch errors, per-seed reach",
		usage:   "crawl stats [--json] [--db FILE]",
		detail: `
Reads the whole archive and prints: captures (URLs, failed, 304 not
modified), unique payloads, payload bytes fetched vs unique vs stored
compressed vs the archive file on disk, crawl runs, parsed records by
year × template × kind, the reports as the exports give them by year ×
template × kind (a report page and the PDF or DOCX carrying the same
report counted once: reports, versions, how many came with an
attachment, how many fail a check, where their tables came from), failed
checks by id (per parsed record), fetch errors by kind, and for each
seed how many captures, errors, robots/blocked refusals and report
payloads it led to, and whether the seed itself was ever reached.`,
		example: `  crawl stats
  crawl stats --json --db /data/gongkai.db | jq '.failed_checks'`,
		flags: func(fs *flagSet) {
			fs.Bool("json", false, "print the counts as one JSON object")
		},
		run:       runStats,
		viaHolder: true,
	}
}

func runStats(ctx context.Context, e *env, fs *flagSet) (err error) {
	if len(fs.args) > 0 {
		return usageErrorf("unexpected argument %q (see crawl stats -h)", fs.args[0])
	}
	s, err := e.open(*fs.db, true)
	if err != nil {
		return err
	}
	defer e.close(s, &err)
	p := newProgress(e)
	p.show("stats: reading %s", *fs.db)
	st, err := export.BuildStats(ctx, s)
	p.done()
	if err != nil {
		return storageError(err)
	}
	if fs.Lookup("json").Value.String() == "true" {
		return printJSON(e, st, false)
	}
	if err := export.WriteStats(e.stdout, st); err != nil {
		return failed(fmt.Errorf("write: %w", err))
	}
	return nil
}

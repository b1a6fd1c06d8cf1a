package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/gongkai/gongkai/internal/export"
)

func historyCmd() *command {
	return &command{
		name:    "history",
		summary: "every report of one agency, year by year, every version and what changed",
		usage:   "crawl history --agency NAME [--json] [--db FILE]",
		detail: `
Lists every report (kind report) of one agency year by year; for each
report URL every version (distinct bytes) with its capture times, charset
and failed checks, and what changed from the previous version: the cells
whose published text changed, whether the text changed, or only the bytes.
Then the key figures side by side across years (latest version of each
year; the 总计 column of the requests table, and the review/suit totals),
and the across-year checks of report-format.md: this year's carried_in =
last year's carried_out per column, and under the 2021 template in_force =
last year's in_force + issued − repealed.

--agency is the exact name or a unique part of it; a part that matches
several agencies lists them on stderr and exits 2.`,
		example: `  crawl history --agency 新前街道
  crawl history --agency 税务局 --json | jq '.figures'`,
		flags: func(fs *flagSet) {
			fs.String("agency", "", "the agency: exact `NAME` or a unique part of it (required)")
			fs.Bool("json", false, "print the history as one JSON object, for scripts")
		},
		run:       runHistory,
		viaHolder: true,
	}
}

func runHistory(ctx context.Context, e *env, fs *flagSet) (err error) {
	name := fs.Lookup("agency").Value.String()
	if len(fs.args) > 0 && name == "" && len(fs.args) == 1 {
		name = fs.args[0] // `crawl history 新前街道` is forgiven
	} else if len(fs.args) > 0 {
		return usageErrorf("unexpected argument %q (see crawl history -h)", fs.args[0])
	}
	if name == "" {
		return usageErrorf("--agency NAME is required (see crawl history -h)")
	}
	s, err := e.open(*fs.db, true)
	if err != nil {
		return err
	}
	defer e.close(s, &err)
	agency, err := export.ResolveAgency(s, name)
	var amb *export.AmbiguousError
	switch {
	case errors.As(err, &amb):
		return ambiguous(amb)
	case errors.Is(err, export.ErrNoAgency):
		return failed(fmt.Errorf("no agency in %s matches %q (crawl agencies lists the agencies it holds)", *fs.db, name))
	case err != nil:
		return storageError(err)
	}
	h, err := export.BuildHistory(ctx, s, agency)
	if err != nil {
		return storageError(err)
	}
	if len(h.Years) == 0 {
		return failed(fmt.Errorf("%s has pages in %s but no annual report", agency, *fs.db))
	}
	if fs.Lookup("json").Value.String() == "true" {
		return printJSON(e, h, false)
	}
	if err := export.WriteHistory(e.stdout, h); err != nil {
		return failed(fmt.Errorf("write: %w", err))
	}
	return nil
}

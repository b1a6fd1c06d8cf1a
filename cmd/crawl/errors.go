package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/gongkai/gongkai/internal/export"
)

func errorsCmd() *command {
	return &command{
		name:    "errors",
		summary: "every URL whose latest fetch failed: kind, HTTP status, attempts, when, and the page that linked to it",
		usage:   "crawl errors [--seed URL] [--kind K] [--json] [--db FILE]",
		detail: `
Lists every URL whose latest fetch failed (a URL fetched again with
success is not listed): the kind of failure (timeout, reset, http_4xx,
http_5xx, robots, blocked, too_large, ...), the HTTP status, how many
requests the fetch took, when it was last tried, how many of its fetches
failed over all runs, the error text, and the page whose link led there,
which is where a broken link can be seen and reported. Ends with a count
per kind. Captures stored before gongkai recorded the linking page and the
attempts say so.`,
		example: `  crawl errors
  crawl errors --kind http_4xx
  crawl errors --seed http://www.gd.gov.cn/ --json | jq -r .referer | sort | uniq -c`,
		flags: func(fs *flagSet) {
			fs.String("seed", "", "only URLs reached from the seed `URL`")
			fs.String("kind", "", "only failures of kind `K` (as in crawl stats: timeout, http_4xx, robots, ...)")
			fs.Bool("json", false, "one JSON object per failed URL, for scripts")
		},
		run:       runErrors,
		viaHolder: true,
	}
}

func runErrors(ctx context.Context, e *env, fs *flagSet) (err error) {
	if len(fs.args) > 0 {
		return usageErrorf("unexpected argument %q (see crawl errors -h)", fs.args[0])
	}
	s, err := e.open(*fs.db, true)
	if err != nil {
		return err
	}
	defer e.close(s, &err)
	p := newProgress(e)
	p.show("errors: reading the captures of %s", *fs.db)
	list, err := export.Failures(ctx, s, export.FailureFilter{Seed: fs.Lookup("seed").Value.String(), Kind: fs.Lookup("kind").Value.String()})
	p.done()
	if err != nil {
		return storageError(err)
	}
	if fs.Lookup("json").Value.String() == "true" {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		for _, f := range list {
			if err := enc.Encode(f); err != nil {
				return failed(fmt.Errorf("write: %w", err))
			}
		}
		return nil
	}
	if err := export.WriteFailures(e.stdout, list); err != nil {
		return failed(fmt.Errorf("write: %w", err))
	}
	return nil
}

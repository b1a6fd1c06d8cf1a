package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

func reparseCmd() *command {
	return &command{
		name:    "reparse",
		summary: "re-run extraction over every archived page (after a parser upgrade), without fetching",
		usage:   "crawl reparse [--all] [--db FILE]",
		detail: fmt.Sprintf(`
Reads every raw capture the archive holds and extracts it again with this
build's parser (version %d), storing the new record beside the old one. By
default only payloads with no record, or a record from an older parser, are
redone, so an interrupted reparse continues where it stopped; --all redoes
every payload. Nothing is fetched. Prints the counts at the end.`, extract.ParserVersion),
		example: `  crawl reparse
  crawl reparse --all --db /data/gongkai.db`,
		flags: func(fs *flagSet) {
			fs.Bool("all", false, "re-extract every payload, even those already parsed by this parser version")
		},
		run: runReparse,
	}
}

// reparseCounts is what a reparse did.
type reparseCounts struct {
	urls, versions, parsed, upToDate, failed int
	kinds                                    map[string]int
}

func runReparse(ctx context.Context, e *env, fs *flagSet) (err error) {
	if len(fs.args) > 0 {
		return usageErrorf("unexpected argument %q (see crawl reparse -h)", fs.args[0])
	}
	s, err := e.open(*fs.db, false)
	if err != nil {
		return err
	}
	defer e.close(s, &err)
	p := newProgress(e)
	n, err := reparse(ctx, s, fs.Lookup("all").Value.String() == "true", p, e)
	p.done()
	fmt.Fprintf(e.stdout, "reparse (parser version %d): %d URLs, %d versions, %d extracted, %d already up to date, %d failed\n",
		extract.ParserVersion, n.urls, n.versions, n.parsed, n.upToDate, n.failed)
	if n.parsed > 0 {
		fmt.Fprintf(e.stdout, "records: %d report, %d copy, %d not_report\n",
			n.kinds[extract.KindReport], n.kinds[extract.KindCopy], n.kinds[extract.KindNotReport])
	}
	if err != nil {
		return storageError(err)
	}
	if n.failed > 0 {
		return failed(fmt.Errorf("%d payloads could not be extracted (their errors are above)", n.failed))
	}
	return nil
}

// reparse extracts every version of every URL again. Without all, a
// payload whose newest record is from this parser version is skipped; with
// all, each payload is still extracted only once per call.
func reparse(ctx context.Context, s *archive.Store, all bool, p *progress, e *env) (reparseCounts, error) {
	n := reparseCounts{kinds: map[string]int{}}
	done := map[string]bool{} // payloads extracted in this call (--all)
	err := s.ForEachURL(ctx, func(u string) error {
		n.urls++
		p.show("reparse: %d URLs, %d extracted, %d up to date", n.urls, n.parsed, n.upToDate)
		versions, err := s.Versions(u)
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return err
			}
			// A damaged record: say so and go on with the other URLs.
			n.failed++
			fmt.Fprintf(e.stderr, "crawl reparse: versions of %s: %v\n", u, err)
			return nil
		}
		for _, v := range versions {
			if err := ctx.Err(); err != nil {
				return err
			}
			n.versions++
			if v.Digest == "" || done[v.Digest] {
				continue
			}
			if !all {
				old, err := s.GetParsed(v.Digest)
				if err == nil && old.ParserVersion >= extract.ParserVersion {
					n.upToDate++
					continue
				}
				if err != nil && !errors.Is(err, archive.ErrNotFound) {
					// The old record is damaged: extracting again replaces it.
					fmt.Fprintf(e.stderr, "crawl reparse: parsed record of %s: %v; extracting it again\n", u, err)
				}
			}
			kind, err := reparseOne(ctx, s, u, v)
			if err != nil {
				if errors.Is(err, context.Canceled) {
					return err
				}
				n.failed++
				fmt.Fprintf(e.stderr, "crawl reparse: %v\n", err)
				continue
			}
			if all {
				done[v.Digest] = true
			}
			n.parsed++
			n.kinds[kind]++
		}
		return nil
	})
	return n, err
}

// reparseOne extracts one stored payload with the hints of its first
// capture (Content-Type, seed-list agency and region) and stores the record.
func reparseOne(ctx context.Context, s *archive.Store, u string, v archive.Version) (string, error) {
	body, err := s.Payload(v.Digest)
	if err != nil {
		return "", fmt.Errorf("payload of %s (%s): %w", u, v.Digest, err)
	}
	var first archive.Capture
	if len(v.CaptureIDs) > 0 {
		if first, err = s.GetCapture(v.CaptureIDs[0]); err != nil {
			return "", fmt.Errorf("capture %d of %s: %w", v.CaptureIDs[0], u, err)
		}
	}
	in := extract.Input{URL: u, Body: body, Agency: first.Agency, Region: first.Region}
	if first.Header != nil {
		in.ContentType = first.Header.Get("Content-Type")
	}
	rec, err := extract.Extract(ctx, in)
	if err != nil {
		return "", fmt.Errorf("extract %s (%s): %w", u, v.Digest, err)
	}
	rec.URL = u
	rec.SHA256 = v.Digest
	if rec.Region == "" {
		rec.Region = first.Region
	}
	js, err := jsonMarshal(rec)
	if err != nil {
		return "", fmt.Errorf("encode record of %s: %w", u, err)
	}
	err = s.PutParsed(ctx, archive.Parsed{Digest: v.Digest, ParserVersion: extract.ParserVersion, URL: u,
		Kind: rec.Kind, Agency: rec.Agency, Region: rec.Region, Year: rec.Year, Template: rec.Template, JSON: js})
	if err != nil {
		return "", fmt.Errorf("store record of %s: %w", u, err)
	}
	return rec.Kind, nil
}

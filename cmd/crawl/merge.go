package main

import (
	"context"
	"fmt"
	"os"

	"github.com/gongkai/gongkai/archive"
)

func mergeCmd() *command {
	return &command{
		name:    "merge",
		summary: "combine the archives of several crawl workers (shards) into one",
		usage:   "crawl merge --db FILE SHARD.db [SHARD.db...]",
		detail: `
Copies every shard (the --db of one worker of a crawl shared through
--frontier, or any other archive) into the --db archive, created if
missing: payloads once per digest (verified, still compressed), captures
of all shards interleaved by fetch time, each URL's versions and
conditional-request state rebuilt in time order, crawl runs, and parsed
records of every parser version with their indexes. export, history,
stats and serve then read the merged file as any archive.

Merging is idempotent (a shard merged twice adds nothing the second time)
and resumable: an interrupted merge run again carries on and ends with the
same file. It streams, holding a chunk of each shard at a time. The shards
are only read; they must not be in use by a crawl. Exit 2 when a shard
cannot be opened or is the --db file itself.`,
		example: `  crawl merge --db archive.db shard-1.db shard-2.db shard-3.db
  crawl merge --db archive.db shard-*.db     # again after tonight's crawl: adds only what is new`,
		run: runMerge,
	}
}

func runMerge(ctx context.Context, e *env, fs *flagSet) (err error) {
	if len(fs.args) == 0 {
		return usageErrorf("name at least one shard archive to merge (see crawl merge -h)")
	}
	for i, p := range fs.args {
		if sameFile(p, *fs.db) {
			return usageErrorf("shard %s is the --db archive itself", p)
		}
		for _, q := range fs.args[:i] {
			if sameFile(p, q) {
				return usageErrorf("shard %s is named twice", p)
			}
		}
	}
	var shards []*archive.Store
	defer func() {
		for _, s := range shards {
			closeArchive(s, &err)
		}
	}()
	for _, p := range fs.args {
		s, err := openArchive(p, true)
		if err != nil {
			return err
		}
		shards = append(shards, s)
	}
	dst, err := openArchive(*fs.db, false)
	if err != nil {
		return err
	}
	defer closeArchive(dst, &err)
	p := newProgress(e)
	st, err := dst.Merge(ctx, shards, func(st archive.MergeStats) {
		p.show("merge: %s %s: %d runs, %d payloads, %d captures (%d already merged), %d parsed records added",
			st.Phase, st.Shard, st.Runs, st.Payloads, st.Captures, st.Known, st.Parsed)
	})
	p.done()
	if err != nil {
		return storageError(err)
	}
	fmt.Fprintf(e.stdout, "merged %d shards into %s: %d runs, %d payloads, %d captures, %d parsed records added; %d captures were already merged\n",
		len(shards), *fs.db, st.Runs, st.Payloads, st.Captures, st.Parsed, st.Known)
	return nil
}

// sameFile reports whether two paths name one existing file.
func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false
	}
	return os.SameFile(fa, fb)
}

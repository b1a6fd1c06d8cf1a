package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/gongkai/gongkai/archive"
)

func mergeCmd() *command {
	return &command{
		name:    "merge",
		summary: "combine the archives of several crawl workers (shards) into one",
		usage:   "crawl merge --db FILE [--refresh-shards] SHARD.db [SHARD.db...]",
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
cannot be opened or is the --db file itself.

--refresh-shards then replaces each shard with a copy of the merged
archive (everything the shard held is in it now), so that tomorrow every
worker starts from all of tonight's pages: whichever worker fetches a URL
sends its ETag / Last-Modified and an unchanged page comes back 304. Each
copy is written beside the shard and renamed over it, so a failed copy
leaves the shard as it was.`,
		example: `  crawl merge --db archive.db shard-1.db shard-2.db shard-3.db
  crawl merge --db archive.db shard-*.db     # again after tonight's crawl: adds only what is new
  crawl merge --db archive.db --refresh-shards shard-*.db   # and start each worker's next night from the whole archive`,
		flags: func(fs *flagSet) {
			fs.Bool("refresh-shards", false, "after merging, replace each shard with a copy of the merged archive (for the next night's conditional requests)")
		},
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
	if fs.Lookup("refresh-shards").Value.String() != "true" {
		return nil
	}
	// The shards are closed before they are replaced; the merged archive
	// stays open (and locked) while it is copied, so nobody writes to it.
	for _, s := range shards {
		closeArchive(s, &err)
	}
	shards = nil
	if err != nil {
		return err
	}
	for _, p := range fs.args {
		if err := copyOver(*fs.db, p); err != nil {
			return failed(fmt.Errorf("refresh shard %s: %w (the shard is as it was)", p, err))
		}
	}
	fmt.Fprintf(e.stdout, "refreshed %d shards: each is now a copy of %s\n", len(fs.args), *fs.db)
	return nil
}

// copyOver replaces dst with a copy of src: written to a temporary file
// beside dst, synced, then renamed over it, keeping dst's permissions.
func copyOver(src, dst string) (err error) {
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(dst); err == nil {
		mode = fi.Mode().Perm()
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".refresh-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = io.Copy(tmp, in); err != nil {
		return err
	}
	if err = tmp.Chmod(mode); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
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

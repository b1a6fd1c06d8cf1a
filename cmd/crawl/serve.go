package main

import (
	"context"
	"fmt"
	"log"

	"github.com/gongkai/gongkai/internal/web"
)

func serveCmd() *command {
	return &command{
		name:    "serve",
		summary: "a read-only web view of the archive",
		usage:   "crawl serve [--addr 127.0.0.1:8080] [--db FILE]",
		detail: `
Serves a read-only web view of the archive: search agencies, one agency's
timeline, one report's tables and checks, the archived page itself
(sandboxed), the difference between two versions, and JSONL/CSV downloads.
Prints the address it listens on; Ctrl-C stops it. The archive stays open
read-only while it runs, so stop it before a "crawl run" writes to the
same file.`,
		example: `  crawl serve
  crawl serve --addr 127.0.0.1:9000 --db /data/gongkai.db`,
		flags: func(fs *flagSet) {
			fs.String("addr", "127.0.0.1:8080", "`ADDR` to listen on (port 0 picks a free port)")
		},
		run: runServe,
	}
}

func runServe(ctx context.Context, e *env, fs *flagSet) (err error) {
	if len(fs.args) > 0 {
		return usageErrorf("unexpected argument %q (see crawl serve -h)", fs.args[0])
	}
	s, err := openArchive(*fs.db, true)
	if err != nil {
		return err
	}
	defer closeArchive(s, &err)
	srv, err := web.New(s, log.New(e.stderr, "crawl serve: ", 0))
	if err != nil {
		return failed(err)
	}
	listening := false
	err = srv.ListenAndServe(ctx, fs.Lookup("addr").Value.String(), func(addr string) {
		listening = true
		fmt.Fprintf(e.stdout, "serving %s at http://%s/ (Ctrl-C to stop)\n", *fs.db, addr)
	})
	if err != nil && !listening {
		return badInput(err) // the address is taken or not ours to bind
	}
	if err != nil {
		return failed(err)
	}
	return nil
}

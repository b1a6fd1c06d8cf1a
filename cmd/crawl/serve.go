package main

import (
	"context"
	"errors"
)

func serveCmd() *command {
	return &command{
		name:    "serve",
		summary: "a read-only web view of the archive",
		usage:   "crawl serve [--addr 127.0.0.1:8080] [--db FILE]",
		detail: `
Serves a read-only web view of the archive: search agencies, one agency's
timeline, one report's tables and checks, the archived page itself
(sandboxed), the difference between two versions.`,
		example: `  crawl serve
  crawl serve --addr 127.0.0.1:9000 --db /data/gongkai.db`,
		flags: func(fs *flagSet) {
			fs.String("addr", "127.0.0.1:8080", "address to listen on")
		},
		run: func(ctx context.Context, e *env, fs *flagSet) error {
			return failed(errors.New("the web view is not built into this binary yet"))
		},
	}
}

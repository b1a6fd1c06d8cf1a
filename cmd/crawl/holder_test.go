package main

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
)

// waitHolder waits for the holder note of db to name pid.
func waitHolder(t *testing.T, db string, pid int) *holder {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if h := readHolder(db); h != nil && h.PID == pid {
			return h
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no holder note for PID %d beside %s", pid, db)
	return nil
}

// TestReadsThroughRunningCrawl: while `crawl run` holds the archive, stats
// and export run through it (relative paths meaning the caller's working
// directory), a second crawl run and reparse name it, and when it ends its
// note is gone and the file opens directly.
func TestReadsThroughRunningCrawl(t *testing.T) {
	_, dir, seedFile, db := slowDemo(t)
	run := startCrawl(t, dir, "run", "--allow-private", "--rate", "2", "--seeds", seedFile, "--db", db)
	h := waitHolder(t, db, run.cmd.Process.Pid)
	if fi, err := os.Stat(holderPath(db)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("holder note mode %v (%v), want 0600: it carries the token", fi.Mode().Perm(), err)
	}
	if !strings.HasPrefix(h.Command, "crawl run --allow-private") || h.DB != db || time.Since(h.Since) > time.Minute {
		t.Errorf("holder note %+v", h)
	}

	sub := filepath.Join(dir, "elsewhere")
	os.Mkdir(sub, 0o755)
	st := mustCrawl(t, sub, "stats", "--db", "../a.db")
	if !strings.Contains(st.stdout, "crawl runs        1") {
		t.Errorf("stats through the crawl:\n%s", st.stdout)
	}
	// Early in the crawl nothing may be extracted yet: an empty export
	// (exit 1) is still written where the caller asked.
	if r := crawl(t, sub, "export", "--db", "../a.db", "--format", "jsonl", "--kind", "all", "--out", "out.jsonl"); r.code != 0 && !strings.Contains(r.stderr, "nothing matches") {
		t.Errorf("export through the crawl: exit %d %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(sub, "out.jsonl")); err != nil {
		t.Errorf("export --out out.jsonl through the crawl did not write the caller's ./out.jsonl: %v", err)
	}
	select {
	case <-run.waited:
		t.Fatalf("the crawl ended (%v) before the reads: they were not served while it ran\n%s", run.err, run.stderr.String())
	default:
	}
	who := regexp.QuoteMeta("PID " + strconv.Itoa(h.PID) + " (" + h.Command + ", since " + h.Since.UTC().Format(time.RFC3339) + ")")
	r := crawl(t, sub, "run", "--allow-private", "--seeds", seedFile, "--db", "../a.db")
	wantError(t, r, 2, "already runs a crawl")
	if !regexp.MustCompile(who).MatchString(r.stderr) {
		t.Errorf("second run does not name the holder %s: %q", who, r.stderr)
	}
	r = crawl(t, sub, "reparse", "--db", "../a.db")
	wantError(t, r, 2, "crawl reparse writes to the archive: stop it first (kill "+strconv.Itoa(h.PID)+")")
	if !regexp.MustCompile(`\.\./a\.db is held by ` + who).MatchString(r.stderr) {
		t.Errorf("reparse does not name the holder: %q", r.stderr)
	}

	<-run.waited
	if run.err != nil {
		t.Fatalf("crawl run: %v\n%s", run.err, run.stderr.String())
	}
	if _, err := os.Stat(holderPath(db)); !os.IsNotExist(err) {
		t.Errorf("holder note left after the crawl ended: %v", err)
	}
	st = mustCrawl(t, sub, "stats", "--db", "../a.db")
	if !strings.Contains(st.stdout, "crawl runs        1") {
		t.Errorf("stats after the crawl:\n%s", st.stdout)
	}
}

// TestHolderNotes: a holder that does not answer is named in one line
// (PID, command, since) with exit 2; a note left by a dead process, or by
// a live one that no longer holds the lock, is ignored.
func TestHolderNotes(t *testing.T) {
	ta := newTestArchive(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := ln.Addr().String()
	ln.Close() // nothing answers there
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	since := time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)
	note := func(pid int) {
		h := holder{PID: pid, Command: "crawl run --seeds nightly.csv", Since: since, DB: ta.db, Control: closedAddr, Token: "00"}
		b, _ := json.Marshal(h)
		if err := os.WriteFile(holderPath(ta.db), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("stale note of a dead process", func(t *testing.T) {
		note(dead.Process.Pid)
		r := mustCrawl(t, ta.dir, "stats", "--db", ta.db)
		if !strings.Contains(r.stdout, "captures") || r.stderr != "" {
			t.Errorf("stats with a stale note: %q %q", r.stdout, r.stderr)
		}
	})
	t.Run("live process that does not hold the file", func(t *testing.T) {
		note(os.Getpid())
		mustCrawl(t, ta.dir, "history", "--db", ta.db, "--agency", "新前街道")
	})
	t.Run("holder not answering", func(t *testing.T) {
		s, err := archive.Open(ta.db, nil) // this test process holds the lock
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() }) // after the parallel subtests
		note(os.Getpid())
		want := ta.db + " is held by PID " + strconv.Itoa(os.Getpid()) + " (crawl run --seeds nightly.csv, since 2026-12-03T02:00:00Z), which does not answer at " + closedAddr
		for _, args := range [][]string{{"stats"}, {"export", "--format", "csv"}, {"history", "--agency", "新前街道"}, {"errors"}, {"agencies"}, {"check"}, {"serve"}} {
			t.Run(args[0], func(t *testing.T) {
				t.Parallel() // each waits out the lock
				r := crawl(t, ta.dir, append(args, "--db", ta.db)...)
				wantError(t, r, 2, want)
				if r.stdout != "" {
					t.Errorf("stdout %q", r.stdout)
				}
			})
		}
	})
}

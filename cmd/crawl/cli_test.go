package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/archive"
)

// TestUsageErrors: bad usage and bad input exit 2 with one clear line on
// stderr and nothing on stdout.
func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	ta := newTestArchive(t)
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("not a bbolt file ", 500)), 0o644); err != nil {
		t.Fatal(err)
	}
	seedless := filepath.Join(dir, "empty.csv")
	if err := os.WriteFile(seedless, []byte("url,agency\n# nothing\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		contains string
	}{
		{"unknown command", []string{"fetch"}, `unknown command "fetch"`},
		{"unknown flag", []string{"export", "--db", ta.db, "--colour"}, "flag provided but not defined: -colour"},
		{"bad flag value", []string{"export", "--db", ta.db, "--year", "twenty"}, `invalid value "twenty" for flag -year`},
		{"unknown format", []string{"export", "--db", ta.db, "--format", "xml"}, `unknown format "xml"`},
		{"wide without csv", []string{"export", "--db", ta.db, "--wide"}, "--wide applies to --format csv only"},
		{"cdx without out", []string{"export", "--db", ta.db, "--format", "warc", "--cdx", "x.cdxj"}, "--cdx needs"},
		{"bad kind", []string{"export", "--db", ta.db, "--kind", "memo"}, `--kind "memo"`},
		{"bad since", []string{"export", "--db", ta.db, "--since", "yesterday"}, `--since "yesterday"`},
		{"missing archive", []string{"stats", "--db", filepath.Join(dir, "none.db")}, "no archive at"},
		{"corrupt archive", []string{"stats", "--db", garbage}, "garbage.db"},
		{"corrupt archive export", []string{"export", "--db", garbage}, "garbage.db"},
		{"run without seeds", []string{"run", "--db", filepath.Join(dir, "r.db")}, "--seeds FILE is required"},
		{"unreadable seed file", []string{"run", "--db", filepath.Join(dir, "r.db"), "--seeds", filepath.Join(dir, "nope.csv")}, "nope.csv"},
		{"no usable seed", []string{"run", "--db", filepath.Join(dir, "r.db"), "--seeds", seedless}, "no usable seed"},
		{"negative rate", []string{"run", "--seeds", seedless, "--rate", "-1"}, "--rate must be"},
		{"negative depth", []string{"run", "--seeds", seedless, "--max-depth", "-2"}, "--max-depth must be"},
		{"history without agency", []string{"history", "--db", ta.db}, "--agency NAME is required"},
		{"parse without file", []string{"parse"}, "no FILE given"},
		{"parse unreadable file", []string{"parse", filepath.Join(dir, "missing.html")}, "missing.html"},
		{"stray argument", []string{"stats", "--db", ta.db, "extra"}, `unexpected argument "extra"`},
		{"help for unknown", []string{"help", "fetch"}, `unknown command "fetch"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := crawl(t, dir, tc.args...)
			wantError(t, r, 2, tc.contains)
			if r.stdout != "" {
				t.Errorf("stdout %q", r.stdout)
			}
		})
	}
	t.Run("no arguments", func(t *testing.T) {
		r := crawl(t, dir)
		if r.code != 2 || !strings.Contains(r.stderr, "usage: crawl COMMAND") {
			t.Errorf("exit %d stderr %q", r.code, r.stderr)
		}
	})
}

// TestLockedArchive: while another process holds the archive for writing,
// every command exits 2 with a clear line instead of waiting forever.
func TestLockedArchive(t *testing.T) {
	ta := newTestArchive(t)
	s, err := archive.Open(ta.db, nil) // this test process holds the lock
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() }) // after the parallel subtests
	seedFile := filepath.Join(ta.dir, "seeds.txt")
	os.WriteFile(seedFile, []byte("http://127.0.0.1:1/\n"), 0o644)
	for _, args := range [][]string{
		{"export", "--format", "jsonl"},
		{"stats"},
		{"history", "--agency", "新前街道"},
		{"reparse"},
		{"run", "--seeds", seedFile, "--allow-private"},
	} {
		t.Run(args[0], func(t *testing.T) {
			t.Parallel()
			r := crawl(t, ta.dir, append(args, "--db", ta.db)...)
			wantError(t, r, 2, "is locked by another crawl process")
		})
	}
}

func TestHelp(t *testing.T) {
	dir := t.TempDir()
	r := mustCrawl(t, dir, "help")
	for _, c := range commands() {
		if !strings.Contains(r.stdout, "\n  "+c.name+" ") {
			t.Errorf("crawl help does not list %s", c.name)
		}
	}
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			for _, form := range [][]string{{c.name, "-h"}, {"help", c.name}, {c.name, "--help"}} {
				h := mustCrawl(t, dir, form...)
				fs := newFlagSet(c)
				missing := []string{}
				fs.VisitAll(func(f *flagDef) {
					if !strings.Contains(h.stdout, "--"+f.Name) {
						missing = append(missing, f.Name)
					}
				})
				if len(missing) > 0 || !strings.Contains(h.stdout, "examples:\n  crawl "+c.name) || !strings.Contains(h.stdout, "usage: crawl "+c.name) {
					t.Errorf("%v: missing flags %v or example:\n%s", form, missing, h.stdout)
				}
			}
		})
	}
}

type flagDef = flag.Flag

// TestFlagsAnywhere: flags and arguments mix in any order, as in
// `crawl run --seeds a.csv b.csv --rate 0`.
func TestFlagsAnywhere(t *testing.T) {
	tests := []struct {
		args      []string
		seeds     string
		positions string
		rate      string
	}{
		{[]string{"--seeds", "a.csv", "b.csv", "--rate", "0"}, "a.csv", "b.csv", "0"},
		{[]string{"a.csv", "--rate=2", "b.csv", "--seeds", "c.csv,d.csv"}, "c.csv,d.csv", "a.csv b.csv", "2"},
		{[]string{"--rate", "0.5", "--", "--odd-name.csv"}, "", "--odd-name.csv", "0.5"},
		{[]string{"-"}, "", "-", "1"},
	}
	for _, tc := range tests {
		fs := newFlagSet(runCmd())
		if err := fs.parse(tc.args); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if got := fs.Lookup("seeds").Value.String(); got != tc.seeds {
			t.Errorf("%v: seeds %q, want %q", tc.args, got, tc.seeds)
		}
		if got := strings.Join(fs.args, " "); got != tc.positions {
			t.Errorf("%v: arguments %q, want %q", tc.args, got, tc.positions)
		}
		if got := fs.Lookup("rate").Value.String(); got != tc.rate {
			t.Errorf("%v: rate %q, want %q", tc.args, got, tc.rate)
		}
	}
}

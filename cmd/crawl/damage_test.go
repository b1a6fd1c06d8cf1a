package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// damageCase is one damaged copy of a real archive.
type damageCase struct {
	name string
	data []byte
}

// damagedCopies cuts the archive at n lengths and flips a byte at n
// offsets: evenly spread over the file (every region: header pages,
// branch and leaf pages, payload overflow pages, free pages), plus the
// places a real cut or bit rot hurts most (page boundaries, the header
// pages' fields).
func damagedCopies(data []byte, n int) []damageCase {
	rng := rand.New(rand.NewPCG(15, uint64(len(data))))
	var out []damageCase
	size := len(data)
	lengths := []int{0, 1, 100, 4095, 4096, 8192, 8193, size - 4096, size - 1}
	for len(lengths) < n {
		lengths = append(lengths, rng.IntN(size))
	}
	for _, l := range lengths[:n] {
		out = append(out, damageCase{fmt.Sprintf("cut-%d", l), bytes.Clone(data[:l])})
	}
	// Meta page 0 fields (magic, page size, root, freelist, high-water
	// mark, checksum), meta page 1, the first bytes of pages (id, flags,
	// count, overflow), then anywhere.
	offsets := []int{16, 24, 32, 48, 56, 64, 72, 4096 + 32, 4096 + 56, 2*4096 + 10, 3*4096 + 8}
	for len(offsets) < n {
		if rng.IntN(3) == 0 {
			offsets = append(offsets, 4096*rng.IntN(size/4096)+rng.IntN(16)) // a page header
		} else {
			offsets = append(offsets, rng.IntN(size))
		}
	}
	for _, off := range offsets[:n] {
		d := bytes.Clone(data)
		d[off] ^= byte(1 + rng.IntN(255))
		out = append(out, damageCase{fmt.Sprintf("flip-%d", off), d})
	}
	return out
}

// TestDamagedArchives is the reliability test of #15: a real archive (the
// demo crawl) cut at many lengths and with bytes flipped at many offsets;
// every command must answer cleanly, or fail with one line on stderr and
// exit 2, or (exit 1) finish and say what it could not read; never panic
// or crash; and a command that refuses the file must leave it byte for
// byte as it was (a read command always must). The sweep of the issue (50
// cuts and 50 flips, 1,100 runs of the binary, a few minutes on two cores)
// runs with GONGKAI_DAMAGE_SWEEP=full, as .ci/run does; plain `go test`
// runs 5 of each and -short 3, so the README's test command stays quick.
func TestDamagedArchives(t *testing.T) {
	t.Parallel() // its own temp dir and server; overlaps the tests that wait on rate limits
	n := 5
	switch {
	case os.Getenv("GONGKAI_DAMAGE_SWEEP") == "full":
		n = 50
	case testing.Short():
		n = 3
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "archive.db")
	mustCrawl(t, dir, "demo", "--db", db)
	data, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	// A one-page site for `crawl run`.
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><body><a href="/ndbg/2021.html">2021年政府信息公开工作年度报告</a></body></html>`)
	}))
	defer site.Close()
	seedFile := filepath.Join(dir, "seeds.csv")
	if err := os.WriteFile(seedFile, []byte("url,agency\n"+site.URL+"/,测试县\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	type command struct {
		args   []string
		writes bool // may change the archive when it succeeds
	}
	// One command per way of reading the file (stats and agencies: the
	// counters and parsed index fields; export: every version, payload
	// and capture; history: one agency; errors: every capture; check and
	// repair: every page), plus the writers.
	commands := []command{
		{args: []string{"stats"}},
		{args: []string{"export", "--format", "jsonl"}},
		{args: []string{"export", "--format", "warc", "--out", "x.warc.gz"}},
		{args: []string{"history", "--agency", "新前街道"}},
		{args: []string{"reparse"}, writes: true},
		{args: []string{"errors"}},
		{args: []string{"agencies", "--json"}},
		{args: []string{"check"}},
		{args: []string{"check", "--repair", "--out", "repaired.db"}},
		{args: []string{"run", "--seeds", seedFile, "--allow-private", "--rate", "0", "--max-pages", "3", "--retries", "0", "--timeout", "5s"}, writes: true},
	}
	cases := damagedCopies(data, n)
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for _, dc := range cases {
		cdir := filepath.Join(dir, dc.name)
		if err := os.Mkdir(cdir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i, c := range commands {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				path := filepath.Join(cdir, fmt.Sprintf("%d.db", i))
				if err := os.WriteFile(path, dc.data, 0o644); err != nil {
					t.Error(err)
					return
				}
				args := append(append([]string(nil), c.args...), "--db", path)
				r := crawl(t, cdir, args...)
				checkDamageResult(t, dc, args, r)
				after, err := os.ReadFile(path)
				if err != nil {
					t.Error(err)
					return
				}
				if (!c.writes || r.code == 2) && sha256.Sum256(after) != sha256.Sum256(dc.data) {
					t.Errorf("%s: crawl %s (exit %d) changed the file", dc.name, strings.Join(args, " "), r.code)
				}
				if slices.Contains(args, "--repair") && r.code == 0 {
					// What repair salvaged is a sound archive.
					if rc := crawl(t, cdir, "check", "--db", "repaired.db"); rc.code != 0 {
						t.Errorf("%s: the repaired copy does not check clean (exit %d):\n%.3000s%s", dc.name, rc.code, rc.stdout, rc.stderr)
					}
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			serveDamaged(t, dc, filepath.Join(cdir, "serve.db"))
		}()
	}
	wg.Wait()
}

// checkDamageResult: a clean answer (exit 0, or exit 1 with one line: a
// job that ran and reports a failure) or one line and exit 2; never a
// panic, a stack or a fatal error.
func checkDamageResult(t *testing.T, dc damageCase, args []string, r result) {
	t.Helper()
	cmd := "crawl " + strings.Join(args, " ")
	for _, bad := range []string{"panic", "goroutine ", "fatal error", "SIGSEGV", "SIGBUS"} {
		if strings.Contains(r.stderr, bad) {
			t.Errorf("%s: %s: stderr has %q:\n%.2000s", dc.name, cmd, bad, r.stderr)
			return
		}
	}
	lines := r.stderrLines()
	switch r.code {
	case 0:
	case 1:
		// The job ran and says what it could not do (export leaves out a
		// payload that fails its digest, reparse a record it cannot
		// read, check lists problems): every line is the command's own.
		for _, l := range lines {
			if !strings.HasPrefix(l, "crawl ") {
				t.Errorf("%s: %s: exit 1, stderr line %q is not the command's:\n%.2000s", dc.name, cmd, l, r.stderr)
				break
			}
		}
	case 2:
		if len(lines) != 1 || !strings.HasPrefix(lines[0], "crawl ") {
			t.Errorf("%s: %s: exit 2 with %d stderr lines, want one:\n%.2000s", dc.name, cmd, len(lines), r.stderr)
		}
	default:
		t.Errorf("%s: %s: exit %d:\n%.2000s", dc.name, cmd, r.code, r.stderr)
	}
}

// serveDamaged starts `crawl serve` on a damaged copy: it either refuses
// to start (one line, exit 2) or serves every page without crashing, and
// stops cleanly on SIGINT, leaving the file as it was.
func serveDamaged(t *testing.T, dc damageCase, path string) {
	if err := os.WriteFile(path, dc.data, 0o644); err != nil {
		t.Error(err)
		return
	}
	cmd := exec.Command(bin, "serve", "--db", path, "--addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Error(err)
		return
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Error(err)
		return
	}
	defer cmd.Process.Kill()
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if i := strings.Index(line, "http://"); i >= 0 {
		base := strings.Fields(line[i:])[0]
		client := &http.Client{Timeout: 20 * time.Second}
		for _, p := range []string{"", "?q=街道", "agency/" + "新前街道", "export/jsonl", "export/csv"} {
			resp, err := client.Get(base + p)
			if err != nil {
				t.Errorf("%s: serve: GET /%s: %v (stderr %.1000s)", dc.name, p, err, stderr.String())
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		cmd.Process.Signal(syscall.SIGINT)
	}
	err = cmd.Wait()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	checkDamageResult(t, dc, []string{"serve"}, result{stderr: firstLines(stderr.String(), line), code: code})
	// A server holds the archive for writing when it may (a crawl can be
	// handed to it), so only one that refused to start must leave the
	// file exactly as it was.
	if after, err := os.ReadFile(path); code == 2 && (err != nil || sha256.Sum256(after) != sha256.Sum256(dc.data)) {
		t.Errorf("%s: serve refused to start but changed the file (%v)", dc.name, err)
	}
}

// firstLines keeps what serve printed on stderr apart from the request
// log lines it writes while serving (errors of single requests are
// logged, one line each, and are not the command's error).
func firstLines(stderr, listening string) string {
	if listening == "" {
		return stderr
	}
	for _, l := range strings.Split(stderr, "\n") {
		for _, bad := range []string{"panic", "goroutine ", "fatal error"} {
			if strings.Contains(l, bad) {
				return stderr
			}
		}
	}
	return ""
}

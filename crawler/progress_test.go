package crawler

import (
	"bytes"
	"regexp"
	"testing"
)

// Off a terminal (cron), progress is plain log lines: one per finished
// seed and a summary, no carriage returns or escape codes.
func TestProgressPlainLines(t *testing.T) {
	p := newPortal(t)
	buildPortal(p, "plain", "http://192.0.2.1")
	var out bytes.Buffer
	cfg := testConfig()
	cfg.Progress = &out
	sum := crawl(t, testStore(t), cfg, p.url("/"), "http://127.0.0.1:1/")
	s := out.String()
	for _, re := range []string{
		`(?m)^\d{4}-\d\d-\d\dT\S+ crawl: seed ` + regexp.QuoteMeta(p.url("/")) + `: ok, 20 pages, 14 reports, 0 errors$`,
		`(?m)^\d{4}-\d\d-\d\dT\S+ crawl: seed http://127.0.0.1:1/: unreachable, 1 pages, 0 reports, 1 errors \(refused: .*\)$`,
		`(?m)^crawl done in \S+: 21 pages, 14 reports, 0 not modified, 20 new payloads, 1 errors, 0 blocked, 1 unreachable seeds, \d+ requests, \d+ bytes$`,
	} {
		if !regexp.MustCompile(re).MatchString(s) {
			t.Errorf("progress output lacks %s:\n%s", re, s)
		}
	}
	if bytes.ContainsAny(out.Bytes(), "\r\033") {
		t.Errorf("terminal control characters in plain output: %q", s)
	}
	if len(sum.Unreachable()) != 1 {
		t.Errorf("unreachable seeds: %v", sum.Unreachable())
	}
}

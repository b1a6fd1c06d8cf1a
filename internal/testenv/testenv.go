// Package testenv tells tests which of the slow suites to run, like the
// Go tree's own internal/testenv.
//
// `go test ./...` (the README's test command) stays near a minute on two
// cores; a few suites that take longer than the rest of their package
// (a 60 MB archive written twice, PDFs rendered by Chromium and
// LibreOffice, every dumped record compared) run in full only when built
// with the slow tag, as .ci/run does:
//
//	go test -tags slow -run 'TestMappedReleaseBoundsRss|TestRegenerate' ./archive ./internal/pdffixture
package testenv

import "testing"

// SkipUnlessSlow skips t unless the tests were built with the slow tag,
// saying what it would have done and how to run it.
func SkipUnlessSlow(t testing.TB, what string) {
	t.Helper()
	if !Slow {
		t.Skipf("%s: a slow suite, run with `go test -tags slow` (.ci/run does)", what)
	}
}

package archive

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// guard runs fn, which reads the file through bbolt's mapping, so that a
// damaged page gives an error instead of killing the process: a fault on
// the mapping (SIGSEGV, SIGBUS on a page past the end of a cut file)
// becomes a panic in this goroutine (debug.SetPanicOnFault), and that
// panic, or one raised inside bbolt by a page it cannot make sense of
// ("assertion failed: Page expected to be..."), becomes a *DamageError.
// Any other panic is a bug and is re-raised with its stack.
//
// SetPanicOnFault is per goroutine, so every transaction runs inside
// guard in the goroutine that runs it (Store.view, the writer, Open).
func guard(path string, fn func() error) (err error) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		fault, ok := fromDamage(r)
		if !ok {
			panic(r)
		}
		what := "bbolt: " + strings.Join(strings.Fields(fmt.Sprint(r)), " ")
		if fault {
			what = "memory fault reading the file (a page is missing or points outside the file)"
		}
		err = damaged(path, "%s; `crawl check` lists what is wrong", what)
	}()
	return fn()
}

// fromDamage reports whether a recovered panic comes from reading a
// damaged file: a memory fault at an address (fault; only
// SetPanicOnFault makes those), or a panic raised inside bbolt. It must be
// called from the deferred function, while the panicking frames are
// still on the stack.
func fromDamage(r any) (fault, ok bool) {
	var addr interface{ Addr() uintptr }
	if err, ok := r.(error); ok && errors.As(err, &addr) {
		return true, true
	}
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	panicking := false
	for {
		f, more := frames.Next()
		switch {
		case f.Function == "runtime.gopanic":
			panicking = true
		case panicking && strings.HasPrefix(f.Function, "runtime."):
			// runtime.panicIndex and friends: look at their caller
		case panicking:
			return false, strings.HasPrefix(f.Function, "go.etcd.io/bbolt")
		}
		if !more {
			return false, false
		}
	}
}

// Command crawl is gongkai's command line: it crawls government portals for
// annual reports (政府信息公开工作年度报告) into an archive file and reads
// them back out (export, history, stats, serve). This package only parses
// flags and wires the stages together; the work is done by crawler,
// archive, extract, internal/export and internal/web.
//
// Exit status: 0 success; 1 the job ran but something failed that the user
// must see; 2 bad usage or bad input. Errors are one line each on stderr;
// data goes to stdout.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
)

// command is one subcommand: its help and its entry point.
type command struct {
	name    string
	summary string // one line for `crawl help`
	usage   string // synopsis, e.g. "crawl parse [flags] FILE..."
	detail  string // what it does, several lines
	example string // example invocations
	flags   func(*flagSet)
	run     func(ctx context.Context, e *env, fs *flagSet) error
	// viaHolder: while another process holds the archive (crawl run, crawl
	// serve), the command runs through that process (forward.go) instead
	// of failing on the lock; it must open the archive with e.open.
	viaHolder bool
	fileArgs  bool // the positional arguments are files (made absolute when forwarded)
}

// commands in the order `crawl help` lists them.
func commands() []*command {
	return []*command{runCmd(), demoCmd(), parseCmd(), reparseCmd(), exportCmd(), historyCmd(), statsCmd(), serveCmd(), mergeCmd(), checkCmd(), errorsCmd(), agenciesCmd(), statusCmd()}
}

// env is the process's outside world, passed down so tests and commands
// share no globals.
type env struct {
	stdout, stderr io.Writer
	stdin          io.Reader
	term           bool // stderr is a terminal: show progress
	stdoutTerm     bool // stdout is a terminal: no binary output there
	cmd            string
	held           *held    // set when the command runs inside the process holding the archive
	args           []string // the command line, without the program name
}

func main() {
	// Extraction is CPU-bound and spends about a quarter of its time in the
	// garbage collector while the live heap stays at tens of MB (see
	// BENCHMARKS.md, Extract): trade a little memory for CPU unless the user
	// set GOGC.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	e := &env{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin, term: isTerminal(os.Stderr), stdoutTerm: isTerminal(os.Stdout)}
	ctx, cancel := context.WithCancel(context.Background())
	// The first Ctrl-C (or SIGTERM) cancels the context: commands stop
	// cleanly and close the archive. A second one quits at once; the
	// archive file survives that too (bbolt commits are atomic).
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		cancel()
		if e.term {
			fmt.Fprint(e.stderr, "\r\033[Kstopping cleanly (press Ctrl-C again to quit at once)\n")
		}
		<-sigs
		os.Exit(1)
	}()
	code := realMain(ctx, os.Args[1:], e)
	cancel()
	os.Exit(code)
}

// realMain runs one command line and returns the exit status.
func realMain(ctx context.Context, args []string, e *env) int {
	if len(args) == 0 {
		writeHelp(e.stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if c := lookup(args[1]); c != nil {
				writeCommandHelp(e.stdout, c)
				return 0
			}
			fmt.Fprintf(e.stderr, "crawl help: unknown command %q (try: crawl help)\n", args[1])
			return 2
		}
		writeHelp(e.stdout)
		return 0
	}
	c := lookup(name)
	if c == nil {
		fmt.Fprintf(e.stderr, "crawl: unknown command %q (try: crawl help)\n", name)
		return 2
	}
	e.cmd = "crawl " + c.name
	e.args = args
	fs := newFlagSet(c)
	if err := fs.parse(args[1:]); err != nil {
		if errors.Is(err, errHelp) {
			writeCommandHelp(e.stdout, c)
			return 0
		}
		return report(e, usageErrorf("%v (see crawl %s -h)", err, c.name))
	}
	if c.viaHolder && e.held == nil {
		if code, ok := forward(ctx, e, c, fs); ok {
			return code
		}
	}
	return report(e, c.run(ctx, e, fs))
}

func lookup(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

// exitError carries an exit status with the message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErrorf is bad usage or bad input: exit 2.
func usageErrorf(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

// badInput marks err as bad input (unreadable file, locked database): exit 2.
func badInput(err error) error { return &exitError{code: 2, err: err} }

// failed marks a job that ran but must be reported as failing: exit 1.
func failed(err error) error { return &exitError{code: 1, err: err} }

// report prints err as one line and returns the exit status for it.
func report(e *env, err error) int {
	if err == nil {
		return 0
	}
	code := 1
	var xe *exitError
	if errors.As(err, &xe) {
		code = xe.code
	}
	if errors.Is(err, context.Canceled) {
		err = errors.New("interrupted; run the same command again to continue")
	}
	msg := strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", " ")), " ")
	fmt.Fprintf(e.stderr, "%s: %s\n", e.cmd, msg)
	var le *listError
	if errors.As(err, &le) {
		for _, item := range le.items {
			fmt.Fprintf(e.stderr, "  %s\n", item)
		}
	}
	return code
}

// isTerminal reports whether f is a character device (a terminal), without
// a terminal library: enough to decide whether to draw progress.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

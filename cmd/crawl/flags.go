package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

var errHelp = errors.New("help requested")

// flagSet is a flag.FlagSet that accepts flags and arguments in any order
// (`crawl run --seeds a.csv b.csv --rate 0`) and keeps the positional
// arguments.
type flagSet struct {
	*flag.FlagSet
	args []string
	db   *string
}

func newFlagSet(c *command) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(c.name, flag.ContinueOnError)}
	fs.SetOutput(io.Discard) // errors are reported by realMain as one line
	fs.db = fs.String("db", "archive.db", "the archive `FILE`")
	if c.flags != nil {
		c.flags(fs)
	}
	return fs
}

// parse parses args, collecting positional arguments between flags.
func (fs *flagSet) parse(args []string) error {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return errHelp
			}
			return err
		}
		rest := fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			fs.args = append(fs.args, rest...) // "--" ends the flags
			return nil
		}
		i := 0
		for i < len(rest) && (!strings.HasPrefix(rest[i], "-") || rest[i] == "-") {
			i++
		}
		fs.args = append(fs.args, rest[:i]...)
		if i == len(rest) {
			return nil
		}
		if rest[i] == "--" {
			fs.args = append(fs.args, rest[i+1:]...)
			return nil
		}
		args = rest[i:]
	}
}

// isSet reports whether the flag was given on the command line.
func (fs *flagSet) isSet(name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

// listFlag is a flag that may be repeated and takes comma-separated values.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// writeHelp lists the commands.
func writeHelp(w io.Writer) {
	fmt.Fprint(w, `crawl: archive Chinese government information-disclosure annual reports
(政府信息公开工作年度报告): crawl portals, keep every version byte for byte,
turn the report tables into data.

usage: crawl COMMAND [flags]

commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Every command takes --db PATH (default archive.db). "crawl help COMMAND" or
"crawl COMMAND -h" explains a command's flags with examples.

exit status: 0 success; 1 the job ran but something failed that you must
see; 2 bad usage or bad input (unreadable file, unknown format, locked or
corrupt archive). Errors are one line on stderr; data goes to stdout.

start here:
  crawl demo
`)
}

// writeCommandHelp explains one command and every flag.
func writeCommandHelp(w io.Writer, c *command) {
	fs := newFlagSet(c)
	fmt.Fprintf(w, "usage: %s\n\n%s\n\nflags:\n", c.usage, strings.TrimSpace(c.detail))
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if name != "" {
			line += " " + name
		}
		fmt.Fprintf(w, "%s\n    \t%s", line, strings.ReplaceAll(usage, "\n", "\n    \t"))
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
	fmt.Fprintf(w, "\nexamples:\n%s\n", strings.TrimRight(c.example, "\n"))
}

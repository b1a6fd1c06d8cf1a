package export

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// WriteHistory prints a history for a person at a terminal.
func WriteHistory(w io.Writer, h *History) error {
	ew := &errWriter{w: w}
	region := ""
	if h.Region != "" {
		region = " (" + h.Region + ")"
	}
	years := "report years"
	if len(h.Years) == 1 {
		years = "report year"
	}
	ew.printf("%s%s: %d %s\n", h.Agency, region, len(h.Years), years)
	for _, y := range h.Years {
		ew.printf("\n%d\n", y.Year)
		for _, r := range y.Reports {
			ew.printf("  %s [template %s]\n  %s\n", r.Title, r.Template, r.URL)
			for _, f := range r.Files {
				ew.printf("  + %s (the same report)\n", f)
			}
			for _, v := range r.Versions {
				ew.printf("    v%d %s… %s, captured %s\n", v.Seq, short(v.SHA256), v.Charset, strings.Join(v.CapturedAt, ", "))
				if len(v.Files) > 0 {
					var files []string
					for _, f := range v.Files {
						files = append(files, f.TablesSource+" "+short(f.SHA256)+"…")
					}
					ew.printf("       files: %s; tables from %s\n", strings.Join(files, ", "), v.TablesSource)
				}
				if len(v.FailedChecks) > 0 {
					ew.printf("       failed checks: %s\n", strings.Join(v.FailedChecks, ", "))
				}
				if c := v.Change; c != nil {
					switch {
					case c.BytesOnly:
						ew.printf("       changed: bytes only (same text and cells)\n")
					default:
						what := []string{}
						if c.TextChanged {
							what = append(what, "text changed")
						}
						if len(c.Cells) > 0 {
							what = append(what, fmt.Sprintf("%d cells changed", len(c.Cells)))
						}
						ew.printf("       changed: %s\n", strings.Join(what, ", "))
						for _, cc := range c.Cells {
							ew.printf("         %s: %q → %q\n", cc.Cell, cc.Old, cc.New)
						}
					}
				}
			}
		}
	}
	if len(h.Figures) > 0 {
		ew.printf("\nkey figures (latest version of each year; requests table 总计 column)\n")
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
		head := "year\ttemplate\t"
		for _, k := range KeyFigures {
			head += k.Name + "\t"
		}
		fmt.Fprintln(tw, head)
		for _, f := range h.Figures {
			line := fmt.Sprintf("%d\t%s\t", f.Year, f.Template)
			for _, k := range KeyFigures {
				v := f.Values[k.Name]
				if v == "" {
					v = "-"
				}
				line += v + "\t"
			}
			fmt.Fprintln(tw, line)
		}
		tw.Flush()
	}
	if len(h.Checks) > 0 {
		ew.printf("\nacross years\n")
		for _, c := range h.Checks {
			ew.printf("  %d %s: %s", c.Year, c.ID, c.Status)
			if c.Detail != "" {
				ew.printf(" (%s)", c.Detail)
			}
			ew.printf("\n")
		}
	}
	return ew.err
}

// WriteStats prints the archive counts.
func WriteStats(w io.Writer, st *Stats) error {
	ew := &errWriter{w: w}
	ew.printf("captures          %d (%d URLs, %d failed, %d not modified)\n", st.Captures, st.URLs, st.FailedCaptures, st.NotModified)
	ew.printf("unique payloads   %d\n", st.UniquePayloads)
	ew.printf("payload bytes     %d fetched, %d unique, %d stored compressed", st.FetchedBytes, st.UniqueBytes, st.StoredBytes)
	if st.FileBytes > 0 {
		ew.printf(", archive file %d", st.FileBytes)
	}
	ew.printf("\ncrawl runs        %d\n", st.Runs)
	if len(st.LastRunNotes) > 0 {
		ew.printf("last run: %d unknown pagers (hosts whose lists need a new adapter)\n", st.UnknownPagers)
		for _, n := range st.LastRunNotes {
			ew.printf("  %s\n", n)
		}
	}
	ew.printf("\nparsed records by year × template × kind\n")
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  year\ttemplate\tkind\tcount")
	for _, r := range st.Reports {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\n", yearOrDash(r.Year), orDash(r.Template), r.Kind, r.Count)
	}
	tw.Flush()
	if len(st.Publications) > 0 {
		ew.printf("\nreports by year × template × kind (a page and its PDF/DOCX attachment once)\n")
		tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  year\ttemplate\tkind\treports\tversions\twith attachment\tfailing a check\ttables from")
		for _, p := range st.Publications {
			var from []string
			for _, s := range sortedKeys(p.TablesSource) {
				from = append(from, fmt.Sprintf("%s %d", s, p.TablesSource[s]))
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\n", yearOrDash(p.Year), orDash(p.Template), p.Kind,
				p.Reports, p.Versions, p.WithAttachments, p.Failed, strings.Join(from, ", "))
		}
		tw.Flush()
	}
	writeCounts(ew, "failed checks", st.FailedChecks)
	writeCounts(ew, "fetch errors by kind", st.ErrorsByKind)
	if len(st.Seeds) > 0 {
		ew.printf("\nper seed\n")
		tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		// The agency goes last: tabwriter counts a CJK character as one
		// column, a terminal draws it as two.
		fmt.Fprintln(tw, "  seed\tcaptures\terrors\tblocked\treports\treach\tagency")
		for _, s := range st.Seeds {
			reach := "ok"
			if s.Unreachable {
				reach = "UNREACHABLE"
			}
			seed := s.Seed
			if seed == "" {
				seed = "(no seed)"
			}
			fmt.Fprintf(tw, "  %s\t%d\t%d\t%d\t%d\t%s\t%s\n", seed, s.Captures, s.Errors, s.Blocked, s.Reports, reach, s.Agency)
		}
		tw.Flush()
	}
	return ew.err
}

func writeCounts(ew *errWriter, title string, m map[string]int) {
	ew.printf("\n%s", title)
	if len(m) == 0 {
		ew.printf(": none\n")
		return
	}
	ew.printf("\n")
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ew.printf("  %-28s %d\n", k, m[k])
	}
}

func short(digest string) string {
	if len(digest) > 12 {
		return digest[:12]
	}
	return digest
}

// errWriter keeps the first write error so printing code stays linear.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) {
	fmt.Fprintf(e, format, args...)
}

func yearOrDash(y int) string { return orDash(yearString(y)) }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

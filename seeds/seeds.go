// Package seeds reads seed lists: the portal home pages and column pages a
// crawl starts from (seeds/*.csv, format in shared/spec/interface.md).
package seeds

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/gongkai/gongkai/extract/charset"
)

// Seed is one starting point of a crawl.
type Seed struct {
	URL    string // absolute http(s) URL of a portal home page or column page
	Agency string // 发布机关, the publishing body, if the list names it
	Region string // 行政区划, administrative division name or code, if given
	Level  string // national, province, city, county, township, department, or ""
	Line   int    // line of the seed list it came from (1-based)
}

// Levels are the accepted values of the level column.
var levels = map[string]bool{
	"": true, "national": true, "province": true, "city": true,
	"county": true, "township": true, "department": true,
}

// LineError is one bad line of a seed list; the line is skipped.
type LineError struct {
	Name string // file name as given to Load
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %v", e.Name, e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// Load reads a seed list: UTF-8 CSV with a header holding a url column and
// optional agency, region and level columns, or plain text with one URL per
// line. Lines starting with # are comments. Each bad line is returned as a
// *LineError and skipped; a read failure of the whole input is returned as a
// single error with line 0.
//
// A list that is not UTF-8 (Excel on Chinese Windows saves "CSV" in GBK)
// is converted when its encoding is clear, with a *Notice naming it among
// the errors, and refused with one error otherwise. A header separated by
// semicolons or tabs (what Excel writes where the comma is a decimal
// mark) makes the whole list read that way.
func Load(r io.Reader, name string) ([]Seed, []error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, []error{fmt.Errorf("read seed list %s: %w", name, err)}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var notes []error
	if !utf8.Valid(data) {
		text, note, err := toUTF8(data, name)
		if err != nil {
			return nil, []error{err}
		}
		data, notes = text, []error{note}
	}
	var out []Seed
	var errs []error
	if sep, ok := csvSeparator(data); ok {
		out, errs = loadCSV(data, name, sep)
	} else {
		out, errs = loadPlain(data, name)
	}
	return out, append(notes, errs...)
}

// Notice is something to tell the user about a seed list that was read
// anyway: the encoding it was converted from.
type Notice struct {
	Name string
	Msg  string
}

func (n *Notice) Error() string { return n.Name + ": " + n.Msg }

// toUTF8 converts a seed list that is not UTF-8, deciding its encoding
// the way pages are decided (extract/charset: GB18030 vs Big5 scored on
// common hanzi); an unclear or binary file is an error.
func toUTF8(data []byte, name string) ([]byte, *Notice, error) {
	res, err := charset.Decode(data, "", "")
	switch {
	case err != nil:
		return nil, nil, fmt.Errorf("seed list %s: %w", name, err)
	case res.Class == charset.ClassOffice || res.Class == charset.ClassZip:
		return nil, nil, fmt.Errorf("seed list %s is a spreadsheet, not text: save it as \"CSV UTF-8\"", name)
	case res.Class != charset.ClassText:
		return nil, nil, fmt.Errorf("seed list %s is not a text file (%s)", name, res.Class)
	case res.Degraded:
		return nil, nil, fmt.Errorf("seed list %s is not UTF-8 and its encoding is unclear (%s at best, %d characters unreadable): save it as \"CSV UTF-8\"", name, res.Charset, res.Replacements)
	}
	enc := strings.ToUpper(res.Charset)
	if res.Charset == "gb18030" || res.Charset == "gbk" {
		enc = "GBK (GB18030), as Excel on Chinese Windows saves CSV"
	}
	return []byte(res.Text), &Notice{Name: name, Msg: fmt.Sprintf("not UTF-8: read as %s; save it as \"CSV UTF-8\" to be sure", enc)}, nil
}

// csvSeparator reports whether the first meaningful line is a header
// naming a url column, and the separator it uses (comma, semicolon or tab).
func csvSeparator(data []byte) (rune, bool) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		for _, sep := range []string{",", ";", "\t"} {
			for _, f := range strings.Split(line, sep) {
				if strings.EqualFold(strings.Trim(strings.TrimSpace(f), `"`), "url") {
					return rune(sep[0]), true
				}
			}
		}
		return 0, false
	}
	return 0, false
}

// LoadFile reads the seed list at path.
func LoadFile(path string) ([]Seed, []error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, []error{fmt.Errorf("open seed list: %w", err)}
	}
	defer f.Close()
	return Load(f, path)
}

func loadCSV(data []byte, name string, sep rune) ([]Seed, []error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sep
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.LazyQuotes = true
	header, err := cr.Read()
	if err != nil {
		return nil, []error{&LineError{Name: name, Line: 1, Err: fmt.Errorf("header: %w", err)}}
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	get := func(rec []string, k string) string {
		if i, ok := col[k]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var out []Seed
	var errs []error
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// LazyQuotes and FieldsPerRecord=-1 leave only unrecoverable errors.
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			errs = append(errs, &LineError{Name: name, Line: line, Err: err})
			break
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) > len(header) {
			errs = append(errs, &LineError{Name: name, Line: line, Err: fmt.Errorf("%d fields, header has %d", len(rec), len(header))})
			continue
		}
		s := Seed{URL: get(rec, "url"), Agency: get(rec, "agency"), Region: get(rec, "region"),
			Level: strings.ToLower(get(rec, "level")), Line: line}
		if err := check(&s); err != nil {
			errs = append(errs, &LineError{Name: name, Line: line, Err: err})
			continue
		}
		out = append(out, s)
	}
	return out, errs
}

func loadPlain(data []byte, name string) ([]Seed, []error) {
	var out []Seed
	var errs []error
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		s := Seed{URL: line, Line: n}
		if err := oneURL(line); err != nil {
			errs = append(errs, &LineError{Name: name, Line: n, Err: err})
			continue
		}
		if err := check(&s); err != nil {
			errs = append(errs, &LineError{Name: name, Line: n, Err: err})
			continue
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, &LineError{Name: name, Line: n + 1, Err: err})
	}
	return out, errs
}

// check validates and normalises one seed in place.
func check(s *Seed) error {
	if s.URL == "" {
		return errors.New("empty url")
	}
	u, err := url.Parse(s.URL)
	if err != nil {
		return fmt.Errorf("bad url %q: %w", s.URL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("bad url %q: scheme must be http or https", s.URL)
	}
	if u.Hostname() == "" {
		return fmt.Errorf("bad url %q: no host", s.URL)
	}
	if !levels[s.Level] {
		return fmt.Errorf("unknown level %q (want national, province, city, county, township or department)", s.Level)
	}
	if u.Path == "" {
		u.Path = "/"
	}
	s.URL = u.String()
	return nil
}

// oneURL refuses a line of a plain list that holds more than a URL: a
// row of a separated file without its header (",甲" or ";甲" after the
// URL would otherwise be crawled as part of it).
func oneURL(line string) error {
	if i := strings.IndexAny(line, " \t"); i >= 0 {
		return fmt.Errorf("%q is more than one URL (a list with several columns needs a header line naming them, e.g. url,agency)", line)
	}
	for _, sep := range []string{",", ";"} {
		if i := strings.Index(line, sep); i >= 0 {
			rest := line[i+1:]
			for _, r := range rest {
				if r >= utf8.RuneSelf { // hanzi after a separator: a name, not a URL
					return fmt.Errorf("%q is a URL followed by %q (a list with several columns needs a header line naming them, e.g. url%sagency)", line, rest, sep)
				}
			}
		}
	}
	return nil
}

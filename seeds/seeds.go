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
func Load(r io.Reader, name string) ([]Seed, []error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, []error{fmt.Errorf("read seed list %s: %w", name, err)}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if isCSV(data) {
		return loadCSV(data, name)
	}
	return loadPlain(data, name)
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

// isCSV reports whether the first meaningful line is a header naming a url column.
func isCSV(data []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		for _, f := range strings.Split(line, ",") {
			if strings.EqualFold(strings.Trim(strings.TrimSpace(f), `"`), "url") {
				return true
			}
		}
		return false
	}
	return false
}

func loadCSV(data []byte, name string) ([]Seed, []error) {
	cr := csv.NewReader(bytes.NewReader(data))
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

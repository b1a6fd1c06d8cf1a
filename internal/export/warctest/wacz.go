package warctest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// WACZ is a WACZ package read back and checked.
type WACZ struct {
	Package map[string]any    // datapackage.json
	Files   map[string][]byte // every file by path
	Records []Record          // of the WARC, each checked as Read does
	Index   []IndexLine       // every CDXJ line, each resolved to its record
	Pages   []map[string]any  // pages.jsonl after its header line
}

// IndexLine is one CDXJ line and the record it points at.
type IndexLine struct {
	Key, Timestamp string
	Fields         map[string]string
	Record         Record
}

// ReadWACZ reads a WACZ 1.1.1 package and checks it as a replay tool would
// rely on it: datapackage.json lists every other file with its size and
// sha256 (and nothing else), datapackage-digest.json holds the sha256 of
// datapackage.json, the WARC is stored uncompressed in the ZIP and valid,
// every index line's offset and length cut out exactly one record with the
// line's URL, timestamp and digest, and every page opens a record at its
// URL and time.
func ReadWACZ(data []byte) (*WACZ, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("wacz: %w", err)
	}
	w := &WACZ{Files: map[string][]byte{}}
	var warcs []string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("wacz %s: %w", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("wacz %s: %w", f.Name, err)
		}
		w.Files[f.Name] = b
		if strings.HasPrefix(f.Name, "archive/") {
			if f.Method != zip.Store {
				return nil, fmt.Errorf("wacz %s is compressed in the zip: replay reads it by range", f.Name)
			}
			warcs = append(warcs, f.Name)
		}
	}
	if err := w.checkDigests(); err != nil {
		return nil, err
	}
	if len(warcs) != 1 {
		return nil, fmt.Errorf("wacz: %d WARC files, want 1", len(warcs))
	}
	warc := w.Files[warcs[0]]
	if w.Records, err = Read(warc); err != nil {
		return nil, fmt.Errorf("wacz %s: %w", warcs[0], err)
	}
	if err := w.checkIndex(warc, warcs[0]); err != nil {
		return nil, err
	}
	return w, w.checkPages()
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

func (w *WACZ) checkDigests() error {
	pj, ok := w.Files["datapackage.json"]
	if !ok {
		return fmt.Errorf("wacz: no datapackage.json")
	}
	var dig struct{ Path, Hash string }
	if err := json.Unmarshal(w.Files["datapackage-digest.json"], &dig); err != nil {
		return fmt.Errorf("wacz datapackage-digest.json: %w", err)
	}
	if dig.Path != "datapackage.json" || dig.Hash != sum(pj) {
		return fmt.Errorf("wacz datapackage-digest.json %+v, datapackage.json hashes to %s", dig, sum(pj))
	}
	if err := json.Unmarshal(pj, &w.Package); err != nil {
		return fmt.Errorf("wacz datapackage.json: %w", err)
	}
	var pkg struct {
		Profile     string `json:"profile"`
		WACZVersion string `json:"wacz_version"`
		Resources   []struct {
			Name, Path, Hash string
			Bytes            int64
		} `json:"resources"`
	}
	if err := json.Unmarshal(pj, &pkg); err != nil {
		return fmt.Errorf("wacz datapackage.json: %w", err)
	}
	if pkg.Profile != "data-package" || pkg.WACZVersion != "1.1.1" {
		return fmt.Errorf("wacz datapackage.json profile %q version %q", pkg.Profile, pkg.WACZVersion)
	}
	listed := map[string]bool{}
	for _, r := range pkg.Resources {
		b, ok := w.Files[r.Path]
		if !ok {
			return fmt.Errorf("wacz: datapackage.json lists %s, the zip has no such file", r.Path)
		}
		if r.Hash != sum(b) || r.Bytes != int64(len(b)) {
			return fmt.Errorf("wacz %s: listed %s %d bytes, is %s %d bytes", r.Path, r.Hash, r.Bytes, sum(b), len(b))
		}
		listed[r.Path] = true
	}
	for name := range w.Files {
		if !listed[name] && name != "datapackage.json" && name != "datapackage-digest.json" {
			return fmt.Errorf("wacz: %s is not listed in datapackage.json", name)
		}
	}
	for _, must := range []string{"pages/pages.jsonl"} {
		if !listed[must] {
			return fmt.Errorf("wacz: no %s", must)
		}
	}
	return nil
}

func (w *WACZ) checkIndex(warc []byte, warcPath string) error {
	byOffset := map[int64]Record{}
	for _, r := range w.Records {
		byOffset[r.Offset] = r
	}
	var lines []string
	for name, b := range w.Files {
		if strings.HasPrefix(name, "indexes/") {
			lines = append(lines, strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")...)
		}
	}
	if !slices.IsSorted(lines) {
		return fmt.Errorf("wacz: index not sorted")
	}
	for _, l := range lines {
		key, rest, _ := strings.Cut(l, " ")
		ts, js, _ := strings.Cut(rest, " ")
		il := IndexLine{Key: key, Timestamp: ts}
		if err := json.Unmarshal([]byte(js), &il.Fields); err != nil {
			return fmt.Errorf("wacz index line %q: %w", l, err)
		}
		off, err1 := strconv.ParseInt(il.Fields["offset"], 10, 64)
		length, err2 := strconv.ParseInt(il.Fields["length"], 10, 64)
		if err1 != nil || err2 != nil || off < 0 || length <= 0 || off+length > int64(len(warc)) {
			return fmt.Errorf("wacz index line %q: bad offset/length", l)
		}
		if "archive/"+il.Fields["filename"] != warcPath {
			return fmt.Errorf("wacz index line %q names %s, the WARC is %s", l, il.Fields["filename"], warcPath)
		}
		one, err := Read(warc[off : off+length])
		if err != nil || len(one) != 1 {
			return fmt.Errorf("wacz index line %q: %d records at its offset (%v)", l, len(one), err)
		}
		rec, ok := byOffset[off]
		if !ok || rec.Header["WARC-Record-ID"] != one[0].Header["WARC-Record-ID"] {
			return fmt.Errorf("wacz index line %q: offset %d is not a record start", l, off)
		}
		date := strings.NewReplacer("-", "", "T", "", ":", "", "Z", "").Replace(rec.Header["WARC-Date"])
		if rec.Header["WARC-Target-URI"] != il.Fields["url"] || date != ts ||
			"sha256:"+il.Fields["digest"] != rec.Header["WARC-Payload-Digest"] {
			return fmt.Errorf("wacz index line %q does not match its record %v", l, rec.Header)
		}
		il.Record = rec
		w.Index = append(w.Index, il)
	}
	return nil
}

func (w *WACZ) checkPages() error {
	sc := bufio.NewScanner(bytes.NewReader(w.Files["pages/pages.jsonl"]))
	sc.Buffer(nil, 1<<20)
	at := map[string]bool{} // url + " " + 14-digit time of every indexed record
	for _, il := range w.Index {
		at[il.Fields["url"]+" "+il.Timestamp] = true
	}
	for i := 0; sc.Scan(); i++ {
		var p map[string]any
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return fmt.Errorf("wacz pages line %d: %w", i+1, err)
		}
		if i == 0 {
			if p["format"] != "json-pages-1.0" {
				return fmt.Errorf("wacz pages header %s", sc.Text())
			}
			continue
		}
		u, _ := p["url"].(string)
		ts, _ := p["ts"].(string)
		key := strings.NewReplacer("-", "", "T", "", ":", "", "Z", "").Replace(ts)
		if u == "" || !at[u+" "+key] {
			return fmt.Errorf("wacz page %s does not open a record of the WARC", sc.Text())
		}
		w.Pages = append(w.Pages, p)
	}
	return sc.Err()
}

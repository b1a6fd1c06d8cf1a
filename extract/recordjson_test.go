package extract_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"math/rand"
	"reflect"
	"testing"

	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/testenv"
)

// jsonPieces are the strings json escapes or copies in a special way:
// HTML characters, quotes, control bytes, U+2028/9, invalid and cut UTF-8,
// DEL, hanzi and 4-byte characters.
var jsonPieces = []string{
	"", "a", "中文", "<", ">", "&", `"`, `\`, "\n", "\r", "\t", "\b", "\f", "\x00", "\x1f", "\x7f",
	"\u2028", "\u2029", "\u2027", "\xe2\x80", "\xff", "\xe4\xb8", "\xed\xa0\x80", "𠀀", "\ufffd", "é", " ",
}

// equalJSON fails the test if r's EncodeJSON differs from json.Marshal.
func equalJSON(t *testing.T, name string, r *extract.Record) {
	t.Helper()
	want, werr := json.Marshal(r)
	got, gerr := r.EncodeJSON()
	if (werr != nil) != (gerr != nil) || werr != nil && werr.Error() != gerr.Error() {
		t.Fatalf("%s: EncodeJSON error %v, json.Marshal error %v", name, gerr, werr)
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < min(len(got), len(want)) && got[i] == want[i] {
			i++
		}
		t.Fatalf("%s: EncodeJSON differs from json.Marshal at byte %d:\n got …%s\nwant …%s", name, i, got[max(0, i-60):min(len(got), i+60)], want[max(0, i-60):min(len(want), i+60)])
	}
}

// TestEncodeJSONMatchesMarshal: the bytes of json.Marshal on the record of
// every dump input (reports in every layout and encoding, the crawler
// benchmark's pages, essays, negatives, DOCX, the corpus PDFs, testdata),
// on a record with every field filled (a field added to Record and not to
// EncodeJSON fails here), on nil maps and NaN, and on random records.
func TestEncodeJSONMatchesMarshal(t *testing.T) {
	// Every dumped input with the slow tag (.ci/run), a quarter of them
	// in plain `go test`, a sixteenth with -short.
	every := 4
	switch {
	case testenv.Slow:
		every = 1
	case testing.Short():
		every = 16
	}
	n := 0
	for i, d := range dumpInputs(t) {
		if i%every != 0 {
			continue
		}
		rec, err := extract.Extract(context.Background(), d.in)
		if err != nil {
			continue
		}
		equalJSON(t, d.name, rec)
		n++
	}
	if n < 300 {
		t.Fatalf("only %d records compared", n)
	}
	rng := rand.New(rand.NewSource(14))
	var full extract.Record
	fill(reflect.ValueOf(&full).Elem(), rng, 0)
	equalJSON(t, "every field filled", &full)
	equalJSON(t, "nil record", nil)
	equalJSON(t, "zero record", &extract.Record{})
	v := 1.0
	equalJSON(t, "nil inner maps", &extract.Record{Tables: extract.Tables{"a": nil, "b": {"r": nil, "s": {"c": {Raw: "1", Value: &v}}}}})
	nan := math.NaN()
	equalJSON(t, "NaN", &extract.Record{Tables: extract.Tables{"a": {"r": {"c": {Value: &nan}}}}})
	equalJSON(t, "infinite", &extract.Record{LegacyFigures: []extract.LegacyFigure{{Value: math.Inf(-1)}}})
	for i := 0; i < 2000; i++ {
		var r extract.Record
		fill(reflect.ValueOf(&r).Elem(), rng, 1)
		equalJSON(t, "random record", &r)
	}
}

// fill sets v to random values; with sparse 0 every field, slice and map is
// non-empty, otherwise about half are left zero.
func fill(v reflect.Value, rng *rand.Rand, sparse int) {
	if sparse > 0 && rng.Intn(2) == 0 && v.Kind() != reflect.Struct {
		return
	}
	switch v.Kind() {
	case reflect.String:
		s := ""
		for k := rng.Intn(6); k >= 0; k-- {
			s += jsonPieces[rng.Intn(len(jsonPieces))]
		}
		v.SetString(s)
	case reflect.Int:
		v.SetInt(rng.Int63n(5000) - 100)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Float64:
		v.SetFloat(randFloat(rng))
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), rng, 0)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1+rng.Intn(3), 3)
		for i := 0; i < s.Len(); i++ {
			fill(s.Index(i), rng, sparse)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for k := 1 + rng.Intn(4); k > 0; k-- {
			key := reflect.New(v.Type().Key()).Elem()
			fill(key, rng, 0)
			val := reflect.New(v.Type().Elem()).Elem()
			fill(val, rng, sparse)
			m.SetMapIndex(key, val)
		}
		v.Set(m)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			fill(v.Field(i), rng, sparse)
		}
	default:
		panic("fill: no case for " + v.Kind().String())
	}
}

// randFloat covers json's two formats and their cutoffs.
func randFloat(rng *rand.Rand) float64 {
	switch rng.Intn(6) {
	case 0:
		return float64(rng.Intn(100000))
	case 1:
		return float64(rng.Intn(100000)) / 100
	case 2:
		return []float64{0, math.Copysign(0, -1), 1e-6, 1e-7, 9.99e-7, 1e21, 1e20, 9.99e20, -1e21, 123456789012345678}[rng.Intn(10)]
	case 3:
		return math.Float64frombits(rng.Uint64()&^(0x7FF<<52) | uint64(rng.Intn(2046)+1)<<52) // any finite
	case 4:
		return rng.NormFloat64() * 1e-9
	}
	return -rng.ExpFloat64() * 1e25
}

// FuzzEncodeJSON: any string in every kind of place, any figure.
func FuzzEncodeJSON(f *testing.F) {
	for _, p := range jsonPieces {
		f.Add(p, 1.5)
	}
	f.Fuzz(func(t *testing.T, s string, v float64) {
		r := &extract.Record{URL: s, Title: s, CapturedAt: []string{s}, Text: s, Warnings: []string{s, s},
			Meta:          extract.Meta{Topic: s},
			Sections:      extract.Sections{Problems: s},
			Tables:        extract.Tables{s: {s: {s: {Raw: s, Value: &v}, "x": {Raw: s}}}},
			LegacyFigures: []extract.LegacyFigure{{Name: s, Value: v}},
			Checks:        []extract.Check{{ID: s, Detail: s}},
			Attachments:   []extract.Attachment{{URL: s, ContentType: s}},
		}
		equalJSON(t, "fuzz", r)
	})
}

// BenchmarkRecordJSON encodes the records of the crawler benchmark's
// pages (BenchmarkExtractSmall's), one per op, with json.Marshal and with
// EncodeJSON.
// go test -run '^$' -bench=RecordJSON -benchmem -cpu=1 ./extract
func BenchmarkRecordJSON(b *testing.B) {
	var recs []*extract.Record
	for _, in := range smallPages(b) {
		r, err := extract.Extract(context.Background(), in)
		if err != nil {
			b.Fatal(err)
		}
		recs = append(recs, r)
	}
	for _, enc := range []struct {
		name string
		f    func(*extract.Record) ([]byte, error)
	}{
		{"marshal", func(r *extract.Record) ([]byte, error) { return json.Marshal(r) }},
		{"encode", (*extract.Record).EncodeJSON},
	} {
		b.Run(enc.name, func(b *testing.B) {
			b.ReportAllocs()
			size := 0
			cpu0 := extract.CPUTime()
			for i := 0; i < b.N; i++ {
				js, err := enc.f(recs[i%len(recs)])
				if err != nil {
					b.Fatal(err)
				}
				size += len(js)
			}
			b.SetBytes(int64(size / b.N))
			if cpu := extract.CPUTime() - cpu0; cpu > 0 {
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
			}
		})
	}
}

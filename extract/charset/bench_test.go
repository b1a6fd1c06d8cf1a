package charset

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/corpus"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// benchPage is a whole HTML page of at least size bytes made of corpus text (the
// traditional text for Big5), encoded with e (nil: UTF-8), with no label.
func benchPage(tb testing.TB, e encoding.Encoding, size int) []byte {
	tb.Helper()
	var src []string
	if e == traditionalchinese.Big5 {
		for _, t := range matrixTexts(tb) {
			if t.Name == "traditional.txt" {
				src = append(src, t.Body)
			}
		}
	} else {
		texts, err := corpus.Texts()
		if err != nil {
			tb.Fatal(err)
		}
		for _, t := range texts {
			src = append(src, strings.ReplaceAll(t.Body, "\u00a0", " ")) // GBK has no NBSP
		}
	}
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><head><title>report</title></head><body>\n")
	for i := 0; ; i++ {
		page := b.String() + "</body></html>\n"
		if e != nil {
			var err error
			if page, err = e.NewEncoder().String(page); err != nil {
				tb.Fatal(err)
			}
		}
		if len(page) >= size {
			return []byte(page)
		}
		b.WriteString("<p>" + src[i%len(src)] + "</p>\n")
	}
}

func benchDecode(b *testing.B, e encoding.Encoding, want string) {
	body := benchPage(b, e, 64<<10)
	r, err := Decode(body, "text/html", "")
	if err != nil || r.Charset != want {
		b.Fatalf("Decode: %s, %v; want %s", r.Charset, err, want)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if _, err := Decode(body, "text/html", ""); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}

// Detection plus conversion of a 64 KB page with no label (the worst case:
// the bytes decide). Target: under 1 ms.
func BenchmarkDecodeGBK64K(b *testing.B)  { benchDecode(b, simplifiedchinese.GBK, "gb18030") }
func BenchmarkDecodeUTF864K(b *testing.B) { benchDecode(b, nil, "utf-8") }
func BenchmarkDecodeBig564K(b *testing.B) { benchDecode(b, traditionalchinese.Big5, "big5") }

// Detection alone, to see what it costs next to conversion.
func BenchmarkDetectGBK64K(b *testing.B) {
	body := benchPage(b, simplifiedchinese.GBK, 64<<10)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		Detect(body, "text/html")
	}
	reportCPU(b, start)
}

// A 50 MB GBK page: conversion is linear and detection reads a few KB only.
func BenchmarkDecodeGBK50M(b *testing.B) {
	page := benchPage(b, simplifiedchinese.GBK, 64<<10)
	body := bytes.Repeat(page, (50<<20)/len(page))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if _, err := Decode(body, "text/html", ""); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}

// Conversion alone: the table-driven GB18030 decoder against x/text's.
func BenchmarkConvertGBK64K(b *testing.B) {
	body := benchPage(b, simplifiedchinese.GBK, 64<<10)
	for _, bc := range []struct {
		name string
		fn   func([]byte) (string, int)
	}{{"table", decodeGB18030}, {"x-text", xtextGB18030}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			start := cpuTime()
			for b.Loop() {
				bc.fn(body)
			}
			reportCPU(b, start)
		})
	}
}

package extract

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"github.com/gongkai/gongkai/extract/charset"
)

// decode runs the charset stage and copies its evidence onto the record.
// When the stage fails on bytes that are valid UTF-8 anyway, the page is
// read as UTF-8 with a warning rather than lost. The text is always valid
// UTF-8: the charset stage guarantees it, the fallback checks it, and a
// caller's Decoded is checked here.
func decode(in Input, rec *Record) (string, error) {
	var res charset.Result
	var err error
	if in.Decoded != nil {
		res = *in.Decoded // the caller's own Decode of these bytes
		if !utf8.ValidString(res.Text) {
			return "", fmt.Errorf("extract %s: Input.Decoded is not valid UTF-8, so not charset.Decode's", in.URL)
		}
	} else {
		res, err = charset.Decode(in.Body, in.ContentType, in.CharsetOverride)
	}
	if err != nil {
		b := bytes.TrimPrefix(in.Body, []byte("\xEF\xBB\xBF"))
		if !utf8.Valid(b) {
			return "", fmt.Errorf("extract %s: decode: %w", in.URL, err)
		}
		rec.Charset, rec.CharsetSource = "utf-8", charset.SourceSniffed
		rec.Warnings = append(rec.Warnings, fmt.Sprintf("charset stage failed (%v); read as UTF-8", err))
		return string(b), nil
	}
	rec.Charset, rec.CharsetSource = res.Charset, res.Source
	rec.Degraded, rec.Replacements = res.Degraded, res.Replacements
	if res.Degraded {
		rec.Warnings = append(rec.Warnings, fmt.Sprintf("decoded as %s with %d replacement characters", res.Charset, res.Replacements))
	}
	return res.Text, nil
}

package charset

import "golang.org/x/text/encoding/simplifiedchinese"

// hints are the labels the server and the page declared.
type hints struct {
	header, meta       label
	hasHeader, hasMeta bool
}

func readHints(body []byte, contentType string) hints {
	var h hints
	h.header, h.hasHeader = lookupLabel(HeaderCharset(contentType))
	h.meta, h.hasMeta = lookupLabel(MetaCharset(body))
	// A label whose ASCII is not ASCII (UTF-16) cannot have been read from
	// ASCII bytes: browsers ignore it, and so do we.
	h.hasHeader = h.hasHeader && h.header.asciiCompatible()
	h.hasMeta = h.hasMeta && h.meta.asciiCompatible()
	return h
}

// any returns the strongest declared label.
func (h hints) any() (declared, bool) {
	if l := h.list(); len(l) > 0 {
		return l[0], true
	}
	return declared{}, false
}

// declares reports whether some label names family f.
func (h hints) declares(f family) bool {
	return (h.hasHeader && h.header.fam == f) || (h.hasMeta && h.meta.fam == f)
}

// declared is one label and where it came from.
type declared struct {
	lab label
	src string
}

// list returns the declared labels, strongest first.
func (h hints) list() []declared {
	var out []declared
	if h.hasHeader {
		out = append(out, declared{h.header, SourceHeader})
	}
	if h.hasMeta {
		out = append(out, declared{h.meta, SourceMeta})
	}
	return out
}

// readsClean reports whether lab decodes b without an invalid byte, using
// the scores already computed for the families that have one.
func readsClean(lab label, b []byte, cands []candidate) bool {
	for _, c := range cands {
		if c.lab.fam == lab.fam && lab.fam != famOther {
			return c.bad == 0
		}
	}
	return score(lab, b).bad == 0
}

// chinese returns the strongest declared GB or Big5 label.
func (h hints) chinese() (declared, bool) {
	for _, l := range h.list() {
		if l.lab.fam == famGB || l.lab.fam == famBig5 {
			return l, true
		}
	}
	return declared{}, false
}

// agree turns the encoding the bytes chose into a Decision. When a label of
// the same family was declared, the page's own name for it is reported
// ("gbk", "gb2312") with that label as the source; otherwise the detected
// family's name ("utf-8", "gb18030", "big5") with source "sniffed".
func (h hints) agree(lab label, class string, guess bool) Decision {
	d := Decision{Charset: lab.name, Source: SourceSniffed, Class: class, Guess: guess, lab: lab}
	switch {
	case h.hasHeader && h.header.fam == lab.fam && (lab.fam != famOther || h.header.name == lab.name):
		d.Charset, d.Source, d.lab = h.header.name, SourceHeader, h.header
	case h.hasMeta && h.meta.fam == lab.fam && (lab.fam != famOther || h.meta.name == lab.name):
		d.Charset, d.Source, d.lab = h.meta.name, SourceMeta, h.meta
	}
	if d.lab.fam == famGB {
		d.lab.enc = simplifiedchinese.GB18030 // never the GBK decoder
	}
	return d
}

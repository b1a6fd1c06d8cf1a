package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"

	xhtml "golang.org/x/net/html"
)

// DOCX: a zip of XML parts. word/document.xml holds the paragraphs (w:p)
// and tables (w:tbl / w:tr / w:tc, spans as w:gridSpan and w:vMerge). It is
// converted to a plain HTML page (paragraphs as <p>, tables as real
// rowspan/colspan tables) and read by the same path as a web page, so a
// report reads the same whether it came as a page or an attachment.

// Limits that keep a zip bomb or a hostile archive bounded.
const (
	maxZipEntries  = 10000
	maxDocumentXML = 32 << 20 // uncompressed word/document.xml
	maxCoreXML     = 1 << 20
)

var errZipLimit = errors.New("docx: part over size limit")

func extractDOCX(ctx context.Context, in Input, rec *Record) error {
	if rec.ContentType == "" {
		rec.ContentType = formatDOCX.contentType()
	}
	htmlDoc, err := docxToHTML(in.Body)
	if err != nil {
		rec.Warnings = append(rec.Warnings, fmt.Sprintf("docx could not be read: %v", err))
		return extractOpaque(in, rec, formatDOCX)
	}
	// The parts declare their own encoding (<?xml encoding="UTF-8"?>, the
	// XML counterpart of a <meta charset>), and Word writes UTF-8.
	rec.Charset, rec.CharsetSource = "utf-8", "meta"
	root, err := xhtml.Parse(strings.NewReader(htmlDoc))
	if err != nil {
		return fmt.Errorf("extract %s: docx html: %w", in.URL, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("extract %s: %w", in.URL, err)
	}
	p := readHTML(root, in.URL, false)
	if p.tab.found() {
		p.tab.source = "docx"
	}
	p.attachments = nil // links inside a document are not page attachments
	analyze(in, rec, p)
	return nil
}

// docxToHTML renders the main document part as HTML.
func docxToHTML(body []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return "", fmt.Errorf("open zip: %w", err)
	}
	if len(zr.File) > maxZipEntries {
		return "", fmt.Errorf("zip has %d entries (limit %d)", len(zr.File), maxZipEntries)
	}
	var docPart, corePart *zip.File
	for _, f := range zr.File {
		switch f.Name {
		case "word/document.xml":
			docPart = f
		case "docProps/core.xml":
			corePart = f
		}
	}
	if docPart == nil {
		return "", errors.New("no word/document.xml")
	}
	docXML, err := readZipPart(docPart, maxDocumentXML)
	if err != nil {
		return "", err
	}
	title := ""
	if corePart != nil {
		if core, err := readZipPart(corePart, maxCoreXML); err == nil {
			title = coreTitle(core)
		}
	}
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
	b.WriteString(html.EscapeString(title))
	b.WriteString("</title></head><body>")
	if err := renderDocument(docXML, &b); err != nil {
		return "", err
	}
	b.WriteString("</body></html>")
	return b.String(), nil
}

// readZipPart reads one part, refusing more than limit bytes whatever the
// header claims.
func readZipPart(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Errorf("%w: %s is %d bytes", errZipLimit, f.Name, f.UncompressedSize64)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", f.Name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", f.Name, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: %s", errZipLimit, f.Name)
	}
	return data, nil
}

func coreTitle(core []byte) string {
	d := xml.NewDecoder(bytes.NewReader(core))
	in := false
	for {
		tok, err := d.Token()
		if err != nil {
			return ""
		}
		switch t := tok.(type) {
		case xml.StartElement:
			in = t.Name.Local == "title"
		case xml.CharData:
			if in {
				return strings.TrimSpace(string(t))
			}
		case xml.EndElement:
			in = false
		}
	}
}

// docCell is one w:tc: its paragraphs, its grid span and its vertical merge
// ("" none, "restart" first cell of a merge, "continue" covered cell).
type docCell struct {
	paras   []string
	span    int
	vmerge  string
	rowspan int
	skip    bool // a covered cell, folded into the cell above
}

// renderDocument streams document.xml into b. Tables nested inside cells
// are flattened into the outer cell's paragraphs.
func renderDocument(docXML []byte, b *strings.Builder) error {
	d := xml.NewDecoder(bytes.NewReader(docXML))
	d.Strict = false
	var (
		para    strings.Builder
		inText  bool
		depth   int // w:tbl nesting
		rows    [][]*docCell
		cell    *docCell
		inTcPr  bool
		heading bool
	)
	flushPara := func() {
		t := para.String()
		para.Reset()
		switch {
		case depth > 0 && cell != nil:
			cell.paras = append(cell.paras, t)
		case depth == 0:
			tag := "p"
			if heading {
				tag = "h1"
			}
			b.WriteString("<" + tag + ">" + html.EscapeString(t) + "</" + tag + ">\n")
		}
		heading = false
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("docx xml: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab":
				if !inTcPr {
					para.WriteByte(' ')
				}
			case "br", "cr":
				flushPara()
			case "pStyle":
				v := strings.ToLower(xmlAttr(t, "val"))
				heading = v == "title" || v == "heading1" || v == "1"
			case "tbl":
				if depth == 0 && para.Len() > 0 {
					flushPara()
				}
				depth++
				if depth == 1 {
					rows = nil
				}
			case "tr":
				if depth == 1 {
					rows = append(rows, nil)
				}
			case "tc":
				if depth == 1 && len(rows) > 0 {
					cell = &docCell{span: 1, rowspan: 1}
					rows[len(rows)-1] = append(rows[len(rows)-1], cell)
				}
			case "tcPr":
				inTcPr = depth == 1
			case "gridSpan":
				if inTcPr && cell != nil {
					if n, err := strconv.Atoi(xmlAttr(t, "val")); err == nil && n > 1 && n <= 64 {
						cell.span = n
					}
				}
			case "vMerge":
				if inTcPr && cell != nil {
					if v := xmlAttr(t, "val"); v == "restart" {
						cell.vmerge = "restart"
					} else {
						cell.vmerge = "continue"
					}
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				flushPara()
			case "tcPr":
				inTcPr = false
			case "tc":
				if depth == 1 {
					cell = nil
				}
			case "tbl":
				depth--
				if depth == 0 {
					writeDocTable(b, rows)
					rows = nil
				}
			}
		case xml.CharData:
			if inText {
				para.Write(t)
			}
		}
	}
	return nil
}

func xmlAttr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// writeDocTable resolves vertical merges into rowspans and writes the table.
func writeDocTable(b *strings.Builder, rows [][]*docCell) {
	// origin[col] is the cell that currently covers grid column col.
	origin := map[int]*docCell{}
	for _, row := range rows {
		col := 0
		for _, c := range row {
			if c.vmerge == "continue" {
				if o := origin[col]; o != nil {
					o.rowspan++
					c.skip = true
					// Text in a covered cell (rare) is kept in the merged cell.
					o.paras = append(o.paras, nonEmpty(c.paras)...)
				}
			} else {
				for k := 0; k < c.span; k++ {
					origin[col+k] = c
				}
			}
			col += c.span
		}
	}
	b.WriteString("<table>\n")
	for _, row := range rows {
		b.WriteString("<tr>")
		for _, c := range row {
			if c.skip {
				continue
			}
			b.WriteString("<td")
			if c.span > 1 {
				fmt.Fprintf(b, " colspan=\"%d\"", c.span)
			}
			if c.rowspan > 1 {
				fmt.Fprintf(b, " rowspan=\"%d\"", c.rowspan)
			}
			b.WriteString(">")
			for _, p := range c.paras {
				b.WriteString("<p>" + html.EscapeString(p) + "</p>")
			}
			b.WriteString("</td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</table>\n")
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

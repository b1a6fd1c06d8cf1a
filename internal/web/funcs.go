package web

import (
	"html/template"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/export"
)

// short is the first 12 characters of a digest.
func short(d string) string { return d[:min(12, len(d))] }

// funcs are the helpers the page templates use.
var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02")
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	},
	"num": func(v *float64) string {
		if v == nil {
			return "–"
		}
		return strconv.FormatFloat(*v, 'f', -1, 64)
	},
	"short": short,
	// shortKey shortens each digest of a version key (page + attachments).
	"shortKey": func(key string) string {
		parts := strings.Split(key, export.KeySep)
		for i, d := range parts {
			parts[i] = short(d)
		}
		return strings.Join(parts, " + ")
	},
	// fileExt names a file by its extension ("PDF"), "file" when it has none.
	"fileExt": func(u string) string {
		if p, err := url.Parse(u); err == nil {
			if e := strings.TrimPrefix(path.Ext(p.Path), "."); e != "" {
				return strings.ToUpper(e)
			}
		}
		return "file"
	},
}

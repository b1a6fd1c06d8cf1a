package crawler

import (
	"bytes"
	"net/http"
	"strings"
)

// challengeMarks are strings of anti-bot script challenges: 瑞数 (Riversecurity)
// pages carry $_ts and a script with r='m'; others name their cookie check.
var challengeMarks = []string{"$_ts", "r='m'", `r="m"`, "__jsl_clearance", "_waf_", "challenge-platform", "acw_sc__v2"}

// challengeMaxText is the most visible text (runes) a challenge page has.
const challengeMaxText = 40

// isChallenge reports whether a response is an anti-bot gate rather than the
// page: HTTP 412 (瑞数's first answer), or a small 200 page that is nothing
// but scripts and carries a challenge mark.
func isChallenge(status int, h http.Header, body []byte, textRunes int) bool {
	if status == http.StatusPreconditionFailed {
		return true
	}
	// A page with text to read is not a challenge: most pages stop here,
	// before any pass over their bytes.
	if textRunes > challengeMaxText || len(body) == 0 || len(body) > 256<<10 || !looksHTML(h.Get("Content-Type"), body) {
		return false
	}
	if !bytes.Contains(bytes.ToLower(body), []byte("<script")) {
		return false
	}
	for _, m := range challengeMarks {
		if bytes.Contains(body, []byte(m)) {
			return true
		}
	}
	return false
}

// looksHTML reports whether a body is HTML, whatever its Content-Type says.
func looksHTML(contentType string, body []byte) bool {
	ct := strings.ToLower(contentType)
	if strings.Contains(ct, "html") && !binaryJunk(body) {
		return true
	}
	head := bytes.ToLower(bytes.TrimLeft(body[:min(len(body), 1024)], " \t\r\n\ufeff"))
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	for _, p := range []string{"<!doctype html", "<html", "<head", "<body", "<meta", "<title", "<script", "<div", "<table", "<a "} {
		if bytes.HasPrefix(head, []byte(p)) {
			return true
		}
	}
	return bytes.Contains(head, []byte("<html"))
}

// binaryJunk reports whether the start of a body holds control bytes no
// text page has (NUL and friends), i.e. it is binary whatever it claims.
func binaryJunk(body []byte) bool {
	n := 0
	head := body[:min(len(body), 1024)]
	for _, c := range head {
		if c < 0x09 || (c > 0x0d && c < 0x20 && c != 0x1b) {
			n++
		}
	}
	return n > len(head)/100+1
}

// isXMLAnswer reports a Hanweb dataproxy answer.
func isXMLAnswer(contentType string, body []byte) bool {
	head := body[:min(len(body), 512)]
	return strings.Contains(strings.ToLower(contentType), "xml") || bytes.Contains(head, []byte("<datastore")) ||
		bytes.Contains(head, []byte("<recordset")) || bytes.HasPrefix(bytes.TrimSpace(head), []byte("<?xml"))
}

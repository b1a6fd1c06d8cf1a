package demoportal

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// walker is a tiny breadth-first crawler for the tests, independent of
// crawler/: it obeys robots.txt Disallow lines, stays on the seed's origin,
// follows <a href> and TRS createPageHTML pagers, and stops at a depth.
type walker struct {
	client   *http.Client
	maxDepth int
	maxPages int

	depth   map[string]int      // fetched URL → depth it was first reached at
	bodies  map[string][]byte   // fetched URL → body
	linked  map[string]bool     // every same-origin URL seen in a link
	refused map[string]bool     // linked URLs not fetched because of robots.txt
	robots  map[string][]string // origin → Disallow prefixes for User-agent *
}

func newWalker(maxDepth, maxPages int) *walker {
	return &walker{
		client:   &http.Client{},
		maxDepth: maxDepth, maxPages: maxPages,
		depth: map[string]int{}, bodies: map[string][]byte{}, linked: map[string]bool{},
		refused: map[string]bool{}, robots: map[string][]string{},
	}
}

// get fetches u and returns the response body; non-200 is an error.
func (w *walker) get(u string) ([]byte, http.Header, error) {
	resp, err := w.client.Get(u)
	if err != nil {
		return nil, nil, fmt.Errorf("get %s: %w", u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("get %s: status %d", u, resp.StatusCode)
	}
	return b, resp.Header, nil
}

// allowed applies the origin's robots.txt.
func (w *walker) allowed(u *url.URL) (bool, error) {
	origin := u.Scheme + "://" + u.Host
	rules, ok := w.robots[origin]
	if !ok {
		body, _, err := w.get(origin + "/robots.txt")
		if err != nil {
			return false, err
		}
		rules = parseDisallow(string(body))
		w.robots[origin] = rules
	}
	for _, prefix := range rules {
		if strings.HasPrefix(u.RequestURI(), prefix) {
			return false, nil
		}
	}
	return true, nil
}

// parseDisallow returns the Disallow prefixes of the "User-agent: *" group.
func parseDisallow(robots string) []string {
	var out []string
	star := false
	for _, line := range strings.Split(robots, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		switch {
		case k == "user-agent":
			star = v == "*"
		case k == "disallow" && star && v != "":
			out = append(out, v)
		}
	}
	return out
}

// walk crawls breadth-first from seed.
func (w *walker) walk(seed string) error {
	type item struct {
		u     string
		depth int
	}
	queue := []item{{seed, 0}}
	seedURL, err := url.Parse(seed)
	if err != nil {
		return err
	}
	for len(queue) > 0 && len(w.bodies) < w.maxPages {
		it := queue[0]
		queue = queue[1:]
		if _, done := w.depth[it.u]; done {
			continue
		}
		u, err := url.Parse(it.u)
		if err != nil {
			return err
		}
		ok, err := w.allowed(u)
		if err != nil {
			return err
		}
		if !ok {
			w.refused[it.u] = true
			continue
		}
		body, hdr, err := w.get(it.u)
		if err != nil {
			return err
		}
		w.depth[it.u] = it.depth
		w.bodies[it.u] = body
		if it.depth == w.maxDepth || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") {
			continue
		}
		for _, href := range pageLinks(body) {
			ref, err := url.Parse(href)
			if err != nil {
				continue
			}
			next := u.ResolveReference(ref)
			next.Fragment = ""
			if next.Host != seedURL.Host {
				continue
			}
			w.linked[next.String()] = true
			queue = append(queue, item{next.String(), it.depth + 1})
		}
	}
	return nil
}

var (
	trsCall = regexp.MustCompile(`createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*"(\w+)"\s*,\s*"(\w+)"\s*\)`)
	trsVar  = regexp.MustCompile(`var (countPage|currentPage) = (\d+)`)
)

// pageLinks returns the <a href> targets and the pages a TRS pager means.
// Hrefs are ASCII on these pages, so the bytes need no decoding.
func pageLinks(body []byte) []string {
	var out []string
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		if string(name) != "a" {
			continue
		}
		for hasAttr {
			var k, v []byte
			k, v, hasAttr = z.TagAttr()
			if string(k) == "href" {
				out = append(out, string(v))
			}
		}
	}
	// The variable form: the call takes countPage and currentPage.
	for _, m := range trsVar.FindAllSubmatch(body, -1) {
		body = bytes.ReplaceAll(body, []byte("createPageHTML("+string(m[1])), []byte("createPageHTML("+string(m[2])))
		body = bytes.ReplaceAll(body, []byte(", "+string(m[1])+", \"index\""), []byte(", "+string(m[2])+", \"index\""))
	}
	for _, m := range trsCall.FindAllSubmatch(body, -1) {
		total, _ := strconv.Atoi(string(m[1]))
		for i := 0; i < total; i++ {
			name := string(m[3])
			if i > 0 {
				name += "_" + strconv.Itoa(i)
			}
			out = append(out, name+"."+string(m[4]))
		}
	}
	return out
}

// textNodes returns the trimmed non-empty text nodes of a UTF-8 HTML or XML
// document, outside <script> and <style>.
func textNodes(doc string) []string {
	var out []string
	z := html.NewTokenizer(strings.NewReader(doc))
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.StartTagToken:
			if n, _ := z.TagName(); string(n) == "script" || string(n) == "style" {
				skip++
			}
		case html.EndTagToken:
			if n, _ := z.TagName(); (string(n) == "script" || string(n) == "style") && skip > 0 {
				skip--
			}
		case html.TextToken:
			if skip == 0 {
				if t := strings.Trim(string(z.Text()), " \t\r\n\u3000\u00a0"); t != "" {
					out = append(out, t)
				}
			}
		}
	}
}

// resolve resolves href against base.
func resolve(base, href string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	r, err := url.Parse(href)
	if err != nil {
		return "", err
	}
	return b.ResolveReference(r).String(), nil
}

func TestParseDisallow(t *testing.T) {
	tests := []struct {
		robots string
		want   []string
	}{
		{"User-agent: *\nDisallow: /internal/\nDisallow: /search\n", []string{"/internal/", "/search"}},
		{"User-agent: Baiduspider\nDisallow: /\nUser-agent: *\nDisallow:\n", nil},
		{"User-agent: *\nAllow: /\n", nil},
	}
	for _, tt := range tests {
		got := parseDisallow(tt.robots)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("parseDisallow(%q) = %q, want %q", tt.robots, got, tt.want)
		}
	}
}

func TestPageLinksTRS(t *testing.T) {
	body := []byte(`<a href="/zwgk/">政务公开</a><script>function createPageHTML(_n,_c,_p,_e){document.write("<a href=\""+_p+"\">");}</script>` +
		`<script>createPageHTML(3, 0, "index", "html");</script>`)
	got := pageLinks(body)
	want := []string{"/zwgk/", "index.html", "index_1.html", "index_2.html"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("pageLinks = %q, want %q", got, want)
	}
}

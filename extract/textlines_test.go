package extract

import (
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// The fast paths of the DOM walk and the line renderer must answer exactly
// as the plain definitions do.

func TestWalkTreeOrder(t *testing.T) {
	root, err := html.Parse(strings.NewReader(`<div id=a><p id=b>x<span id=c></span></p><ul id=d><li id=e></li></ul></div><p id=f></p>`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	id := func(n *html.Node) string { return attr(n, "id") }
	walkTree(findFirstByID(root, "a").Parent, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return false
		}
		got = append(got, "+"+n.Data+id(n))
		return id(n) != "d" // skip the list's children
	}, func(n *html.Node) {
		got = append(got, "-"+n.Data+id(n))
	})
	want := []string{"+body", "+diva", "+pb", "+spanc", "-spanc", "-pb", "+uld", "-diva", "+pf", "-pf", "-body"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("walk order\n got %v\nwant %v", got, want)
	}
}

func findFirstByID(root *html.Node, id string) *html.Node {
	var found *html.Node
	walkElements(root, func(n *html.Node) bool {
		if found == nil && attr(n, "id") == id {
			found = n
		}
		return found == nil
	})
	return found
}

func TestLineWriterText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"  a \t\n b  ", " a b "},
		{"一　二\u00a0三", "一　二\u00a0三"}, // U+3000 and NBSP are content
		{"a\xffb \xe4\xb8", "a\uFFFDb \uFFFD\uFFFD"},
		{"", ""},
	} {
		w := &lineWriter{limit: 10}
		w.text(c.in)
		if got := string(w.cur); got != c.want {
			t.Errorf("text(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// A text node continuing a line that already ends in a space adds none.
	w := &lineWriter{limit: 10, cur: []byte("x ")}
	w.text(" y")
	if got := string(w.cur); got != "x y" {
		t.Errorf("continued line = %q, want %q", got, "x y")
	}
}

func TestIsSpaceDefinition(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		want := unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0' || r == '\ufeff'
		if isSpace(r) != want {
			t.Fatalf("isSpace(%U) = %v, want %v", r, !want, want)
		}
	}
}

func TestLabelEnds(t *testing.T) {
	ends := map[rune]bool{}
	for _, l := range metaLabels {
		r, _ := utf8.DecodeLastRuneInString(l.label)
		ends[r] = true
		if !isLabelEnd(r) {
			t.Errorf("isLabelEnd(%q) = false, but %s ends with it", r, l.label)
		}
	}
	for r := rune(0x4e00); r <= 0x9fff; r++ {
		if isLabelEnd(r) && !ends[r] {
			t.Errorf("isLabelEnd(%q) = true, but no label ends with it", r)
		}
	}
	for s, want := range map[string]bool{
		"来　　源：新前街道":      true,
		"发 布 机 构":        true,
		"索引号":            true,
		"机构改革后，各机关单位":    false, // label letters, no label
		"信息公开":           false,
		"本机关2020年公开方式包括": true,
		"":               false,
	} {
		if got := mayHoldLabel(s); got != want {
			t.Errorf("mayHoldLabel(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestParsedTextStaysValid: x/net/html keeps valid UTF-8 valid (entities
// for surrogates, NUL or out-of-range code points become U+FFFD; text is
// cut at ASCII bytes only), which lets the renderer skip its per-node check
// on pages the charset stage decoded; and rendering is the same either way.
func TestParsedTextStaysValid(t *testing.T) {
	pieces := []string{
		"<p>", "</p>", "<td>", "<br>", "<div>", "</div>", "<script>", "</script>", "<style>", "</style>",
		"<title>", "</title>", "<textarea>", "</textarea>", "<pre>", "</pre>", "<!--", "-->", "<![CDATA[", "]]>",
		"&#xD800;", "&#0;", "&#x110000;", "&#128;", "&#x9F;", "&amp;", "&nbsp", "&nbsp;", "&#", "&#x", "&", "<", ">",
		"\x00", "\r\n", "\r", " ", "\u3000", "\u00a0", "一", "報", "𠀀", "a", "=", "\"", "<a href=x>", "</a>", "<svg>", "<math>",
	}
	rng := rand.New(rand.NewSource(6))
	for i := 0; i < 3000; i++ {
		var b strings.Builder
		for k := rng.Intn(40); k >= 0; k-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		root, err := html.Parse(strings.NewReader(b.String()))
		if err != nil {
			continue
		}
		walkTree(root, func(n *html.Node) bool {
			if n.Type == html.TextNode && !utf8.ValidString(n.Data) {
				t.Fatalf("text node %q of %q is not valid UTF-8", n.Data, b.String())
			}
			return true
		}, nil)
		if got, want := renderPage(root, true, 0), renderPage(root, false, 8); !reflect.DeepEqual(got, want) {
			t.Fatalf("render of %q differs with textValid: %q vs %q", b.String(), got, want)
		}
	}
}

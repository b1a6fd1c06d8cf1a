package platform

import (
	"fmt"
	"math/rand"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// The regexps objectLiterals and arrayStrings stand for (the definitions
// scriptLinks used before; old_test.go keeps them too).
var (
	refObjectRe   = regexp.MustCompile(`\{[^{}]{0,1000}\}`)
	refArrayLitRe = regexp.MustCompile(`[\[,]\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')`)
)

// scriptMatcherCases are the edges of both matchers: brace runs, the
// 1,000-character bound in bytes and in runes, invalid UTF-8, escapes,
// newlines in and around literals, every kind of white space.
var scriptMatcherCases = []string{
	"", "{", "}", "{}", "{{}}", "}{", "{a}{b}", "{a{b}c}", "{a}}", "{{a}",
	`var o = {url: "/a/b.html", title: "年报"}; var p = {"href": '/c.pdf'};`,
	"{" + strings.Repeat("x", 1000) + "}", "{" + strings.Repeat("x", 1001) + "}",
	"{" + strings.Repeat("中", 1000) + "}", "{" + strings.Repeat("中", 1001) + "}",
	"{" + strings.Repeat("中", 334) + "}", "{" + strings.Repeat("\xff", 1000) + "}", "{" + strings.Repeat("\xff", 1001) + "}",
	"{" + strings.Repeat("\xe4\xb8", 500) + "}", "{" + strings.Repeat("\xe4\xb8", 501) + "}",
	"{" + strings.Repeat("x", 1001) + "}{y}", "{" + strings.Repeat("x", 1001) + "{y}",
	`["/a.html", "/b.pdf"]`, `[ '/a.html' ,'/b.pdf']`, "[\t\n\f\r \"/a.html\"]", "[\v\"/a.html\"]",
	`["a\"b"]`, `['a\'b']`, `["a\\"]`, `["a\\\"]`, "[\"a\\\nb\"]", "[\"a\nb\"]", "[\"a", `["a\`, `[\"`,
	`,"x",'y',"z"`, `[["a"],["b"]]`, `["a",,"b"]`, `[,"a"]`, `[""]`, `['']`, `["'"]`, `['"']`,
	"[\"\xff\\\xff\"]", "[\"\\中\"]", "[\"中\\", "[\"a\\\xe4\xb8\xad\"]", "[\n\n'a']", "[ \u3000'a']",
	`[ "a",  "b` + "\n" + `", "c"]`, `,,,"a"`, `[[[`, `"a","b"`,
}

func TestScriptMatchersMatchRegexps(t *testing.T) {
	check := func(name, s string) {
		t.Helper()
		if diff := matcherDiff(s); diff != "" {
			t.Errorf("%s: %s", name, diff)
		}
	}
	for i, s := range scriptMatcherCases {
		check(fmt.Sprintf("case %d", i), s)
	}
	// Every page at hand, whole (their scripts are inside).
	for name, s := range gatherPages(t) {
		check(name, s)
	}
	// Random strings over the characters that matter.
	alphabet := []string{"{", "}", "[", ",", `"`, "'", `\`, "\n", " ", "\t", "\r", "a", "/", ".html", "中", "\xff", "\xe4", "x"}
	rng := rand.New(rand.NewSource(14))
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for n := rng.Intn(40); n > 0; n-- {
			b.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		check("random", b.String())
	}
}

// FuzzScriptMatchers compares the matchers with the regexps on any input:
// go test -fuzz FuzzScriptMatchers ./crawler/platform/
func FuzzScriptMatchers(f *testing.F) {
	for _, s := range scriptMatcherCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if diff := matcherDiff(s); diff != "" {
			t.Fatalf("%q: %s", s, diff)
		}
	})
}

// matcherDiff says how the matchers' answer on s differs from the
// regexps' ("" if it does not).
func matcherDiff(s string) string {
	if got, want := objectLiterals(s), refObjectRe.FindAllString(s, -1); !reflect.DeepEqual(got, want) {
		return fmt.Sprintf("objectLiterals = %q, want %q", got, want)
	}
	var want []string
	for _, m := range refArrayLitRe.FindAllStringSubmatch(s, -1) {
		want = append(want, m[1])
	}
	if got := arrayStrings(s); !reflect.DeepEqual(got, want) {
		return fmt.Sprintf("arrayStrings = %q, want %q", got, want)
	}
	return ""
}

// BenchmarkScriptLinks reads a menu script of the kind portals inline
// (~40 KB of objects, arrays and code) with scriptLinks, and with the two
// regexps it replaced, in the same run.
func BenchmarkScriptLinks(b *testing.B) {
	var sb strings.Builder
	for i := 0; sb.Len() < 40<<10; i++ {
		fmt.Fprintf(&sb, "function f%d(a){if(a.k>%d){return {id:%d,name:'栏目%d',cls:\"m\"};}var l=[1,2,\"/c%d/index.html\"];$(\"#m%d\").on('click',function(){g(a,{x:%d});});}\n", i, i, i, i, i, i, i)
	}
	s := sb.String()
	b.Run("literals", func(b *testing.B) {
		b.SetBytes(int64(len(s)))
		for i := 0; i < b.N; i++ {
			objectLiterals(s)
			arrayStrings(s)
		}
	})
	b.Run("regexps", func(b *testing.B) {
		b.SetBytes(int64(len(s)))
		for i := 0; i < b.N; i++ {
			refObjectRe.FindAllString(s, -1)
			refArrayLitRe.FindAllStringSubmatch(s, -1)
		}
	})
}

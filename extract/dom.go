package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Small DOM helpers over x/net/html nodes. They iterate with an explicit
// stack so hostile nesting depth cannot exhaust anything.

// walkElements calls f on every element under root in document order;
// f returns false to skip the element's children.
func walkElements(root *html.Node, f func(*html.Node) bool) {
	stack := []*html.Node{root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.Type == html.ElementNode && !f(n) {
			continue
		}
		// Push last child first so the first child pops first.
		for c := n.LastChild; c != nil; c = c.PrevSibling {
			stack = append(stack, c)
		}
	}
}

// findFirst returns the first element with the given tag, or nil.
func findFirst(root *html.Node, a atom.Atom) *html.Node {
	var found *html.Node
	walkElements(root, func(n *html.Node) bool {
		if found != nil {
			return false
		}
		if n.DataAtom == a {
			found = n
			return false
		}
		return true
	})
	return found
}

// findInHead looks for an element that belongs in <head> (title, base)
// without walking the whole body; a page with no <head> is searched whole.
func findInHead(root *html.Node, a atom.Atom) *html.Node {
	if head := findFirst(root, atom.Head); head != nil {
		if n := findFirst(head, a); n != nil {
			return n
		}
		if findFirst(root, atom.Body) != nil {
			return nil // the parser moves every head element into <head>
		}
	}
	return findFirst(root, a)
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

// nodeText is the cleaned text of n, its cells and blocks joined by spaces.
func nodeText(n *html.Node) string {
	return cleanLine(strings.Join(renderLines(n), " "))
}

// detach removes n from its parent.
func detach(n *html.Node) {
	if n.Parent != nil {
		n.Parent.RemoveChild(n)
	}
}

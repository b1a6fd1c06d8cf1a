package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Small DOM helpers over x/net/html nodes. They walk the tree by its
// Parent and sibling pointers, with no stack: hostile nesting depth cannot
// exhaust anything, and a walk allocates nothing.

// walkTree visits root and every node under it in document order. enter is
// called on the way down and says whether to visit the node's children;
// leave, if not nil, is called on the way up for every node entered with
// true. The tree must not be changed during the walk.
func walkTree(root *html.Node, enter func(*html.Node) bool, leave func(*html.Node)) {
	n := root
	for {
		descend := enter(n)
		if descend && n.FirstChild != nil {
			n = n.FirstChild
			continue
		}
		if descend && leave != nil {
			leave(n)
		}
		// Climb to the next node that has a following sibling, leaving
		// every parent passed on the way.
		for n != root && n.NextSibling == nil {
			n = n.Parent
			if leave != nil {
				leave(n)
			}
		}
		if n == root {
			return
		}
		n = n.NextSibling
	}
}

// walkElements calls f on every element under root in document order;
// f returns false to skip the element's children.
func walkElements(root *html.Node, f func(*html.Node) bool) {
	walkTree(root, func(n *html.Node) bool {
		if n.Type == html.ElementNode {
			return f(n)
		}
		return true
	}, nil)
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

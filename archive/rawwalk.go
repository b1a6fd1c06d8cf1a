package archive

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
)

// rawWalk walks every bucket of a rawFile from the root, the way
// bbolt's Tx.Check does, but with plain reads: page types and numbers,
// pages referenced twice, pages both in use and free, pages neither in
// use nor free, key order within pages and under their parents, and that
// every key and value lies inside its page. A damaged page is reported
// and skipped; the walk goes on with the rest of the tree.
type rawWalk struct {
	r       *rawFile
	problem func(string) // every problem found, one line each
	// entry, if set, receives every readable key/value of every bucket
	// (Repair), which makes the walk read values in full.
	entry func(path [][]byte, k, v []byte)
	// bucket, if set, receives every bucket reached with its sequence,
	// before its entries.
	bucket  func(path [][]byte, seq uint64)
	reached map[uint64]bool
	freed   map[uint64]bool
}

// maxDepth bounds the tree depth: a real file is a handful of levels, a
// damaged one could otherwise send the walk round a cycle.
const maxDepth = 64

// run walks the whole file.
func (w *rawWalk) run() {
	w.reached = map[uint64]bool{0: true, 1: true}
	w.freed = map[uint64]bool{}
	free, err := w.r.freelist()
	if err != nil {
		w.problem(err.Error())
	}
	for _, id := range free {
		if w.freed[id] {
			w.problem(fmt.Sprintf("freelist: page %d freed twice", id))
		}
		w.freed[id] = true
	}
	if fl := w.r.meta.freelist; fl != noFreelist {
		if p, err := w.r.page(fl, false); err == nil {
			w.reach(nil, p)
		}
	}
	root := make([]byte, bucketHeaderSize)
	le.PutUint64(root, w.r.meta.root)
	le.PutUint64(root[8:], w.r.meta.rootSequence)
	w.walkBucket(nil, root, 0)
	var from uint64
	for id := uint64(2); id <= w.r.meta.hwm; id++ {
		lost := id < w.r.meta.hwm && !w.reached[id] && !w.freed[id]
		switch {
		case lost && from == 0:
			from = id
		case !lost && from != 0:
			if from == id-1 {
				w.problem(fmt.Sprintf("page %d: neither in use nor free (lost space)", from))
			} else {
				w.problem(fmt.Sprintf("pages %d-%d: neither in use nor free (lost space)", from, id-1))
			}
			from = 0
		}
	}
}

// reach marks a page and its overflow pages as in use.
func (w *rawWalk) reach(path [][]byte, p *rawPage) bool {
	ok := true
	for i := uint64(0); i <= p.overflow; i++ {
		if w.reached[p.id+i] {
			w.problem(fmt.Sprintf("%spage %d: used twice", where(path), p.id+i))
			ok = false
		}
		w.reached[p.id+i] = true
	}
	if w.freed[p.id] {
		w.problem(fmt.Sprintf("%spage %d: in use but listed as free (a write would overwrite it)", where(path), p.id))
	}
	return ok
}

// walkBucket walks a bucket given its header value (root page, sequence,
// and the inline page of a small bucket).
func (w *rawWalk) walkBucket(path [][]byte, hdr []byte, depth int) {
	if len(hdr) < bucketHeaderSize {
		w.problem(fmt.Sprintf("%sbucket header of %d bytes", where(path), len(hdr)))
		return
	}
	root, seq := le.Uint64(hdr), le.Uint64(hdr[8:])
	if w.bucket != nil {
		w.bucket(path, seq)
	}
	if root != 0 {
		w.walkPage(path, root, nil, nil, depth)
		return
	}
	// An inline bucket: a leaf page inside the value.
	buf := hdr[bucketHeaderSize:]
	if len(buf) < pageHeaderSize {
		w.problem(fmt.Sprintf("%sinline bucket of %d bytes", where(path), len(buf)))
		return
	}
	p := &rawPage{flags: le.Uint16(buf[8:]), count: int(le.Uint16(buf[10:])), buf: buf, span: len(buf)}
	if p.flags&flagLeaf == 0 {
		w.problem(fmt.Sprintf("%sinline bucket page has type %#x", where(path), p.flags))
		return
	}
	w.walkLeaf(path, p, nil, nil, depth)
}

// walkPage walks the subtree at page id, whose keys must lie in [lo, hi)
// (nil: unbounded).
func (w *rawWalk) walkPage(path [][]byte, id uint64, lo, hi []byte, depth int) {
	if depth > maxDepth {
		w.problem(fmt.Sprintf("%spage %d: tree deeper than %d levels (a cycle?)", where(path), id, maxDepth))
		return
	}
	p, err := w.r.page(id, w.entry != nil)
	if err != nil {
		w.problem(where(path) + err.Error())
		return
	}
	if !w.reach(path, p) {
		return // do not walk a subtree twice
	}
	switch {
	case p.flags&flagBranch != 0:
		w.walkBranch(path, p, lo, hi, depth)
	case p.flags&flagLeaf != 0:
		w.walkLeaf(path, p, lo, hi, depth)
	default:
		w.problem(fmt.Sprintf("%spage %d: type %#x where a branch or leaf page belongs", where(path), id, p.flags))
	}
}

func (w *rawWalk) walkBranch(path [][]byte, p *rawPage, lo, hi []byte, depth int) {
	if pageHeaderSize+p.count*elemSize > p.span || p.count == 0 {
		w.problem(fmt.Sprintf("%spage %d: %d branch elements do not fit", where(path), p.id, p.count))
		return
	}
	keys := make([][]byte, p.count)
	kids := make([]uint64, p.count)
	for i := range keys {
		off := pageHeaderSize + i*elemSize
		e, err := w.r.bytesAt(p, off, elemSize)
		if err != nil {
			w.problem(where(path) + err.Error())
			return
		}
		k, err := w.r.bytesAt(p, off+int(le.Uint32(e)), int(le.Uint32(e[4:])))
		if err != nil {
			w.problem(where(path) + err.Error())
			return
		}
		keys[i], kids[i] = k, le.Uint64(e[8:])
	}
	if !w.ordered(path, p, keys, lo, hi) {
		return
	}
	for i, kid := range kids {
		next := hi
		if i+1 < len(keys) {
			next = keys[i+1]
		}
		w.walkPage(path, kid, keys[i], next, depth+1)
	}
}

func (w *rawWalk) walkLeaf(path [][]byte, p *rawPage, lo, hi []byte, depth int) {
	if pageHeaderSize+p.count*elemSize > p.span {
		w.problem(fmt.Sprintf("%spage %d: %d leaf elements do not fit", where(path), p.id, p.count))
		return
	}
	type elem struct {
		flags      uint32
		k          []byte
		voff, vlen int
	}
	elems := make([]elem, p.count)
	keys := make([][]byte, p.count)
	for i := range elems {
		off := pageHeaderSize + i*elemSize
		e, err := w.r.bytesAt(p, off, elemSize)
		if err != nil {
			w.problem(where(path) + err.Error())
			return
		}
		kOff, kLen, vLen := off+int(le.Uint32(e[4:])), int(le.Uint32(e[8:])), int(le.Uint32(e[12:]))
		k, err := w.r.bytesAt(p, kOff, kLen)
		if err == nil && kOff+kLen+vLen > p.span {
			err = fmt.Errorf("page %d: value of %d bytes runs past the page", p.id, vLen)
		}
		if err != nil {
			w.problem(where(path) + err.Error())
			return
		}
		elems[i] = elem{le.Uint32(e), k, kOff + kLen, vLen}
		keys[i] = k
	}
	if !w.ordered(path, p, keys, lo, hi) {
		return
	}
	for _, e := range elems {
		if e.flags&leafBucketFlag == 0 && w.entry == nil {
			continue
		}
		v, err := w.r.bytesAt(p, e.voff, e.vlen)
		if err != nil {
			w.problem(where(path) + err.Error())
			continue
		}
		sub := append(path[:len(path):len(path)], e.k)
		if e.flags&leafBucketFlag != 0 {
			w.walkBucket(sub, v, depth+1)
		} else {
			w.entry(path, e.k, v)
		}
	}
}

// ordered checks that a page's keys increase and lie in [lo, hi).
func (w *rawWalk) ordered(path [][]byte, p *rawPage, keys [][]byte, lo, hi []byte) bool {
	for i, k := range keys {
		if (i > 0 && bytes.Compare(keys[i-1], k) >= 0) || (lo != nil && bytes.Compare(k, lo) < 0) || (hi != nil && bytes.Compare(k, hi) >= 0) {
			w.problem(fmt.Sprintf("%spage %d: keys out of order at element %d", where(path), p.id, i))
			return false
		}
	}
	return true
}

// where names a bucket path for a problem line ("" for the root).
func where(path [][]byte) string {
	if len(path) == 0 {
		return ""
	}
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = keyString(p)
	}
	return "bucket " + strings.Join(parts, "/") + ": "
}

// keyString shows a key as text when it is printable ASCII, else as hex.
func keyString(k []byte) string {
	for _, c := range k {
		if c < 0x20 || c > 0x7e {
			if len(k) > 8 {
				return hex.EncodeToString(k[:8]) + "…"
			}
			return hex.EncodeToString(k)
		}
	}
	return string(k)
}

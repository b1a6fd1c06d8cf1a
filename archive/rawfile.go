package archive

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// A damaged archive must give an error, never a crash. bbolt reads the
// file through a memory mapping and trusts every page number and offset
// in it: a file cut short makes it read past the end of the file (SIGBUS),
// a flipped byte can send it outside the mapping (SIGSEGV) or into its
// own assertions (panic). rawFile reads the same on-disk format with plain
// reads, checking every page number, count and offset against the file
// before following it, so validation itself can never fault. Open uses it
// to refuse a cut file cheaply, and to walk the whole tree before it lets
// anything write to the file; Check and Repair use it to list and salvage.

// DamageError is a file that cannot be used as an archive as it is. It
// matches ErrCorrupt with errors.Is.
type DamageError struct {
	Path   string
	Detail string
}

func (e *DamageError) Error() string { return fmt.Sprintf("%s is damaged: %s", e.Path, e.Detail) }

// Is makes errors.Is(err, ErrCorrupt) true for a damaged file.
func (e *DamageError) Is(target error) bool { return target == ErrCorrupt }

func damaged(path, format string, args ...any) error {
	return &DamageError{Path: path, Detail: fmt.Sprintf(format, args...)}
}

// bbolt's on-disk format (go.etcd.io/bbolt/internal/common), native byte
// order (little-endian on every platform gongkai builds for).
const (
	boltMagic        = 0xED0CDAED
	boltVersion      = 2
	pageHeaderSize   = 16 // id u64, flags u16, count u16, overflow u32
	elemSize         = 16 // branch: pos u32, ksize u32, pgid u64; leaf: flags u32, pos u32, ksize u32, vsize u32
	metaSize         = 64 // magic, version, pageSize, flags u32; root u64, sequence u64; freelist, pgid, txid, checksum u64
	bucketHeaderSize = 16 // root u64, sequence u64
	flagBranch       = 0x01
	flagLeaf         = 0x02
	flagFreelist     = 0x10
	leafBucketFlag   = 0x01
	noFreelist       = ^uint64(0)
)

var le = binary.LittleEndian

// rawMeta is one decoded meta page.
type rawMeta struct {
	pageSize           uint32
	root, rootSequence uint64
	freelist, hwm      uint64 // hwm: the high-water mark, pages in use
	txid               uint64
	err                string // why the page is not valid ("" when valid)
}

// rawFile is an archive file opened for plain reads.
type rawFile struct {
	path     string
	f        *os.File
	size     int64
	pageSize int
	meta     rawMeta    // the meta page bbolt will use
	metas    [2]rawMeta // both, for check's report
	cut      bool       // the file ends before meta.hwm: only Repair reads on
}

// openRaw opens path read-only and validates what every reader relies on:
// the meta pages, that the file holds every page they claim (a cut file
// fails here), and the page numbers of the root and the freelist.
func openRaw(path string) (*rawFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r := &rawFile{path: path, f: f}
	if err := r.readMeta(); err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

func (r *rawFile) Close() error { return r.f.Close() }

func (r *rawFile) readMeta() error {
	fi, err := r.f.Stat()
	if err != nil {
		return err
	}
	r.size = fi.Size()
	if r.size == 0 {
		return damaged(r.path, "the file is empty (0 bytes), not an archive (delete it to start a new one)")
	}
	// Meta page 0 gives the page size; if it is damaged, look for meta
	// page 1 at the usual page sizes, as bbolt does.
	buf := make([]byte, pageHeaderSize+metaSize)
	if n, _ := r.f.ReadAt(buf, 0); n < len(buf) {
		return damaged(r.path, "the file is %d bytes, too short for a bbolt header (not a gongkai archive, or cut short)", r.size)
	}
	r.metas[0] = decodeMeta(buf)
	if r.metas[0].err == "" {
		r.pageSize = int(r.metas[0].pageSize)
	} else {
		for ps := int64(1024); ps <= 64<<10; ps *= 2 {
			if n, _ := r.f.ReadAt(buf, ps); n == len(buf) {
				if m := decodeMeta(buf); m.err == "" && int64(m.pageSize) == ps {
					r.pageSize = int(ps)
					break
				}
			}
		}
	}
	if r.pageSize == 0 {
		if bytes.Contains(buf, []byte("SQLite")) || r.metas[0].err == "not a bbolt file" {
			return damaged(r.path, "not a bbolt database (no bbolt header)")
		}
		return damaged(r.path, "both bbolt header pages are unreadable (%s)", r.metas[0].err)
	}
	if r.size < 2*int64(r.pageSize) {
		return damaged(r.path, "the file is %d bytes, shorter than its two header pages (cut short?)", r.size)
	}
	if n, _ := r.f.ReadAt(buf, int64(r.pageSize)); n == len(buf) {
		r.metas[1] = decodeMeta(buf)
	}
	// bbolt uses the valid meta with the higher transaction id.
	a, b := r.metas[0], r.metas[1]
	if b.txid > a.txid {
		a, b = b, a
	}
	switch {
	case a.err == "":
		r.meta = a
	case b.err == "":
		r.meta = b
	default:
		return damaged(r.path, "both bbolt header pages are unreadable (%s; %s)", r.metas[0].err, r.metas[1].err)
	}
	m := r.meta
	if m.root < 2 || m.root >= m.hwm {
		return damaged(r.path, "header names root page %d outside the file's %d pages", m.root, m.hwm)
	}
	if m.freelist != noFreelist && (m.freelist < 2 || m.freelist >= m.hwm) {
		return damaged(r.path, "header names freelist page %d outside the file's %d pages", m.freelist, m.hwm)
	}
	if need := int64(m.hwm) * int64(r.pageSize); need > r.size {
		r.cut = true // Repair still reads the pages that are there
		return damaged(r.path, "cut short: the file has %d bytes but its header needs %d (a full disk or an interrupted copy?)", r.size, need)
	}
	return nil
}

// decodeMeta decodes a meta page (header included) and validates it as
// bbolt's Meta.Validate does.
func decodeMeta(b []byte) rawMeta {
	m := b[pageHeaderSize:]
	out := rawMeta{
		pageSize: le.Uint32(m[8:]),
		root:     le.Uint64(m[16:]), rootSequence: le.Uint64(m[24:]),
		freelist: le.Uint64(m[32:]), hwm: le.Uint64(m[40:]), txid: le.Uint64(m[48:]),
	}
	sum := fnv.New64a()
	sum.Write(m[:56])
	switch {
	case le.Uint32(m[0:]) != boltMagic:
		out.err = "not a bbolt file"
	case le.Uint32(m[4:]) != boltVersion:
		out.err = fmt.Sprintf("bbolt format version %d", le.Uint32(m[4:]))
	case le.Uint64(m[56:]) != sum.Sum64():
		out.err = "header checksum mismatch"
	case out.pageSize < 512 || out.pageSize > 1<<20 || out.pageSize&(out.pageSize-1) != 0:
		out.err = fmt.Sprintf("impossible page size %d", out.pageSize)
	}
	return out
}

// rawPage is one page (with its overflow pages when read in full).
type rawPage struct {
	id       uint64
	flags    uint16
	count    int
	overflow uint64
	buf      []byte // the page's bytes from its header on
	span     int    // bytes the page covers in the file: (overflow+1) × page size
}

// page reads page id. full reads its overflow pages too; otherwise only
// the first page is read (keys and values beyond it are read on demand).
func (r *rawFile) page(id uint64, full bool) (*rawPage, error) {
	if id < 2 || id >= r.meta.hwm {
		return nil, fmt.Errorf("page %d: outside the file's %d pages", id, r.meta.hwm)
	}
	ps := int64(r.pageSize)
	if int64(id+1)*ps > r.size {
		return nil, fmt.Errorf("page %d: past the end of the file", id)
	}
	first := make([]byte, ps)
	if _, err := r.f.ReadAt(first, int64(id)*ps); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("page %d: %w", id, err)
	}
	p := &rawPage{id: le.Uint64(first), flags: le.Uint16(first[8:]), count: int(le.Uint16(first[10:])), overflow: uint64(le.Uint32(first[12:])), buf: first}
	if p.id != id {
		return nil, fmt.Errorf("page %d: says it is page %d", id, p.id)
	}
	if id+p.overflow >= r.meta.hwm {
		return nil, fmt.Errorf("page %d: %d overflow pages run past the file's %d pages", id, p.overflow, r.meta.hwm)
	}
	p.span = int(p.overflow+1) * r.pageSize
	if int64(id)*ps+int64(p.span) > r.size {
		return nil, fmt.Errorf("page %d: past the end of the file", id)
	}
	if full && p.overflow > 0 {
		p.buf = make([]byte, p.span)
		if _, err := r.f.ReadAt(p.buf, int64(id)*ps); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("page %d: %w", id, err)
		}
	}
	return p, nil
}

// bytesAt returns n bytes at offset off of the page, reading the file when
// they lie beyond what was read.
func (r *rawFile) bytesAt(p *rawPage, off, n int) ([]byte, error) {
	if off < 0 || n < 0 || off+n > p.span {
		return nil, fmt.Errorf("page %d: entry at %d+%d runs past the page's %d bytes", p.id, off, n, p.span)
	}
	if off+n <= len(p.buf) {
		return p.buf[off : off+n], nil
	}
	b := make([]byte, n)
	if _, err := r.f.ReadAt(b, int64(p.id)*int64(r.pageSize)+int64(off)); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("page %d: %w", p.id, err)
	}
	return b, nil
}

// freelist returns the free page ids, checked against the file.
func (r *rawFile) freelist() ([]uint64, error) {
	if r.meta.freelist == noFreelist {
		return nil, nil
	}
	p, err := r.page(r.meta.freelist, true)
	if err != nil {
		return nil, fmt.Errorf("freelist: %w", err)
	}
	if p.flags&flagFreelist == 0 {
		return nil, fmt.Errorf("freelist page %d has type %#x", p.id, p.flags)
	}
	off, n := pageHeaderSize, uint64(p.count)
	if p.count == 0xFFFF {
		if len(p.buf) < off+8 {
			return nil, fmt.Errorf("freelist page %d: count missing", p.id)
		}
		n = le.Uint64(p.buf[off:])
		off += 8
	}
	if n > uint64(len(p.buf)-off)/8 {
		return nil, fmt.Errorf("freelist page %d: %d entries do not fit in %d pages", p.id, n, p.overflow+1)
	}
	ids := make([]uint64, n)
	for i := range ids {
		ids[i] = le.Uint64(p.buf[off+8*i:])
		if ids[i] < 2 || ids[i] >= r.meta.hwm {
			return nil, fmt.Errorf("freelist page %d: free page %d outside the file's %d pages", p.id, ids[i], r.meta.hwm)
		}
	}
	return ids, nil
}

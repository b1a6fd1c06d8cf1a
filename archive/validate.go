package archive

import (
	"errors"
	"io/fs"
	"os"
	"time"
)

// errLockBusy is lockRaw giving up on another process's lock.
var errLockBusy = errors.New("lock busy")

// validateFile checks the file at path before bbolt maps it. Every open
// checks the header pages and that the file holds every page they claim,
// which costs a few reads and refuses a cut file; an open for writing
// also walks the whole tree (rawWalk), so nothing is ever written into a
// file whose pages could not be trusted. A missing file is left to
// bbolt, which creates it for a writer.
func validateFile(path string, writable bool, lockTimeout time.Duration) error {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	r, err := openRawLocked(path, writable, lockTimeout)
	if err != nil {
		if r != nil {
			r.Close()
		}
		return err
	}
	defer r.Close() // releases the lock
	if !writable {
		return nil
	}
	var first string
	n := 0
	w := rawWalk{r: r, problem: func(p string) {
		if n == 0 {
			first = p
		}
		n++
	}}
	w.run()
	switch n {
	case 0:
		return nil
	case 1:
		return damaged(path, "%s (nothing was written to it; `crawl check` lists the problems, `crawl check --repair` copies out what is readable)", first)
	}
	return damaged(path, "%s, and %d more problems (nothing was written to it; `crawl check` lists them, `crawl check --repair` copies out what is readable)", first, n-1)
}

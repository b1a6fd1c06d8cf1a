//go:build !windows && !plan9 && !solaris && !aix && !android

package archive

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// lockRaw takes the same advisory lock bbolt takes (exclusive for a
// writer, shared for a reader), so validation never reads a file another
// process is writing; it gives up after timeout with errLockBusy.
func lockRaw(f *os.File, exclusive bool, timeout time.Duration) error {
	how := syscall.LOCK_SH | syscall.LOCK_NB
	if exclusive {
		how = syscall.LOCK_EX | syscall.LOCK_NB
	}
	deadline := time.Now().Add(timeout)
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if err == nil {
			return nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return err
		}
		if time.Now().After(deadline) {
			return errLockBusy
		}
		time.Sleep(50 * time.Millisecond)
	}
}

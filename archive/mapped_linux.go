//go:build linux

package archive

import "golang.org/x/sys/unix"

// dropMapped tells the kernel this process no longer needs the size bytes
// mapped at addr. The address is passed to the system call as a number:
// the range is bbolt's file mapping, never Go-managed memory.
func dropMapped(addr uintptr, size int64) error {
	if addr == 0 || size <= 0 {
		return nil
	}
	if _, _, e := unix.Syscall(unix.SYS_MADVISE, addr, uintptr(size), unix.MADV_DONTNEED); e != 0 {
		return e
	}
	return nil
}

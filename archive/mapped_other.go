//go:build !linux

package archive

// dropMapped is a no-op outside Linux: there the mapping's resident pages
// are left to the kernel.
func dropMapped(addr uintptr, size int64) error { return nil }

//go:build linux || darwin || freebsd

package archive

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestGuardTurnsFaultIntoDamage: reading a mapping past the end of its
// file (what bbolt does on a cut archive) is SIGBUS, which kills a Go
// program; inside guard it is a *DamageError instead.
func TestGuardTurnsFaultIntoDamage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "short.db")
	if err := os.WriteFile(path, make([]byte, 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := unix.Mmap(int(f.Fd()), 0, 3*4096, unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(m)
	var got byte
	err = guard(path, func() error {
		got = m[2*4096+7] // past the end of the file
		return nil
	})
	var de *DamageError
	if !errors.As(err, &de) || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "fault") {
		t.Fatalf("guard = %v (read %d), want a DamageError naming the fault", err, got)
	}
	// Afterwards the goroutine is back to its own setting: guard does not
	// leave faults turned into panics.
	if err := guard(path, func() error { return nil }); err != nil {
		t.Fatal(err)
	}
}

// TestGuardKeepsBugsLoud: a panic that does not come from the file (a
// bug in our own code) is not dressed up as damage.
func TestGuardKeepsBugsLoud(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(error).Error(), "index out of range") {
			t.Fatalf("recovered %v, want the original index panic", r)
		}
	}()
	var s []int
	i := 3
	_ = guard("x.db", func() error { s[i] = 1; return nil })
	t.Fatal("guard swallowed a panic from our own code")
}

//go:build windows || plan9 || solaris || aix || android

package archive

import (
	"os"
	"time"
)

// lockRaw is a no-op here: bbolt's own lock, taken right after
// validation, still keeps two writers apart.
func lockRaw(*os.File, bool, time.Duration) error { return nil }

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/gongkai/gongkai/archive"
)

// lockWait is how long a command waits for another process's lock on the
// archive before giving up with exit 2 (never hang).
const lockWait = 2 * time.Second

// openArchive opens the --db file. Read-only commands need the file to
// exist; every failure is bad input (exit 2) with one clear line.
func openArchive(path string, readOnly bool) (*archive.Store, error) {
	return openArchiveFor(path, readOnly, "")
}

// openArchiveFor is openArchive for the named command, so that a lock held
// by another process is explained for what the command wanted to do.
func openArchiveFor(path string, readOnly bool, command string) (*archive.Store, error) {
	if readOnly {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, badInput(fmt.Errorf("no archive at %s (run `crawl demo` or `crawl run` first, or pass --db)", path))
		}
	}
	s, err := archive.Open(path, &archive.Options{ReadOnly: readOnly, LockTimeout: lockWait})
	var de *archive.DamageError
	switch {
	case err == nil:
		return s, nil
	case errors.As(err, &de):
		return nil, badInput(de)
	case errors.Is(err, archive.ErrLocked):
		return nil, lockedError(path, command)
	case errors.Is(err, archive.ErrSchemaTooNew):
		return nil, badInput(fmt.Errorf("%s was written by a newer gongkai; upgrade crawl", path))
	case errors.Is(err, archive.ErrCorrupt):
		return nil, badInput(fmt.Errorf("%s is damaged or not a gongkai archive (%v)", path, err))
	}
	return nil, badInput(fmt.Errorf("cannot use %s as an archive (%v)", path, err))
}

// closeArchive closes s, keeping the first error.
func closeArchive(s *archive.Store, err *error) {
	if cerr := s.Close(); cerr != nil && *err == nil {
		*err = fmt.Errorf("close archive: %w", cerr)
	}
}

// storageError marks a failure reading the archive mid-job: corruption is
// bad input (exit 2), anything else a failed job (exit 1).
func storageError(err error) error {
	if err == nil {
		return nil
	}
	var xe *exitError
	if errors.As(err, &xe) {
		return err
	}
	var de *archive.DamageError
	if errors.As(err, &de) {
		return badInput(de) // the file's name and what is wrong; the call chain adds nothing
	}
	if errors.Is(err, archive.ErrCorrupt) {
		return badInput(err)
	}
	if errors.Is(err, archive.ErrNotFound) {
		// Mid-job, a record the archive itself points to is missing.
		return badInput(fmt.Errorf("%w (the archive contradicts itself: `crawl check` lists what is wrong)", err))
	}
	return failed(err)
}

package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// holder is the note a process holding the archive for writing (crawl run,
// crawl serve) leaves beside it, in <db>.holder: who holds the file, since
// when, and where it answers on 127.0.0.1. Read commands find it there and
// run through that process (control.go, forward.go); commands that cannot
// name the holder in their error. The file is 0600: the token in it lets
// only the archive owner's processes use the endpoint.
type holder struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"` // the command line, e.g. "crawl run --seeds a.csv"
	Since   time.Time `json:"since"`
	DB      string    `json:"db"`            // the archive, absolute
	Control string    `json:"control"`       // 127.0.0.1:port of the control endpoint
	Web     string    `json:"web,omitempty"` // the web view's URL (crawl serve)
	Token   string    `json:"token"`
}

// holderPath is where the holder of db is described.
func holderPath(db string) string { return db + ".holder" }

// readHolder returns the holder note beside db, or nil when there is none
// or it is unreadable (a note is advice; the file lock is the truth).
func readHolder(db string) *holder {
	b, err := os.ReadFile(holderPath(db))
	if err != nil {
		return nil
	}
	var h holder
	if json.Unmarshal(b, &h) != nil || h.PID <= 0 {
		return nil
	}
	return &h
}

// live reports whether the note is from a running process other than this
// one; a note left by a process that died (kill -9, a reboot) is stale.
func (h *holder) live() bool {
	return h != nil && h.PID != os.Getpid() && processAlive(h.PID)
}

// who names the holding process for an error line.
func (h *holder) who() string {
	return fmt.Sprintf("PID %d (%s, since %s)", h.PID, h.Command, h.Since.UTC().Format(time.RFC3339))
}

// newHolder describes this process holding db, reachable at control.
func newHolder(db, control, web string, args []string) (holder, error) {
	abs, err := filepath.Abs(db)
	if err != nil {
		return holder{}, err
	}
	tok := make([]byte, 16)
	if _, err := rand.Read(tok); err != nil {
		return holder{}, fmt.Errorf("holder token: %w", err)
	}
	return holder{PID: os.Getpid(), Command: "crawl " + strings.Join(args, " "), Since: time.Now().UTC().Truncate(time.Second),
		DB: abs, Control: control, Web: web, Token: hex.EncodeToString(tok)}, nil
}

// write puts the note beside the archive (written whole, then renamed, so
// a reader never sees half of it) and returns the function that removes it
// again, unless another process has replaced it meanwhile.
func (h holder) write(db string) (remove func(), err error) {
	b, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return nil, err
	}
	path := holderPath(db)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return func() {
		if cur := readHolder(db); cur != nil && cur.PID == h.PID && cur.Token == h.Token {
			os.Remove(path)
		}
	}, nil
}

// lockedError is the one line for an archive another process holds, naming
// it when it left a note, and saying how to reach its data.
func lockedError(db, command string) error {
	h := readHolder(db)
	if !h.live() {
		return badInput(fmt.Errorf("%s is locked by another crawl process; wait for it to finish or use another --db", db))
	}
	if err := probe(h); err != nil {
		return badInput(fmt.Errorf("%s is held by %s, which does not answer at %s (%v); wait for it to finish or stop it (kill %d)",
			db, h.who(), h.Control, err, h.PID))
	}
	var hint string
	switch {
	case command == "crawl serve" && h.Web != "":
		hint = "its web view is at " + h.Web
	case command == "crawl serve":
		hint = "read commands (stats, export, history, errors, agencies) work through it; for a web view that stays up while crawls run, use crawl serve --seeds FILE --every 24h"
	case command == "":
		hint = fmt.Sprintf("read commands (stats, export, history, errors, agencies) work through it; for this command stop it first (kill %d)", h.PID)
	default:
		hint = fmt.Sprintf("%s writes to the archive: stop it first (kill %d)", command, h.PID)
	}
	return badInput(fmt.Errorf("%s is held by %s; %s", db, h.who(), hint))
}

// probe checks that the holder's endpoint accepts a connection.
func probe(h *holder) error {
	c, err := net.DialTimeout("tcp", h.Control, time.Second)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) && op.Err != nil {
			return op.Err
		}
		return err
	}
	return c.Close()
}

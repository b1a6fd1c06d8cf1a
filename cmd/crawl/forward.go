package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
)

// forward runs the command line through the process holding the --db
// archive, when there is one and it answers: the command then runs inside
// that process against the file it holds, with the same output and exit
// status as here. ok is false when nobody (alive) holds the file or the
// holder could not be asked; the caller then opens the file itself, and
// a lock still held becomes a line naming the holder (lockedError).
func forward(ctx context.Context, e *env, c *command, fs *flagSet) (code int, ok bool) {
	h := readHolder(*fs.db)
	if !h.live() {
		return 0, false
	}
	args, err := absArgs(c, fs)
	if err != nil {
		return report(e, badInput(err)), true
	}
	body, _ := json.Marshal(execRequest{Args: args, Term: e.term, StdoutTerm: e.stdoutTerm})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+h.Control+"/exec", bytes.NewReader(body))
	if err != nil {
		return 0, false
	}
	req.Header.Set("Authorization", "Bearer "+h.Token)
	req.Header.Set("Content-Type", "application/json")
	// No proxy: the endpoint is on 127.0.0.1 and the token is the owner's.
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DisableCompression: true}}
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return report(e, ctx.Err()), true
		}
		return 0, false // gone or not answering: the lock decides
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, false // not our endpoint, or a token from another holder
	}
	code, err = readFrames(resp.Body, e.stdout, e.stderr)
	if err != nil {
		if ctx.Err() != nil {
			return report(e, ctx.Err()), true
		}
		return report(e, failed(fmt.Errorf("lost %s, which ran this command on %s: %v", h.who(), *fs.db, err))), true
	}
	return code, true
}

// absArgs rebuilds the command line with every file made absolute (the
// holder runs in another working directory): flags whose value names a
// FILE, and the positional arguments of commands that take files.
func absArgs(c *command, fs *flagSet) ([]string, error) {
	args := []string{c.name}
	var err error
	fs.Visit(func(f *flag.Flag) {
		v := f.Value.String()
		if name, _ := flag.UnquoteUsage(f); strings.HasSuffix(name, "FILE") {
			parts := strings.Split(v, ",")
			for i, p := range parts {
				if p != "" && p != "-" {
					if parts[i], err = filepath.Abs(p); err != nil {
						return
					}
				}
			}
			v = strings.Join(parts, ",")
		}
		args = append(args, "--"+f.Name+"="+v)
	})
	if !fs.isSet("db") {
		db, aerr := filepath.Abs(*fs.db)
		if aerr != nil {
			return nil, aerr
		}
		args = append(args, "--db="+db)
	}
	args = append(args, "--")
	for _, a := range fs.args {
		if c.fileArgs && a != "-" {
			if a, err = filepath.Abs(a); err != nil {
				return nil, err
			}
		}
		args = append(args, a)
	}
	return args, err
}

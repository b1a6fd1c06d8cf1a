package archive

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The helper process. When the test binary is re-executed with
// GONGKAI_ARCHIVE_HELPER set, TestHelperWriter becomes a child process:
//
//	writer: 8 goroutines add captures as fast as they can and print
//	        "committed <id> <digest> <url>" for each one AddCapture returned;
//	hold:   open the archive, print "locked", and hold it until stdin closes.
const helperEnv = "GONGKAI_ARCHIVE_HELPER"

func TestHelperWriter(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		t.Skip("helper process only")
	}
	path := os.Getenv("GONGKAI_ARCHIVE_PATH")
	s, err := Open(path, nil)
	if err != nil {
		fmt.Printf("open error: %v\n", err)
		os.Exit(3)
	}
	switch mode {
	case "hold":
		fmt.Println("locked")
		_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
		s.Close()
		os.Exit(0)
	case "writer":
		round := os.Getenv("GONGKAI_ARCHIVE_ROUND")
		var mu sync.Mutex // one line per write(2): stdout is unbuffered in Go
		var wg sync.WaitGroup
		// A crawler-like frontier user runs alongside, so kills also land
		// in the middle of frontier batches.
		go func() {
			f := s.Frontier("crash")
			for i := 0; ; i++ {
				items := make([]FrontierItem, 3)
				for j := range items {
					items[j] = FrontierItem{Key: fmt.Sprintf("r%s/%d/%d", round, i, j), Priority: float64(j)}
				}
				if err := f.Push(context.Background(), items...); err != nil {
					fmt.Printf("error %v\n", err)
					os.Exit(4)
				}
				got, err := f.Pop(context.Background(), 2)
				if err != nil {
					fmt.Printf("error %v\n", err)
					os.Exit(4)
				}
				if len(got) > 0 {
					_ = f.Done(context.Background(), got[0].Key)
				}
			}
		}()
		// A crawler-like page pipeline: capture, record and Done queued
		// behind one another without waiting for the disk, so kills land
		// between them (verifyAfterCrash: no Done without its capture).
		go func() {
			ctx := context.Background()
			f := s.Frontier(chainFrontier)
			for i := 0; ; i++ {
				tag := fmt.Sprintf("chain-r%s-%d", round, i)
				key := chainURL + tag
				if err := f.Push(ctx, FrontierItem{Key: key, Priority: 1}); err != nil {
					fmt.Printf("error %v\n", err)
					os.Exit(4)
				}
				if _, err := f.Pop(ctx, 1); err != nil {
					fmt.Printf("error %v\n", err)
					os.Exit(4)
				}
				body := crashBody(tag)
				digest, _ := sum(body)
				cw := s.QueueCapture(ctx, Capture{URL: key, Status: 200}, body)
				if _, err := cw.Applied(); err != nil {
					fmt.Printf("error %v\n", err)
					os.Exit(4)
				}
				s.QueueParsed(ctx, cw.Queued, Parsed{Digest: digest, ParserVersion: 1, URL: key, Kind: "report", JSON: []byte(`{}`)})
				f.DoneAfter(ctx, cw.Queued, key)
			}
		}()
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					// Every fourth body repeats across goroutines and rounds
					// so dedup paths are crashed too.
					var body []byte
					if i%4 == 0 {
						body = crashBody(fmt.Sprintf("shared-%d", i%40))
					} else {
						body = crashBody(fmt.Sprintf("r%s-g%d-i%d", round, g, i))
					}
					u := fmt.Sprintf("http://h%d.gov.cn/ndbg/%d.html", g, i%25)
					a, err := s.AddCapture(context.Background(), Capture{URL: u, Status: 200}, body)
					if err != nil {
						fmt.Printf("error %v\n", err)
						os.Exit(4)
					}
					mu.Lock()
					fmt.Printf("committed %d %s %s\n", a.Capture.ID, a.Capture.Digest, u)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
	}
}

// The helper's page pipeline writes to this frontier, its pages under
// chainURL.
const (
	chainFrontier = "chain"
	chainURL      = "http://c.gov.cn/"
)

// crashBody is a ~20 KB page unique to tag.
func crashBody(tag string) []byte {
	var b strings.Builder
	b.WriteString("<html><body><h1>" + tag + "</h1>")
	for b.Len() < 20000 {
		b.WriteString("<p>本机关认真贯彻落实《中华人民共和国政府信息公开条例》，" + tag + "</p>")
	}
	return []byte(b.String())
}

func helperCmd(t *testing.T, mode, path string, extra ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, "GONGKAI_ARCHIVE_PATH="+path)
	cmd.Env = append(cmd.Env, extra...)
	return cmd
}

type committed struct {
	id     uint64
	digest string
	url    string
}

// TestKill9Recovery kills a writing child with SIGKILL mid-stream several
// times; after each kill the file must open, every payload must match its
// digest, and every capture the child was told is committed must be there.
func TestKill9Recovery(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess crash test")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	var all []committed
	const rounds = 6
	for round := 1; round <= rounds; round++ {
		cmd := helperCmd(t, "writer", path, "GONGKAI_ARCHIVE_ROUND="+strconv.Itoa(round))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		killAfter := 40 + 23*round // a different moment each round
		n := 0
		killed := false
		for sc.Scan() {
			line := sc.Text()
			f := strings.Fields(line)
			if len(f) != 4 || f[0] != "committed" {
				t.Fatalf("round %d: child said %q", round, line)
			}
			id, err := strconv.ParseUint(f[1], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, committed{id, f[2], f[3]})
			n++
			if n == killAfter && !killed {
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				killed = true
			}
		}
		err = cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: child ended with %v, want killed by SIGKILL", round, err)
		}
		verifyAfterCrash(t, path, round, all)
	}
	t.Logf("%d rounds, %d committed captures verified", rounds, len(all))
}

func verifyAfterCrash(t *testing.T, path string, round int, all []committed) {
	t.Helper()
	s, err := Open(path, &Options{LockTimeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("round %d: reopen after kill: %v", round, err)
	}
	n, err := s.VerifyPayloads(context.Background(), func(d string, err error) error {
		t.Errorf("round %d: payload %s: %v", round, d, err)
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("round %d: verify payloads: %d, %v", round, n, err)
	}
	for _, c := range all {
		got, err := s.GetCapture(c.id)
		if err != nil {
			t.Fatalf("round %d: committed capture %d lost: %v", round, c.id, err)
		}
		if got.Digest != c.digest || got.URL != c.url {
			t.Fatalf("round %d: capture %d = %s %s, want %s %s", round, c.id, got.Digest, got.URL, c.digest, c.url)
		}
		if _, err := s.Payload(c.digest); err != nil {
			t.Fatalf("round %d: payload of capture %d: %v", round, c.id, err)
		}
	}
	verifyChain(t, s, round)
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Payloads != int64(n) {
		t.Errorf("round %d: payload counter %d, %d payloads stored", round, st.Payloads, n)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// bbolt's own consistency check: no dangling or double-used pages.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		// The frontier's pending counter matches its queue, after the
		// reopen moved in-flight items back.
		fb := tx.Bucket(bFrontier).Bucket([]byte("crash"))
		if fb == nil {
			return nil
		}
		q, fl := fb.Bucket(fQueue).Stats().KeyN, fb.Bucket(fInFlight).Stats().KeyN
		n := int64(beUint64(fb.Get(fPending)))
		if fl != 0 || n != int64(q) {
			return fmt.Errorf("frontier: counter %d, queue %d, in flight %d", n, q, fl)
		}
		return nil
	}); err != nil {
		t.Fatalf("round %d: consistency: %v", round, err)
	}
}

// verifyChain checks that every page the helper's pipeline marked done in
// its frontier has its capture and its record: Done never survives a
// crash without them.
func verifyChain(t *testing.T, s *Store, round int) {
	t.Helper()
	var done []string
	if err := s.view(func(tx *bolt.Tx) error {
		fb := tx.Bucket(bFrontier).Bucket([]byte(chainFrontier))
		if fb == nil {
			return nil
		}
		return fb.Bucket(fKeys).ForEach(func(k, v []byte) error {
			if len(v) > 0 && v[0] == stateDone {
				done = append(done, string(k))
			}
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	if len(done) == 0 {
		t.Errorf("round %d: the page pipeline marked nothing done", round)
	}
	for _, key := range done {
		if cs, err := s.Captures(key); err != nil || len(cs) == 0 {
			t.Fatalf("round %d: %s is done but has no capture (%v)", round, key, err)
		}
		digest, _ := sum(crashBody(strings.TrimPrefix(key, chainURL)))
		if _, err := s.GetParsed(digest); err != nil {
			t.Fatalf("round %d: %s is done but has no record: %v", round, key, err)
		}
	}
}

// TestLockedByAnotherProcess: a second process's Open fails with ErrLocked
// after the lock timeout instead of hanging.
func TestLockedByAnotherProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess test")
	}
	path := filepath.Join(t.TempDir(), "locked.db")
	cmd := helperCmd(t, "hold", path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); cmd.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("child: %q, %v", line, err)
	}
	for _, ro := range []bool{false, true} {
		done := make(chan error, 1)
		go func() {
			s, err := Open(path, &Options{ReadOnly: ro, LockTimeout: 200 * time.Millisecond})
			if err == nil {
				s.Close()
			}
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, ErrLocked) {
				t.Fatalf("read-only=%v: Open of a locked file: %v, want ErrLocked", ro, err)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error does not name the file: %v", err)
			}
		case <-time.After(30 * time.Second): // a hang guard, not a speed assertion
			t.Fatal("Open of a locked file hangs")
		}
	}
}

// The same process opening the file twice gets ErrLocked too (flock is per
// open file, not per process).
func TestLockedSameProcess(t *testing.T) {
	_, path := openTemp(t)
	_, err := Open(path, &Options{LockTimeout: 50 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
}

package web

import (
	"bytes"
	"context"
	"errors"
	"net"
	"regexp"
	"sync"
)

// errBadID is returned for a malformed id in a URL (answered with 404).
var errBadID = errors.New("web: malformed id")

var digestRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// checkDigest accepts only a hex SHA-256, so no request value reaches the
// store unvalidated.
func checkDigest(d string) error {
	if !digestRE.MatchString(d) {
		return errBadID
	}
	return nil
}

// bufferPool recycles render buffers between requests.
type bufferPool struct{ p sync.Pool }

func (bp *bufferPool) get() *bytes.Buffer {
	if b, ok := bp.p.Get().(*bytes.Buffer); ok {
		b.Reset()
		return b
	}
	return new(bytes.Buffer)
}

// put returns a buffer unless it grew huge, so one big page does not pin
// memory for the life of the server.
func (bp *bufferPool) put(b *bytes.Buffer) {
	if b.Cap() <= 4<<20 {
		bp.p.Put(b)
	}
}

func listen(ctx context.Context, addr string) (net.Listener, error) {
	var lc net.ListenConfig
	return lc.Listen(ctx, "tcp", addr)
}

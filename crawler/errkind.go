package crawler

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/gocolly/colly/v2"
)

// ErrKinds recorded on captures (archive.Capture.ErrKind) besides the
// transport's own (too_large, bomb, truncated, bad_encoding):
var (
	errTooManyRedirects = errors.New("too many redirects")
	errRedirectLoop     = errors.New("redirect loop")
	errOffScope         = errors.New("redirect leaves the seed's site")
	errTrap             = errors.New("redirect into a crawler trap")
)

// classify names the kind of a network or colly error.
func classify(err error) string {
	var fe *fetchError
	var dnsErr *net.DNSError
	var ne net.Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &fe):
		return fe.kind
	case errors.Is(err, ErrPrivateAddress):
		return "private_address"
	case errors.Is(err, errTooManyRedirects):
		return "redirect"
	case errors.Is(err, errRedirectLoop):
		return "redirect_loop"
	case errors.Is(err, errOffScope):
		return "off_scope"
	case errors.Is(err, errTrap):
		return "trap"
	case errors.Is(err, colly.ErrRobotsTxtBlocked):
		return "robots"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "reset"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.As(err, &dnsErr):
		return "dns"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, http.ErrHandlerTimeout):
		return "timeout"
	case strings.Contains(err.Error(), "connection reset"):
		return "reset"
	case strings.Contains(err.Error(), "EOF"):
		return "reset" // closed before a whole response: the same to the user as a reset
	case strings.Contains(err.Error(), "tls:"), strings.Contains(err.Error(), "x509:"):
		return "tls"
	}
	return "network"
}

// statusKind is the ErrKind of an HTTP status that is not a success.
func statusKind(status int) string {
	switch {
	case status == http.StatusPreconditionFailed:
		return "blocked" // 412 is how 瑞数-style anti-bot gates answer a first visit
	case status == http.StatusTooManyRequests:
		return "http_429"
	case status >= 500:
		return "http_5xx"
	case status >= 400:
		return "http_4xx"
	}
	return ""
}

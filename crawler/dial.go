package crawler

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// ErrPrivateAddress is returned when a connection would go to a loopback,
// private, link-local, multicast or unspecified address and AllowPrivate is off.
var ErrPrivateAddress = errors.New("refused: private or local address")

// cgnat is 100.64.0.0/10 (carrier-grade NAT), private in practice.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// publicAddr reports whether ip is a routable unicast address.
func publicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsValid() && !ip.IsLoopback() && !ip.IsPrivate() && !ip.IsLinkLocalUnicast() &&
		!ip.IsLinkLocalMulticast() && !ip.IsInterfaceLocalMulticast() && !ip.IsMulticast() &&
		!ip.IsUnspecified() && !cgnat.Contains(ip)
}

// newDialer returns a dial function that checks the address it is about to
// connect to, after DNS resolution: a redirect or a DNS answer pointing into
// an internal network is refused at the socket, not at the URL.
func newDialer(cfg Config) func(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{Timeout: cfg.DialTimeout, KeepAlive: 30 * time.Second}
	if !cfg.AllowPrivate {
		allow := cfg.allowAddr
		if allow == nil {
			allow = func(ap netip.AddrPort) bool { return publicAddr(ap.Addr()) }
		}
		d.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("dial %s: %w", address, ErrPrivateAddress)
			}
			if !allow(ap) {
				return fmt.Errorf("dial %s: %w", address, ErrPrivateAddress)
			}
			return nil
		}
	}
	return d.DialContext
}

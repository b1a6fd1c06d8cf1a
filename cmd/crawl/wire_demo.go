package main

import (
	"context"
	"errors"
)

// startDemo starts the demo portal.
func startDemo(ctx context.Context) (*demoSite, error) {
	return nil, errors.New("the demo portal is not built into this binary yet")
}

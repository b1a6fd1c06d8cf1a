package pdf

import (
	"context"
	"sync"
)

// The shared engine of the process. PDFium takes seconds to start, so it is
// started once, on the first PDF, and kept for the life of the process;
// every caller (the crawler's extraction workers, crawl reparse, tests)
// shares it. This is the package's only process-wide value, set once and
// never changed after.
var shared = sync.OnceValues(func() (Engine, error) {
	return NewPDFium(context.Background(), PDFiumConfig{})
})

// Shared returns the process-wide engine, starting it on first use.
func Shared() (Engine, error) { return shared() }

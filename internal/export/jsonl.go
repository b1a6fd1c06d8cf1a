package export

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
)

// JSONL writes one record of the interface spec per matching report
// version, one JSON object per line.
func JSONL(ctx context.Context, src Source, w io.Writer, f Filter, progress Progress) (Counts, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false) // keep "<" and "&" readable in report text
	c, err := EachVersion(ctx, src, f, progress, func(rv ReportVersion) error {
		if err := enc.Encode(exportRecord{rv.Record, rv.Publication}); err != nil {
			return fmt.Errorf("write record of %s: %w", rv.Record.URL, err)
		}
		return nil
	})
	if ferr := bw.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("write jsonl: %w", ferr)
	}
	return c, err
}

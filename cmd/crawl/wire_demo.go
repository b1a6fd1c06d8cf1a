package main

import (
	"context"

	"github.com/gongkai/gongkai/internal/demoportal"
)

// startDemo starts the demo portal and lists what it serves. A report whose
// text is only in its DOCX attachment is looked for at the attachment's URL;
// a page under robots.txt Disallow is left out (a polite crawl never sees it).
func startDemo(ctx context.Context) (*demoSite, error) {
	p, err := demoportal.Start(ctx)
	if err != nil {
		return nil, err
	}
	site := &demoSite{close: func() { p.Close() }, seeds: p.Seeds()}
	for _, sv := range p.Truth() {
		if sv.Disallowed {
			continue
		}
		u := sv.URL
		if sv.InAttachment && len(sv.Attachments) > 0 {
			u = sv.Attachments[0]
		}
		site.served = append(site.served, demoServed{URL: u, Agency: sv.Agency, Kind: sv.Kind, Year: sv.Year})
	}
	return site, nil
}

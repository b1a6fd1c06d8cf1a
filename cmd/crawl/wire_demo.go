package main

import (
	"context"
	"fmt"

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
	site.revise = func() (string, error) {
		const id = "001" // 新前街道's 2020 report: it also fails checks, and has a year before
		if err := p.Revise(id); err != nil {
			return "", err
		}
		for _, sv := range p.Truth() {
			if sv.Report.ID == id {
				return fmt.Sprintf("%s's %d report (version %d: %s)", sv.Agency, sv.Year, sv.Version, sv.URL), nil
			}
		}
		return id, nil
	}
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

package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/gongkai/gongkai/archive"
)

func agenciesCmd() *command {
	return &command{
		name:    "agencies",
		summary: "the agencies the archive holds, with how many reports each",
		usage:   "crawl agencies [--region R] [--json] [--db FILE]",
		detail: `
Lists every agency with parsed pages in the archive: how many report
payloads it has, its name and its region (from the seed list) (distinct report
versions and copies; 0 when only other pages of it were read). The names
are what crawl history --agency takes.`,
		example: `  crawl agencies
  crawl agencies --region 台州 --json | jq -r '.[].agency'`,
		flags: func(fs *flagSet) {
			fs.String("region", "", "only agencies whose region contains `R`")
			fs.Bool("json", false, "print the list as one JSON array")
		},
		run:       runAgencies,
		viaHolder: true,
	}
}

// agencyRow is one line of crawl agencies.
type agencyRow struct {
	Agency  string `json:"agency"`
	Region  string `json:"region"`
	Reports int    `json:"reports"`
}

func runAgencies(ctx context.Context, e *env, fs *flagSet) (err error) {
	if len(fs.args) > 0 {
		return usageErrorf("unexpected argument %q (see crawl agencies -h)", fs.args[0])
	}
	s, err := e.open(*fs.db, true)
	if err != nil {
		return err
	}
	defer e.close(s, &err)
	all, err := s.Agencies()
	if err != nil {
		return storageError(err)
	}
	region := fs.Lookup("region").Value.String()
	rows := []agencyRow{}
	for _, a := range all {
		if strings.Contains(a.Region, region) {
			rows = append(rows, agencyRow{a.Agency, a.Region, a.Count})
		}
	}
	if fs.Lookup("json").Value.String() == "true" {
		return printJSON(e, rows, false)
	}
	if len(rows) == 0 {
		return failed(fmt.Errorf("no agency in %s%s", *fs.db, regionNote(region, all)))
	}
	// Counts first: names in hanzi are twice as wide as tabwriter thinks.
	for _, r := range rows {
		region := ""
		if r.Region != "" {
			region = "  (" + r.Region + ")"
		}
		if _, err := fmt.Fprintf(e.stdout, "%5d  %s%s\n", r.Reports, r.Agency, region); err != nil {
			return failed(fmt.Errorf("write: %w", err))
		}
	}
	return nil
}

// regionNote says why a region filter matched nothing.
func regionNote(region string, all []archive.AgencyCount) string {
	if region == "" {
		return " (crawl run or crawl reparse fills it)"
	}
	seen := map[string]bool{}
	var regions []string
	for _, a := range all {
		if a.Region != "" && !seen[a.Region] {
			seen[a.Region] = true
			regions = append(regions, a.Region)
		}
	}
	if len(regions) > 8 {
		regions = append(regions[:8], "…")
	}
	return fmt.Sprintf(" has a region containing %q (regions: %s)", region, strings.Join(regions, ", "))
}

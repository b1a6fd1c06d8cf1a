package web

import (
	"fmt"
	"sort"
)

// chart is a server-rendered SVG of applications received and granted per
// year (requests.received.total and requests.granted.total).
type chart struct {
	Width, Height int
	Bars          []bar
	Ticks         []tick
	Empty         bool
}

type bar struct {
	X, Y, W, H int
	Class      string // received | granted
	Title      string
	Value      string // printed above the bar
}

type tick struct {
	X, Y  int
	Label string
}

const (
	chartHeight = 200
	chartTop    = 20
	chartBottom = 30
	groupWidth  = 70
	barWidth    = 24
)

// newChart plots each year's key figures.
func newChart(years []yearGroup) chart {
	type point struct {
		year              int
		received, granted float64
		hasRecv, hasGrant bool
	}
	var pts []point
	for _, g := range years {
		if g.Received == nil && g.Granted == nil {
			continue
		}
		p := point{year: g.Year}
		if g.Received != nil {
			p.received, p.hasRecv = *g.Received, true
		}
		if g.Granted != nil {
			p.granted, p.hasGrant = *g.Granted, true
		}
		pts = append(pts, p)
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i].year < pts[j].year })
	c := chart{Width: max(len(pts)*groupWidth+20, 200), Height: chartHeight, Empty: len(pts) == 0}
	top := 1.0
	for _, p := range pts {
		top = max(top, p.received, p.granted)
	}
	plot := float64(chartHeight - chartTop - chartBottom)
	base := chartHeight - chartBottom
	for i, p := range pts {
		x := 10 + i*groupWidth
		if p.hasRecv {
			h := int(p.received / top * plot)
			c.Bars = append(c.Bars, bar{X: x, Y: base - h, W: barWidth, H: h, Class: "received",
				Title: fmt.Sprintf("%d 收到申请 %g", p.year, p.received), Value: fmt.Sprint(p.received)})
		}
		if p.hasGrant {
			h := int(p.granted / top * plot)
			c.Bars = append(c.Bars, bar{X: x + barWidth + 2, Y: base - h, W: barWidth, H: h, Class: "granted",
				Title: fmt.Sprintf("%d 予以公开 %g", p.year, p.granted), Value: fmt.Sprint(p.granted)})
		}
		c.Ticks = append(c.Ticks, tick{X: x + barWidth, Y: base + 18, Label: fmt.Sprint(p.year)})
	}
	return c
}

package web

import (
	"fmt"
	"math"
	"sort"
	"strconv"
)

// chart is a server-rendered SVG of applications received and granted per
// year (requests.received.total and requests.granted.total): a y axis in
// 件 with gridlines, every year of the timeline on the x axis (a year whose
// report has no request figures says so), bars with their values.
type chart struct {
	Width, Height int
	Bars          []bar
	Ticks         []tick // year labels under the x axis
	YTicks        []tick // value labels left of the y axis, with gridlines
	Missing       []tick // "no figures" under a year without bars
	AxisX, AxisY  int    // where the axes are drawn: x of the y axis, y of the x axis
	Right, Top    int    // plot area's right edge and top
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
	chartHeight = 240
	chartTop    = 24
	chartBottom = 40
	chartLeft   = 48 // room for the y labels
	groupWidth  = 80
	barWidth    = 26
)

// newChart plots each year's key figures, oldest year first.
func newChart(years []yearGroup) chart {
	gs := append([]yearGroup(nil), years...)
	sort.Slice(gs, func(i, j int) bool { return gs[i].Year < gs[j].Year })
	top, any := 0.0, false
	for _, g := range gs {
		for _, v := range []*float64{g.Received, g.Granted} {
			if v != nil {
				top, any = max(top, *v), true
			}
		}
	}
	c := chart{Height: chartHeight, AxisX: chartLeft, AxisY: chartHeight - chartBottom, Top: chartTop, Empty: !any}
	c.Width = chartLeft + max(len(gs), 2)*groupWidth + 10
	c.Right = c.Width - 10
	step := niceStep(top)
	ymax := step * 4
	plot := float64(c.AxisY - chartTop)
	for i := 0; i <= 4; i++ {
		v := step * float64(i)
		c.YTicks = append(c.YTicks, tick{X: chartLeft - 6, Y: c.AxisY - int(v/ymax*plot), Label: strconv.FormatFloat(v, 'f', -1, 64)})
	}
	for i, g := range gs {
		x := chartLeft + 12 + i*groupWidth
		label := strconv.Itoa(g.Year)
		if g.Year == 0 {
			label = "?"
		}
		c.Ticks = append(c.Ticks, tick{X: x + barWidth, Y: c.AxisY + 18, Label: label})
		if g.Received == nil && g.Granted == nil {
			c.Missing = append(c.Missing, tick{X: x + barWidth, Y: c.AxisY - 8, Label: "no figures"})
		}
		for k, v := range []*float64{g.Received, g.Granted} {
			if v == nil {
				continue
			}
			class, name := "received", "收到申请"
			if k == 1 {
				class, name = "granted", "予以公开"
			}
			h := int(*v / ymax * plot)
			c.Bars = append(c.Bars, bar{X: x + k*(barWidth+2), Y: c.AxisY - h, W: barWidth, H: h, Class: class,
				Title: fmt.Sprintf("%s %s %g", label, name, *v), Value: strconv.FormatFloat(*v, 'f', -1, 64)})
		}
	}
	return c
}

// niceStep is a round gridline step (1, 2 or 5 × 10ⁿ) so that four steps
// reach at least top.
func niceStep(top float64) float64 {
	if top <= 0 {
		return 1
	}
	raw := top / 4
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			return math.Max(m*mag, 1)
		}
	}
	return 10 * mag
}

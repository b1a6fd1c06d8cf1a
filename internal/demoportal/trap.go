package demoportal

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Crawler traps: URL families without end, each page valid HTML linking
// to yet another new URL. A crawler must bound them (issue 5); the portal
// serves them forever.

// calendarPath is the events calendar: /hdjl/rl/?date=YYYY-MM-DD links to
// the previous and next day, for ever in both directions.
const calendarPath = "/hdjl/rl/"

// deepDir is the directory a broken relative link repeats:
// /zwgk/xxgkml/ links to "xxgkml/", i.e. /zwgk/xxgkml/xxgkml/, and so on.
const deepDir = "xxgkml/"

// calendarTrap serves the calendar for any valid date.
func calendarTrap(look siteLook) dynamicFunc {
	return func(path, rawQuery string) (resource, bool) {
		if path != calendarPath {
			return resource{}, false
		}
		date := day(2021, time.January, 1)
		if rawQuery != "" {
			v, ok := strings.CutPrefix(rawQuery, "date=")
			if !ok {
				return resource{}, false
			}
			t, err := time.Parse("2006-01-02", v)
			if err != nil {
				return resource{}, false
			}
			date = t
		}
		prev, next := date.AddDate(0, 0, -1), date.AddDate(0, 0, 1)
		body := fmt.Sprintf(`<div class="calendar"><h2>活动日历 %s</h2>
<p>%s 暂无活动安排。</p>
<p><a href="?date=%s">前一天</a> | <a href="?date=%s">后一天</a> | <a href="?date=%s">下个月</a></p></div>`,
			date.Format("2006年01月02日"), date.Format("2006-01-02"),
			prev.Format("2006-01-02"), next.Format("2006-01-02"), date.AddDate(0, 1, 0).Format("2006-01-02"))
		res, err := look.navPage("活动日历", []link{{"/", "首页"}, {"/hdjl/", "互动交流"}}, body, day(2021, time.January, 1))
		return res, err == nil
	}
}

var deepPattern = regexp.MustCompile(`^/zwgk/(` + deepDir + `)+$`)

// deepTrap serves the ever-deeper 信息公开目录 directories.
func deepTrap(look siteLook) dynamicFunc {
	return func(path, rawQuery string) (resource, bool) {
		if !deepPattern.MatchString(path) {
			return resource{}, false
		}
		depth := strings.Count(path, deepDir)
		body := fmt.Sprintf(`<div class="column-title"><h2>政府信息公开目录（第%d级）</h2></div>
<p>请选择下级目录。</p>
<ul class="list"><li><a href="%s">政府信息公开目录</a></li></ul>`, depth, deepDir)
		res, err := look.navPage("政府信息公开目录", []link{{"/", "首页"}, {"/zwgk/", "政务公开"}}, body, day(2021, time.January, 1))
		return res, err == nil
	}
}

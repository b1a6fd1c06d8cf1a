package extract

import "testing"

// NamesAnnualReport reads each part of a page's <title> on its own.
func TestNamesAnnualReportTitle(t *testing.T) {
	for _, tc := range []struct {
		title string
		want  bool
	}{
		{"某县2023年政府信息公开工作年度报告", true},
		{"某县2023年政府信息公开工作年度报告_某县人民政府", true},
		{"某县人民政府 - 某县2023年政府信息公开工作年度报告", true},
		{"  某县2023年政府信息公开工作年度报告（全文） | 某县人民政府门户网站 ", true},
		{"某县人民政府", false},
		{"政府信息公开_某县人民政府", false},
		{"某县政府信息公开指南", false},
		{"关于报送2023年政府信息公开工作年度报告的通知", false},
		{"政府信息公开年报_某县人民政府", false}, // a column names no year
		{"", false},
	} {
		if got := NamesAnnualReport(tc.title); got != tc.want {
			t.Errorf("NamesAnnualReport(%q) = %v, want %v", tc.title, got, tc.want)
		}
	}
}

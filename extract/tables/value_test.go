package tables

import "testing"

func TestMakeCell(t *testing.T) {
	num := func(v float64) *float64 { return &v }
	cases := []struct {
		name    string
		text    string
		money   bool
		colUnit unitScale
		raw     string
		value   *float64
	}{
		{"zero is zero", "0", false, unitNone, "0", num(0)},
		{"empty is blank", "", false, unitNone, "", nil},
		{"spaces are blank", "   ", false, unitNone, "", nil},
		{"U+3000 is blank", "\u3000\u3000", false, unitNone, "", nil},
		{"NBSP is blank", "\u00a0", false, unitNone, "", nil},
		{"em dash is blank", "—", false, unitNone, "—", nil},
		{"hyphen is blank", "-", false, unitNone, "-", nil},
		{"slash is blank", "/", false, unitNone, "/", nil},
		{"literal &nbsp; is blank", "&nbsp;", false, unitNone, "&nbsp;", nil},
		{"trimmed NBSP and tab", "\t16\u00a0", false, unitNone, "16", num(16)},
		{"full-width digits", "１６", false, unitNone, "１６", num(16)},
		{"full-width decimal", "１０５．４６万", true, unitNone, "１０５．４６万", num(105.46)},
		{"negative change", "-3", false, unitNone, "-3", num(-3)},
		{"thousands separator", "1,024", false, unitNone, "1,024", num(1024)},
		{"count with unit word", "3件", false, unitNone, "3件", num(3)},
		{"text is not a number", "无", false, unitNone, "无", nil},
		{"money in 万", "105.46万", true, unitNone, "105.46万", num(105.46)},
		{"money in 万元", "12.5万元", true, unitNone, "12.5万元", num(12.5)},
		{"money in 元", "1054600元", true, unitNone, "1054600元", num(105.46)},
		{"money in 元 (251000)", "251000元", true, unitNone, "251000元", num(25.1)},
		{"money in 亿元", "1.2亿元", true, unitNone, "1.2亿元", num(12000)},
		{"money, unit from label 元", "1054600", true, unitYuan, "1054600", num(105.46)},
		{"money, unit from label 万元", "105.46", true, unitWan, "105.46", num(105.46)},
		{"money, no unit anywhere: 万元", "89", true, unitNone, "89", num(89)},
		{"cell unit beats label unit", "105.46万", true, unitYuan, "105.46万", num(105.46)},
		{"small 元 amount stays exact", "105.46元", true, unitNone, "105.46元", num(0.010546)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := makeCell(c.text, c.money, c.colUnit)
			if got.Raw != c.raw {
				t.Errorf("raw %q, want %q", got.Raw, c.raw)
			}
			switch {
			case c.value == nil && got.Value != nil:
				t.Errorf("value %v, want null", *got.Value)
			case c.value != nil && got.Value == nil:
				t.Errorf("value null, want %v", *c.value)
			case c.value != nil && *got.Value != *c.value:
				t.Errorf("value %v, want %v", *got.Value, *c.value)
			}
		})
	}
}

func TestUnitOf(t *testing.T) {
	cases := map[string]unitScale{
		"采购总金额":         unitNone,
		"采购总金额（万元）":     unitWan,
		"本年收费金额（单位：万元）": unitWan,
		"采购总金额(元)":      unitYuan,
		"采购总金额（单位：亿元）":  unitYi,
	}
	for label, want := range cases {
		if got := unitOf(label); got != want {
			t.Errorf("unitOf(%q) = %v, want %v", label, got, want)
		}
	}
}

func TestShiftDecimal(t *testing.T) {
	cases := []struct {
		in   string
		k    int
		want string
	}{
		{"1054600", -4, "105.4600"},
		{"251000", -4, "25.1000"},
		{"5", -4, "0.0005"},
		{"1.2", 4, "12000"},
		{"-3", 2, "-300"},
	}
	for _, c := range cases {
		if got := shiftDecimal(c.in, c.k); got != c.want {
			t.Errorf("shiftDecimal(%q, %d) = %q, want %q", c.in, c.k, got, c.want)
		}
	}
}

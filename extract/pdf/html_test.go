package pdf

import "testing"

// TestNumberedHeadingParagraph: a sentence that happens to end at the
// right margin does not swallow the numbered heading set flush left under
// it (LibreOffice's 004: 四、政府信息公开的收费及减免情况 read as the end of the
// paragraph above, so the report lost its legacy template); a line that
// merely continues the paragraph stays in it.
func TestNumberedHeadingParagraph(t *testing.T) {
	doc := &Document{PageCount: 1, Pages: []Page{page(1, nil,
		text("区政府法制局负责信息公开工作，全年未收到申请。", 60, 100, 0),
		text("四、政府信息公开的收费及减免情况", 60, 115, 30),
		text("本年度没有政府信息公开的收费及减免，违规收费为", 60, 130, 60),
		text("零。", 60, 145, 90),
	)}}
	containsAll(t, HTML(doc),
		"<p>区政府法制局负责信息公开工作，全年未收到申请。</p>",
		"<p>四、政府信息公开的收费及减免情况</p>",
		"<p>本年度没有政府信息公开的收费及减免，违规收费为零。</p>")
}

func TestStartsNumbered(t *testing.T) {
	for s, want := range map[string]bool{
		"四、政府信息公开": true, "（二）认真编制": true, "(十一)其他": true, "十二、附则": true,
		"一是健全": false, "四是": false, "2、公开": false, "（2）": false, "、": false, "一": false, "": false,
	} {
		if got := startsNumbered(s); got != want {
			t.Errorf("startsNumbered(%q) = %v, want %v", s, got, want)
		}
	}
}

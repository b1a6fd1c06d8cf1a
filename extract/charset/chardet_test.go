package charset

import (
	"testing"

	"github.com/saintfish/chardet"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// On short GBK text saintfish/chardet gives Shift_JIS, GB-18030, EUC-JP,
// EUC-KR and Big5 the same confidence and returns them in a different order
// from run to run. chardetGuess must answer the same every time, and with
// the Chinese reading.
func TestChardetGuessDeterministic(t *testing.T) {
	for _, s := range []string{"政府信息公开", "统计数据", "同江市城市社区"} {
		b := []byte(enc(t, simplifiedchinese.GBK, s))
		tops := map[string]bool{}
		for range 100 {
			lab, ok := chardetGuess(b)
			if !ok || lab.name != "gb18030" {
				t.Fatalf("%s: chardetGuess = %q, %v; want gb18030", s, lab.name, ok)
			}
			all, err := chardet.NewHtmlDetector().DetectAll(b)
			if err != nil {
				t.Fatal(err)
			}
			tops[all[0].Charset] = true
		}
		t.Logf("%s: chardet's own first answer over 100 runs: %v", s, tops)
	}
}

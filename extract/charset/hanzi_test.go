package charset

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// The generated bitsets must say exactly what hanzi.txt says, so an edit to
// the list without `go generate` fails here.
func TestHanziTableMatchesList(t *testing.T) {
	f, err := os.Open("hanzi.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	very, common := map[rune]bool{}, map[rune]bool{}
	tier1, blocks := true, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case line == "---":
			tier1 = false
		case strings.HasPrefix(line, "["):
			tier1 = true
			blocks++
		default:
			for _, r := range line {
				common[r] = true
				very[r] = very[r] || tier1
			}
		}
	}
	if blocks != 2 || len(very) < 1000 || len(common) < 3000 {
		t.Fatalf("hanzi.txt: %d blocks, %d very common, %d common characters", blocks, len(very), len(common))
	}
	for r := rune(0x4E00); r <= 0x9FFF; r++ {
		o := r - 0x4E00
		if got := veryCommonHanzi[o>>3]&(1<<(o&7)) != 0; got != very[r] {
			t.Errorf("veryCommonHanzi[%c] = %v, hanzi.txt says %v", r, got, very[r])
		}
		if got := commonHanzi[o>>3]&(1<<(o&7)) != 0; got != common[r] {
			t.Errorf("commonHanzi[%c] = %v, hanzi.txt says %v", r, got, common[r])
		}
	}
	// Spot checks on the meaning, not just the encoding of the table.
	for _, r := range "的国报告政府資訊複復覆" {
		if !common[r] {
			t.Errorf("%c should be common", r)
		}
	}
}

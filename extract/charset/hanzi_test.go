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
	blocks := map[string][]rune{}
	var cur string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			cur = strings.Trim(line, "[]")
		default:
			blocks[cur] = append(blocks[cur], []rune(line)...)
		}
	}
	very, common := map[rune]bool{}, map[rune]bool{}
	for _, name := range []string{"simplified", "traditional"} {
		if len(blocks[name]) < 2000 {
			t.Fatalf("block %s has %d characters", name, len(blocks[name]))
		}
		for i, r := range blocks[name] {
			common[r] = true
			if i < 1000 {
				very[r] = true
			}
		}
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
	for _, r := range "的国报告政府資訊" {
		if !common[r] {
			t.Errorf("%c should be common", r)
		}
	}
}

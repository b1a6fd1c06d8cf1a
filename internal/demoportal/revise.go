package demoportal

import (
	"fmt"
	"strings"

	"github.com/gongkai/gongkai/internal/corpus"
)

// reviseNote is the sentence version adds to the overview: the agency
// corrected a wording error and said so, as agencies do.
func reviseNote(version int) string {
	return fmt.Sprintf("（本段文字有误，已于第%d版更正。）", version)
}

// revise returns r as published in version: the last paragraph of 一、总体情况
// ends with reviseNote, in Overview and in Lines alike, so the page changes
// whichever the renderer draws from. The tables do not change.
func revise(r corpus.Report, version int) corpus.Report {
	note := reviseNote(version)
	paras := strings.Split(r.Overview, "\n")
	i := len(paras) - 1
	for i > 0 && strings.TrimSpace(paras[i]) == "" {
		i--
	}
	old := strings.TrimSpace(paras[i])
	paras[i] = strings.TrimRight(paras[i], " \t\u3000") + note
	r.Overview = strings.Join(paras, "\n")

	lines := append([]string(nil), r.Lines...)
	for j := len(lines) - 1; j >= 0; j-- {
		if old != "" && strings.TrimSpace(lines[j]) == old {
			lines[j] = strings.TrimRight(lines[j], " \t\u3000") + note
			break
		}
	}
	r.Lines = lines
	return r
}

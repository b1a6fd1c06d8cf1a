package charset

import (
	"sort"

	"github.com/saintfish/chardet"
)

// chardetGuess asks saintfish/chardet, the last witness. Its recognizers run
// in goroutines and their results are sorted unstably, so equal confidences
// come back in any order; sorting again by confidence then name makes the
// answer the same on every run. The first candidate that decodes b without
// a single invalid byte wins; a guess that needs U+FFFD is no better than
// the fallback.
func chardetGuess(b []byte) (label, bool) {
	all, err := chardet.NewHtmlDetector().DetectAll(b)
	if err != nil {
		return label{}, false
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].Confidence != all[j].Confidence {
			return all[i].Confidence > all[j].Confidence
		}
		return all[i].Charset < all[j].Charset
	})
	for _, r := range all {
		if lab, ok := lookupLabel(r.Charset); ok && lab.asciiCompatible() && score(lab, b).bad == 0 {
			return lab, true
		}
	}
	return label{}, false
}

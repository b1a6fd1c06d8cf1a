package charset

import (
	"sort"

	"github.com/saintfish/chardet"
)

// chardetGuess asks saintfish/chardet, the last witness. Its recognizers run
// in goroutines and their results are sorted unstably, so equal confidences
// come back in any order; sorting again by confidence then name makes the
// answer the same on every run: equal confidence goes to the Chinese
// encodings first (these are Chinese portals), then by name. The first candidate that decodes b without
// a single invalid byte wins; a guess that needs U+FFFD is no better than
// the fallback.
func chardetGuess(b []byte) (label, bool) {
	all, err := chardet.NewHtmlDetector().DetectAll(b)
	if err != nil {
		return label{}, false
	}
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.Confidence != b.Confidence {
			return a.Confidence > b.Confidence
		}
		if ra, rb := chardetRank(a.Charset), chardetRank(b.Charset); ra != rb {
			return ra < rb
		}
		return a.Charset < b.Charset
	})
	for _, r := range all {
		if lab, ok := lookupLabel(r.Charset); ok && lab.asciiCompatible() && score(lab, b).bad == 0 {
			return lab, true
		}
	}
	return label{}, false
}

// chardetRank orders chardet's names for ties: GB, Big5, UTF-8, the rest.
func chardetRank(name string) int {
	switch name {
	case "GB-18030":
		return 0
	case "Big5":
		return 1
	case "UTF-8":
		return 2
	}
	return 3
}

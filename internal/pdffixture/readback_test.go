package pdffixture

import "testing"

// readCheck is replaced by the read-back harness once the PDF reader lands.
func readCheck(t *testing.T, fixtures []Fixture) {}

//go:build slow

package testenv

// Slow reports whether the tests were built with the slow tag.
const Slow = true

package extract

// CPUTime lends the benchmarks of package extract_test the CPU clock the
// package's own benchmarks use, so the two read one definition.
var CPUTime = cpuTime

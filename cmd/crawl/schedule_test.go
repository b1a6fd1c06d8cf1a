package main

import (
	"testing"
	"time"
)

func TestScheduleNext(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	at := func(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, loc) }
	tests := []struct {
		every     time.Duration
		clock     string
		now, last time.Time
		want      time.Time
		str       string
	}{
		{24 * time.Hour, "", at(3, 15, 0), time.Time{}, at(3, 15, 0), "every 24h0m0s"},                  // first crawl at once
		{24 * time.Hour, "", at(3, 16, 0), at(3, 15, 0), at(4, 15, 0), "every 24h0m0s"},                 // a day after the last start
		{time.Hour, "", at(3, 17, 30), at(3, 15, 0), at(3, 17, 30), "every 1h0m0s"},                     // overran: at once, once
		{0, "02:00", at(3, 15, 0), time.Time{}, at(4, 2, 0), "daily at 02:00"},                          // tonight
		{0, "02:00", at(4, 1, 59), time.Time{}, at(4, 2, 0), "daily at 02:00"},                          // in a minute
		{0, "02:00", at(4, 2, 0), at(4, 2, 0), at(5, 2, 0), "daily at 02:00"},                           // just started: tomorrow
		{0, "02:00", at(4, 3, 0), at(4, 2, 0), at(5, 2, 0), "daily at 02:00"},                           // after tonight's
		{6 * time.Hour, "02:00", at(3, 15, 0), time.Time{}, at(4, 2, 0), "at 02:00, then every 6h0m0s"}, // waits for 02:00
		{6 * time.Hour, "02:00", at(4, 3, 0), at(4, 2, 0), at(4, 8, 0), "at 02:00, then every 6h0m0s"},  // then every 6h
	}
	for _, tc := range tests {
		s, err := parseSchedule(tc.every, tc.clock)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.next(tc.now, tc.last); !got.Equal(tc.want) {
			t.Errorf("%s at %s after %s: next %s, want %s", s, tc.now, tc.last, got, tc.want)
		}
		if s.String() != tc.str {
			t.Errorf("%q, want %q", s, tc.str)
		}
	}
	for _, bad := range []struct {
		every time.Duration
		at    string
	}{{time.Millisecond, ""}, {0, "2am"}, {0, "25:00"}, {-time.Hour, ""}} {
		if _, err := parseSchedule(bad.every, bad.at); err == nil {
			t.Errorf("--every %s --at %q accepted", bad.every, bad.at)
		}
	}
}

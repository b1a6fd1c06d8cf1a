package main

import (
	"fmt"
	"time"
)

// schedule is when crawl serve runs its crawls: every D (the first at
// once), daily at a local time, or at a time and then every D.
type schedule struct {
	every        time.Duration
	at           bool
	hour, minute int
}

// parseSchedule reads --every and --at (HH:MM, local time).
func parseSchedule(every time.Duration, at string) (schedule, error) {
	s := schedule{every: every}
	if every < 0 || (every > 0 && every < time.Second) {
		return s, fmt.Errorf("--every %s is too short: at least 1s, e.g. 24h", every)
	}
	if at != "" {
		t, err := time.Parse("15:04", at)
		if err != nil {
			return s, fmt.Errorf("--at %q: want a local time HH:MM, e.g. 02:00", at)
		}
		s.at, s.hour, s.minute = true, t.Hour(), t.Minute()
	}
	return s, nil
}

// set reports whether the schedule asks for crawls at all.
func (s schedule) set() bool { return s.every > 0 || s.at }

func (s schedule) String() string {
	switch {
	case s.at && s.every > 0:
		return fmt.Sprintf("at %02d:%02d, then every %s", s.hour, s.minute, s.every)
	case s.at:
		return fmt.Sprintf("daily at %02d:%02d", s.hour, s.minute)
	}
	return "every " + s.every.String()
}

// next is when the next crawl starts, seen at now, after a crawl that
// started at last (zero before the first). A crawl that ran past its
// successor's time is followed at once, never twice.
func (s schedule) next(now, last time.Time) time.Time {
	if s.every > 0 && (!last.IsZero() || !s.at) {
		if last.IsZero() {
			return now
		}
		if t := last.Add(s.every); t.After(now) {
			return t
		}
		return now
	}
	// Daily at HH:MM local time: the first such time after now and after
	// the last crawl's start.
	from := now
	if last.After(from) {
		from = last
	}
	y, m, d := from.Date()
	t := time.Date(y, m, d, s.hour, s.minute, 0, 0, from.Location())
	if !t.After(from) {
		t = time.Date(y, m, d+1, s.hour, s.minute, 0, 0, from.Location())
	}
	return t
}

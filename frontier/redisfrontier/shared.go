package redisfrontier

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/frontier"
	"github.com/redis/go-redis/v9"
)

// What the workers of a crawl share beyond the queues and the clock:
// each host's robots.txt, the hosts parked, and each seed's page budget.

var (
	_ frontier.RobotsKeeper = (*Store)(nil)
	_ frontier.Parker       = (*Store)(nil)
	_ frontier.Suspender    = (*Queue)(nil)
	_ frontier.Spender      = (*Queue)(nil)
)

// Robots implements frontier.RobotsKeeper: one fetch per host and
// generation across the workers; the others poll for its answer.
func (s *Store) Robots(ctx context.Context, key string, fetch func(context.Context) (frontier.RobotsAnswer, error)) (frontier.RobotsAnswer, error) {
	wait := 20 * time.Millisecond
	for {
		var r []any
		err := s.retry(ctx, "robots.txt of "+key, func() error {
			v, err := scriptRobots.Run(ctx, s.rdb, nil, s.prefix, s.worker, key).Result()
			r, _ = v.([]any)
			return err
		})
		if err != nil {
			return frontier.RobotsAnswer{}, err
		}
		state := int64(-1)
		if len(r) > 0 {
			state, _ = r[0].(int64)
		}
		switch {
		case state == 1 && len(r) == 3:
			st, _ := r[1].(string)
			body, _ := r[2].(string)
			code, err := strconv.Atoi(st)
			if err != nil {
				return frontier.RobotsAnswer{}, fmt.Errorf("redis frontier: robots.txt of %s: stored status %q", key, st)
			}
			return frontier.RobotsAnswer{Status: code, Body: []byte(body)}, nil
		case state == 2:
			ans, ferr := fetch(ctx)
			status := ""
			if ferr == nil {
				status = strconv.Itoa(ans.Status)
			}
			// Publish the answer (or give the fetch up) even if ctx has
			// ended: waiters would otherwise wait on a live worker.
			pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*s.opts.MaxBackoff)
			err := s.retry(pctx, "keep robots.txt of "+key, func() error {
				return scriptRobotsPut.Run(pctx, s.rdb, nil, s.prefix, s.worker, key, status, string(ans.Body)).Err()
			})
			cancel()
			if ferr != nil {
				return frontier.RobotsAnswer{}, ferr
			}
			return ans, err
		case state != 0:
			return frontier.RobotsAnswer{}, fmt.Errorf("redis frontier: robots.txt of %s: unexpected answer %v", key, r)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return frontier.RobotsAnswer{}, ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, maxPoll)
	}
}

// Park implements frontier.Parker.
func (s *Store) Park(ctx context.Context, host, reason string) error {
	return s.retry(ctx, "park "+host, func() error {
		return scriptPark.Run(ctx, s.rdb, nil, s.prefix, s.worker, host, reason).Err()
	})
}

// Parked implements frontier.Parker.
func (s *Store) Parked(ctx context.Context, host string) (string, error) {
	var v string
	err := s.retry(ctx, "parked "+host, func() error {
		var err error
		v, err = s.rdb.HGet(ctx, s.prefix+"parked", host).Result()
		if errors.Is(err, redis.Nil) {
			v, err = "", nil
		}
		return err
	})
	if err != nil || v == "" {
		return "", err
	}
	return parkedError(host, v).Reason, nil
}

// parkedError reads a parked host's stored "worker|reason".
func parkedError(host, stored string) *frontier.ParkedError {
	w, why, _ := strings.Cut(stored, "|")
	return &frontier.ParkedError{Host: host, Reason: why + " (parked by worker " + w + ")"}
}

// Suspend implements frontier.Suspender.
func (q *Queue) Suspend(ctx context.Context) error {
	_, err := q.run(ctx, "suspend", scriptSuspend, []any{q.id})
	return err
}

// Spend implements frontier.Spender.
func (q *Queue) Spend(ctx context.Context, max int) (bool, int, error) {
	res, err := q.run(ctx, "spend", scriptSpend, []any{max})
	if err != nil {
		return false, 0, err
	}
	r, _ := res.([]any)
	if len(r) != 2 {
		return false, 0, fmt.Errorf("redis frontier %s: spend: unexpected answer %v", q.seed, res)
	}
	ok, _ := r[0].(int64)
	left, _ := r[1].(int64)
	return ok == 1, int(left), nil
}

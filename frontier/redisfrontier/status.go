package redisfrontier

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Status is a shared crawl as Redis holds it, for `crawl status`.
type Status struct {
	Crawl      string       `json:"crawl"`
	Generation int64        `json:"generation"` // 0: no crawl has started
	Seeds      int          `json:"seeds"`      // seeds registered by any worker, ever
	Open       []SeedStatus `json:"open"`       // seeds not finished in this generation
	// Suspended are seeds stopped by their parked host: over in this
	// generation, their frontiers kept for the next.
	Suspended []string      `json:"suspended,omitempty"`
	Hosts     HostCounts    `json:"hosts"`
	Workers   []WorkerState `json:"workers"`
	// OldestClaim is the claim held longest (zero if none): a worker
	// stuck on one fetch, or a dead one whose lease has not run out.
	OldestClaim *Claim `json:"oldest_claim,omitempty"`
}

// SeedStatus is one open seed.
type SeedStatus struct {
	Seed    string `json:"seed"`
	Pending int    `json:"pending"`
	Claimed int    `json:"claimed"`
}

// HostCounts counts hosts by what waits for them.
type HostCounts struct {
	Queued   int `json:"queued"`    // hosts with pending items
	InFlight int `json:"in_flight"` // hosts with claimed items
	// Waiting are hosts whose next start is more than a minute away
	// (Retry-After, or backed off after failures): parked for now.
	Waiting []string `json:"waiting,omitempty"`
	// Parked are hosts a worker parked (too many failures in a row): no
	// worker sends them a request until the next generation.
	Parked []ParkedHost `json:"parked,omitempty"`
}

// ParkedHost is a host parked in this generation, why, and by whom.
type ParkedHost struct {
	Host   string `json:"host"`
	Reason string `json:"reason"`
	Worker string `json:"worker"`
}

// WorkerState is one worker that has joined the crawl.
type WorkerState struct {
	ID      string `json:"id"`
	Info    string `json:"info"`
	Alive   bool   `json:"alive"` // its lease is current
	Pages   int64  `json:"pages"` // items it has finished
	Claimed int    `json:"claimed"`
}

// Claim is one claimed item.
type Claim struct {
	Seed   string        `json:"seed"`
	Key    string        `json:"key"`
	Worker string        `json:"worker"`
	Age    time.Duration `json:"age_ns"`
}

// Inspect reads a crawl's state without joining it (no worker is
// registered). It does not wait for a Redis that does not answer.
func Inspect(ctx context.Context, c Config) (Status, error) {
	ro := *c.Redis
	ro.MaxRetries, ro.DialerRetries = -1, 1
	rdb := redis.NewClient(&ro)
	defer rdb.Close()
	crawl := c.Crawl
	if crawl == "" {
		crawl = "crawl"
	}
	p := "gongkai:" + crawl + ":"
	st := Status{Crawl: crawl}
	gen, err := rdb.Get(ctx, p+"gen").Int64()
	if err == redis.Nil {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("redis frontier at %s: %w", ro.Addr, err)
	}
	st.Generation = gen
	seeds, err := rdb.HGetAll(ctx, p+"seeds").Result()
	if err != nil {
		return st, err
	}
	st.Seeds = len(seeds)
	open, err := rdb.SMembers(ctx, p+"open").Result()
	if err != nil {
		return st, err
	}
	now, err := rdb.Time(ctx).Result()
	if err != nil {
		return st, err
	}
	claimedBy := map[string]int{}
	queued, inFlight := map[string]bool{}, map[string]bool{}
	for _, id := range open {
		q := p + "q:" + id + ":"
		ss := SeedStatus{Seed: seeds[id]}
		claims, err := rdb.HGetAll(ctx, q+"claim").Result()
		if err != nil {
			return st, err
		}
		ss.Claimed = len(claims)
		for key, v := range claims {
			w, at, _ := strings.Cut(v, "|")
			claimedBy[w]++
			ms, _ := strconv.ParseInt(at, 10, 64)
			age := now.Sub(time.UnixMilli(ms))
			if st.OldestClaim == nil || age > st.OldestClaim.Age {
				st.OldestClaim = &Claim{Seed: ss.Seed, Key: key, Worker: w, Age: age}
			}
		}
		// Hosts of every item still held (pending or claimed).
		items, err := rdb.HGetAll(ctx, q+"item").Result()
		if err != nil {
			return st, err
		}
		for key, blob := range items {
			it, err := decodeItem(blob)
			if err != nil {
				continue
			}
			if _, ok := claims[key]; ok {
				inFlight[it.Host] = true
			} else {
				queued[it.Host] = true
				ss.Pending++
			}
		}
		st.Open = append(st.Open, ss)
	}
	sort.Slice(st.Open, func(i, j int) bool { return st.Open[i].Seed < st.Open[j].Seed })
	for id, seed := range seeds {
		m, err := rdb.HMGet(ctx, p+"q:"+id+":meta", "gen", "state").Result()
		if err != nil {
			return st, err
		}
		if m[0] == strconv.FormatInt(gen, 10) && m[1] == "p" {
			st.Suspended = append(st.Suspended, seed)
		}
	}
	sort.Strings(st.Suspended)
	parked, err := rdb.HGetAll(ctx, p+"parked").Result()
	if err != nil {
		return st, err
	}
	for host, v := range parked {
		w, why, _ := strings.Cut(v, "|")
		st.Hosts.Parked = append(st.Hosts.Parked, ParkedHost{Host: host, Reason: why, Worker: w})
	}
	sort.Slice(st.Hosts.Parked, func(i, j int) bool { return st.Hosts.Parked[i].Host < st.Hosts.Parked[j].Host })
	st.Hosts.Queued, st.Hosts.InFlight = len(queued), len(inFlight)

	var cursor uint64
	for {
		keys, next, err := rdb.Scan(ctx, cursor, p+"clock:*", 512).Result()
		if err != nil {
			return st, err
		}
		for _, k := range keys {
			us, err := rdb.Get(ctx, k).Int64()
			if err == nil && time.UnixMicro(us).Sub(now) > time.Minute {
				st.Hosts.Waiting = append(st.Hosts.Waiting, strings.TrimPrefix(k, p+"clock:"))
			}
		}
		if cursor = next; cursor == 0 {
			break
		}
	}
	sort.Strings(st.Hosts.Waiting)

	workers, err := rdb.HGetAll(ctx, p+"workers").Result()
	if err != nil {
		return st, err
	}
	pages, err := rdb.HGetAll(ctx, p+"pages").Result()
	if err != nil {
		return st, err
	}
	for id, info := range workers {
		n, _ := strconv.ParseInt(pages[id], 10, 64)
		alive, err := rdb.Exists(ctx, p+"alive:"+id).Result()
		if err != nil {
			return st, err
		}
		st.Workers = append(st.Workers, WorkerState{ID: id, Info: info, Alive: alive == 1, Pages: n, Claimed: claimedBy[id]})
	}
	sort.Slice(st.Workers, func(i, j int) bool { return st.Workers[i].ID < st.Workers[j].ID })
	return st, nil
}

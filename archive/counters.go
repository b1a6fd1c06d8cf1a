package archive

import (
	"encoding/binary"

	bolt "go.etcd.io/bbolt"
)

// Counters are kept in step with every write so Stats does not have to
// walk the payloads. Each is an 8-byte big-endian integer.
const (
	ctrCaptures      = "captures"
	ctrURLs          = "urls"          // URLs with at least one capture
	ctrCaptureBytes  = "capture_bytes" // sum of Size over captures with a body
	ctrPayloads      = "payloads"
	ctrPayloadRaw    = "payload_raw_bytes"
	ctrPayloadStored = "payload_stored_bytes"
	ctrErrPrefix     = "err:" // + ErrKind ("ok" for success)
)

func addCounter(tx *bolt.Tx, name string, delta int64) error {
	b := tx.Bucket(bCounters)
	var cur uint64
	if v := b.Get([]byte(name)); len(v) == 8 {
		cur = binary.BigEndian.Uint64(v)
	}
	return b.Put([]byte(name), binary.BigEndian.AppendUint64(nil, uint64(int64(cur)+delta)))
}

func readCounter(tx *bolt.Tx, name string) int64 {
	if v := tx.Bucket(bCounters).Get([]byte(name)); len(v) == 8 {
		return int64(binary.BigEndian.Uint64(v))
	}
	return 0
}

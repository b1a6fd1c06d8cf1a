package archive

// File layout (schema version 2). All top-level buckets are created at Open.
//
//	meta          "schema" → uvarint SchemaVersion; a newer value refuses to open
//	payloads      sha256(32 bytes) → nested bucket {0x00 → codec byte ‖ uvarint raw length ‖ zstd frame}
//	captures      capture id (8 BE) → capture record (binary, see codec.go)
//	urls          url → latest version seq and digest, ETag, Last-Modified, validator digest
//	              url ‖ NUL ‖ 'c' ‖ capture id → empty          (Captures(url))
//	              url ‖ NUL ‖ 'v' ‖ seq (4 BE) → digest, first/last seen, capture ids
//	parsed        sha256 ‖ parser version (4 BE) → nested bucket {0x00 → index fields ‖ zstd JSON}
//	              (archives written before 4 Dec 2026 hold the value inline; both read)
//	index         field byte ‖ value ‖ NUL ‖ sha256 → empty  (a agency, y year, r region,
//	              h host, u url, k kind); and p ‖ sha256 ‖ url → empty for every
//	              URL that has had the payload as a version (URLsOf)
//	runs          run id (8 BE) → run JSON
//	counters      name → 8-byte count (captures, payloads, raw/stored bytes, err:<kind>)
//	frontier      name → nested bucket: q queue, f in flight, k keys, v visited, c cookies
//	merged        what `crawl merge` copied from shards, by content fingerprint (merge.go):
//	              'c' ‖ sha256(capture record without ID and run) → capture id;
//	              'r' ‖ sha256(run start ‖ seeds) → run id
//
// Every record format starts with a format byte so one record type can
// change without rewriting the file; SchemaVersion changes only when an
// older gongkai could not read the file any more.

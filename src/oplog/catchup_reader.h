// Catch-up reads — the records a peer missed: every record with timestamp > since whose key
// hash falls in a range, across compressed and live segments.
//
// What it promises: for every key in the range written after `since`, at least its newest
// version in the log at the time of the read (compaction keeps only the newest version of a
// key, so intermediate versions may be absent; replaying what is returned with
// last-write-wins gives the right state). It cannot promise deletes older than the manifest's
// compacted_through (compaction drops expired tombstones): when since < compacted_through,
// nothing is read and the outcome is kTooOld — the caller must fall back to a full range sync.
//
// Threading: takes a SegmentSet copied on the loop (OplogWriter::Segments()) and reads files
// only, so it runs on any thread, concurrently with the writer. Segments still being written
// are read up to their size when opened (a partial final record there is not an error). A
// compaction that finishes during the read may delete a segment: the read then fails with
// kNotFound, and the caller retries with a fresh SegmentSet.
#ifndef MEMDB_OPLOG_CATCHUP_READER_H_
#define MEMDB_OPLOG_CATCHUP_READER_H_

#include <cstdint>
#include <functional>

#include "common/file_system.h"
#include "memdb/result.h"
#include "oplog/oplog_writer.h"
#include "oplog/record.h"

namespace memdb::oplog {

// Key hashes in (begin, end] on the ring, wrapping past UINT64_MAX when begin >= end;
// begin == end is the whole ring. Hashes are KeyHash() (XXH3-64), the ring's hash.
struct HashRange {
  uint64_t begin = 0;
  uint64_t end = 0;

  static HashRange All() { return HashRange{0, 0}; }
  bool Contains(uint64_t hash) const {
    if (begin == end) return true;
    if (begin < end) return hash > begin && hash <= end;
    return hash > begin || hash <= end;
  }
};

enum class CatchupOutcome {
  kComplete,  // every matching record was delivered
  kStopped,   // the callback asked to stop
  kTooOld,    // since < compacted_through: nothing delivered, do a full range sync
};

struct CatchupStats {
  CatchupOutcome outcome = CatchupOutcome::kComplete;
  uint64_t segments_read = 0;
  uint64_t segments_skipped = 0;  // whole segments older than `since` (from the manifest)
  uint64_t records_scanned = 0;
  uint64_t records_delivered = 0;
};

// Return false to stop. The record's views are valid during the call only.
using CatchupCallback = std::function<bool(const Record& record)>;

// Damage in a segment fails the read with kCorruption (the peer should try another replica).
Result<CatchupStats> ReadSince(FileSystem* fs, const SegmentSet& segments, Timestamp since,
                               HashRange range, const CatchupCallback& callback);

}  // namespace memdb::oplog

#endif  // MEMDB_OPLOG_CATCHUP_READER_H_

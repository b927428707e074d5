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
// Several ranges in one scan, and paging: a read may stop (the callback says so, e.g. a
// response page is full) and later resume from the CatchupCursor it returned, without reading
// the segments before the cursor again. The cursor names a segment and a record index in it;
// when a compaction has replaced that segment by the time the read resumes, the outcome is
// kCursorGone (nothing delivered) and the reader must restart from the beginning (records
// delivered twice are harmless: replay is last-write-wins).
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
#include <utility>
#include <vector>

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

// Several ranges, for one scan: Contains() is a binary search over their union.
class HashRangeSet {
 public:
  HashRangeSet() = default;
  explicit HashRangeSet(const std::vector<HashRange>& ranges);
  bool Contains(uint64_t hash) const;
  // True when every hash of `range` is in the set.
  bool ContainsRange(HashRange range) const;
  bool all() const { return all_; }
  bool empty() const { return !all_ && intervals_.empty(); }

 private:
  bool all_ = false;
  std::vector<std::pair<uint64_t, uint64_t>> intervals_;  // closed [lo, hi], sorted, disjoint
};

// Where a paged read resumes: the `record`-th record (counting from 0) of segment
// `segment_id`. {0, 0} is the beginning of the log.
struct CatchupCursor {
  uint64_t segment_id = 0;
  uint64_t record = 0;
  bool at_start() const { return segment_id == 0 && record == 0; }
  friend bool operator==(const CatchupCursor&, const CatchupCursor&) = default;
};

enum class CatchupOutcome {
  kComplete,    // every matching record was delivered
  kStopped,     // the callback asked to stop; resume from CatchupStats::resume
  kTooOld,      // since < compacted_through: nothing delivered, do a full range sync
  kCursorGone,  // the cursor's segment is no longer in the log: restart from the beginning
};

struct CatchupStats {
  CatchupOutcome outcome = CatchupOutcome::kComplete;
  CatchupCursor resume;  // kStopped: the record the callback refused
  uint64_t segments_read = 0;
  uint64_t segments_skipped = 0;  // whole segments older than `since` (from the manifest)
  uint64_t records_scanned = 0;
  uint64_t records_delivered = 0;
};

// Return false to stop: that record is not taken, and the resume cursor points at it. The
// record's views are valid during the call only.
using CatchupCallback = std::function<bool(const Record& record)>;

struct CatchupRead {
  Timestamp since = 0;
  HashRangeSet ranges;   // records whose key hash is in any of them
  CatchupCursor cursor;  // {} = from the beginning
  // Stop (kStopped) once this many records were looked at, matching or not: bounds the time
  // one call takes on a log with few matching records.
  uint64_t max_scanned = UINT64_MAX;
};

// Damage in a segment fails the read with kCorruption (the peer should try another replica).
Result<CatchupStats> ReadSince(FileSystem* fs, const SegmentSet& segments, const CatchupRead& read,
                               const CatchupCallback& callback);
// One range, from the beginning.
Result<CatchupStats> ReadSince(FileSystem* fs, const SegmentSet& segments, Timestamp since,
                               HashRange range, const CatchupCallback& callback);

}  // namespace memdb::oplog

#endif  // MEMDB_OPLOG_CATCHUP_READER_H_

// Recovery — replays the log at boot and repairs what a crash legitimately leaves behind.
//
// Order: the manifest's segments in manifest order, then the tail (plain segments with id >=
// tail_from_id) in id order. Records go into the Store (last-write-wins, so replay order does
// not change the result); the report carries the highest timestamp seen, which the caller
// passes to HybridClock::AdvanceTo before serving.
//
// What is repaired (options.repair), each with a warning in the report (and, silently, the
// last segment is fsynced: under fsync interval/never it may hold bytes a killed process left
// in the page cache, which are now replayed and served):
//   - a torn tail of the LAST segment (see segment_reader.h) is truncated at the last valid
//     record; a last segment whose header never made it to disk is removed;
//   - leftovers of an interrupted seal/compaction (MANIFEST.tmp, segments no manifest lists
//     and below tail_from_id) are removed;
//   - an empty directory gets an empty manifest.
// What stops start-up (kCorruption, naming the file and the offset), in ReadMode::kStrict:
//   a bad record or block anywhere else, a damaged or missing MANIFEST, a segment the manifest
//   lists that is missing, a gap in the chain of tail segments.
// ReadMode::kSkipCorrupt (the operator's explicit choice, oplog.recovery_mode: skip_corrupt)
// instead skips damaged bytes up to the next valid record/block and starts. What it can lose:
// the records inside the skipped bytes (each listed in the report). A lost PUT leaves the
// key at an older version (or absent); a lost DELETE can bring back the value it deleted. It
// never applies a record whose checksum did not verify. A damaged MANIFEST still stops it.
//
// Runs on whatever thread boots the node, before the loop starts; not thread-safe.
#ifndef MEMDB_OPLOG_RECOVERY_H_
#define MEMDB_OPLOG_RECOVERY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/file_system.h"
#include "memdb/result.h"
#include "oplog/manifest.h"
#include "oplog/oplog_writer.h"
#include "oplog/record.h"
#include "oplog/segment_reader.h"
#include "store/store.h"

namespace memdb::oplog {

struct RecoveryOptions {
  std::string dir;
  ReadMode mode = ReadMode::kStrict;
  // Truncate a torn tail, remove leftovers, create the manifest of a new log. False: change
  // nothing on disk (memdb-check-log without --fix).
  bool repair = true;
};

// Bytes that were not replayed.
struct DamagedRegion {
  std::string path;
  uint64_t offset = 0;
  uint64_t length = 0;
  std::string reason;
};

struct RecoveryReport {
  bool created = false;  // the directory held no log; an empty one was initialized
  uint64_t segments_replayed = 0;
  uint64_t records_replayed = 0;  // valid records read
  uint64_t records_applied = 0;   // of which changed the store (Recover only)
  uint64_t bytes_replayed = 0;    // file bytes of the segments read
  Timestamp max_timestamp = 0;    // pass to HybridClock::AdvanceTo

  std::optional<DamagedRegion> torn_tail;  // dropped from the end of the last segment
  bool torn_tail_repaired = false;         // truncated (or the headerless file removed)
  std::vector<DamagedRegion> skipped;      // kSkipCorrupt: damaged regions skipped
  uint64_t skipped_bytes = 0;
  std::vector<std::string> leftover_files;  // of interrupted sealing/compaction: not live
  std::vector<std::string> removed_files;   // the leftovers removed (options.repair)
  std::vector<std::string> warnings;        // one line per event above, for the node's log

  // Where the log stands now, for the writer.
  Manifest manifest;
  std::vector<SealedSegment> tail;  // every tail segment, all sealed from now on
  uint64_t next_segment_id = 1;
  uint64_t last_plain_id = 0;

  WriterStart writer_start() const;
};

// Called for every valid record, in replay order. `offset` as in SegmentReader::Read.
using RecordVisitor =
    std::function<void(const Record& record, const SegmentRef& segment, uint64_t offset)>;

// Walks the whole log (with the repairs above when options.repair) and calls `visit` for each
// record.
Result<RecoveryReport> ReplayLog(FileSystem* fs, const RecoveryOptions& options,
                                 const RecordVisitor& visit);

// ReplayLog into `store`.
Result<RecoveryReport> Recover(FileSystem* fs, const RecoveryOptions& options, Store* store);

// Applies one record to the store; true if it changed it.
bool ApplyToStore(const Record& record, Store* store);

}  // namespace memdb::oplog

#endif  // MEMDB_OPLOG_RECOVERY_H_

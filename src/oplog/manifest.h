// Manifest — which segments are live, and what compaction has dropped (docs/oplog.md).
//
// The live log is: the segments listed here, in order, followed by the "tail": every plain
// segment file with id >= tail_from_id, in id order. The writer therefore never touches the
// manifest (rolling over to a new segment only creates a file); only sealing and compaction
// rewrite it, by an atomic swap: MANIFEST.tmp is written and synced, renamed over MANIFEST,
// and the directory synced. A crash at any point leaves the old or the new manifest.
//
// Layout (little-endian):
//   0  8  magic "MDBMANIF"     16 8  generation (bumped by every swap)
//   8  2  format version (1)   24 8  tail_from_id
//   10 2  reserved, zero       32 8  compacted_through (timestamp)
//   12 4  entry count          40 8  reserved, zero
//   48 .. entries, 48 bytes each:
//         0 8 segment id   8 1 kind   9 7 reserved   16 8 file size
//         24 8 record count   32 8 min timestamp   40 8 max timestamp
//   last 4 bytes: masked CRC32C of everything before.
#ifndef MEMDB_OPLOG_MANIFEST_H_
#define MEMDB_OPLOG_MANIFEST_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/file_system.h"
#include "memdb/result.h"
#include "memdb/version.h"
#include "oplog/segment_format.h"

namespace memdb::oplog {

struct ManifestEntry {
  uint64_t id = 0;
  SegmentKind kind = SegmentKind::kCompressed;
  uint64_t file_size = 0;
  uint64_t record_count = 0;
  Timestamp min_ts = 0;
  Timestamp max_ts = 0;

  friend bool operator==(const ManifestEntry&, const ManifestEntry&) = default;
};

struct Manifest {
  uint64_t generation = 0;
  uint64_t tail_from_id = 1;
  // Compaction dropped tombstones older than this timestamp (and every superseded version):
  // the log can no longer tell what happened before it. 0 = nothing dropped.
  Timestamp compacted_through = 0;
  std::vector<ManifestEntry> segments;  // replay order

  friend bool operator==(const Manifest&, const Manifest&) = default;
};

inline constexpr size_t kManifestHeaderSize = 48;
inline constexpr size_t kManifestEntrySize = 48;
inline constexpr size_t kMaxManifestBytes = size_t{16} << 20;

std::string EncodeManifest(const Manifest& m);
// kCorruption naming what is wrong.
Result<Manifest> DecodeManifest(std::string_view data);

// Reads dir/MANIFEST: kNotFound if it does not exist, kCorruption if it does not decode.
Result<Manifest> ReadManifest(FileSystem* fs, const std::string& dir);
// The atomic swap described above.
Status WriteManifest(FileSystem* fs, const std::string& dir, const Manifest& m);

}  // namespace memdb::oplog

#endif  // MEMDB_OPLOG_MANIFEST_H_

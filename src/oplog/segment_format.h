// Segment file layouts and file naming — the byte-level contract documented in docs/oplog.md.
//
// A log directory holds:
//   seg-<20-digit id>.log   live (plain) segment: header, then framed records (record.h)
//   seg-<20-digit id>.lz4   sealed compressed segment: header, lz4 blocks, footer
//   MANIFEST                which segments are live (manifest.h); MANIFEST.tmp while swapping
//
// Segment header (40 bytes, both kinds):
//   0  8  magic "MDBOPLOG"        16 8  segment id (must match the file name)
//   8  2  format version (1)      24 8  previous plain segment id (plain only; 0 = none)
//   10 1  kind (0 plain, 1 lz4)   32 4  reserved, zero
//   11 5  reserved, zero          36 4  masked CRC32C of bytes [0, 36)
//
// Compressed block (12-byte header + data):
//   0 4  masked CRC32C of bytes [4, 12 + compressed length)
//   4 4  compressed length        8 4  raw length (the block's records, framed as in plain)
//
// Compressed footer (48 bytes, last in the file):
//   0  8  magic "MDBFOOT1"   24 8  max timestamp        40 4  block count
//   8  8  record count       32 8  raw bytes            44 4  masked CRC32C of [0, 44)
//   16 8  min timestamp
#ifndef MEMDB_OPLOG_SEGMENT_FORMAT_H_
#define MEMDB_OPLOG_SEGMENT_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "memdb/result.h"
#include "memdb/version.h"
#include "oplog/record.h"

namespace memdb::oplog {

enum class SegmentKind : uint8_t { kPlain = 0, kCompressed = 1 };

inline constexpr uint16_t kFormatVersion = 1;
inline constexpr size_t kSegmentHeaderSize = 40;
inline constexpr size_t kBlockHeaderSize = 12;
inline constexpr size_t kFooterSize = 48;
// A block is cut once its raw records reach this size; one record never spans blocks, so a
// block may exceed it by up to one record.
inline constexpr size_t kBlockTargetRawBytes = size_t{256} << 10;
inline constexpr size_t kMaxBlockRawBytes =
    kBlockTargetRawBytes + kRecordHeaderSize + kMaxRecordBody;

struct SegmentHeader {
  SegmentKind kind = SegmentKind::kPlain;
  uint64_t segment_id = 0;
  uint64_t prev_segment_id = 0;  // plain segments: the plain segment written before this one
};

// Appends the 40-byte header.
void EncodeSegmentHeader(const SegmentHeader& h, std::string* out);
// kCorruption with a reason ("bad magic", "checksum mismatch", ...) if `data` (at least the
// first 40 bytes of the file) is not a valid header of this format version.
Result<SegmentHeader> DecodeSegmentHeader(std::string_view data);

struct BlockHeader {
  uint32_t compressed_len = 0;
  uint32_t raw_len = 0;
};
// Checks the header's lengths against the limits (no allocation has happened yet): false if
// implausible.
bool PlausibleBlockHeader(const BlockHeader& h);
BlockHeader PeekBlockHeader(const char* p);  // p has kBlockHeaderSize bytes
// True if the CRC at p[0..4) covers p[4 .. 12 + compressed_len).
bool BlockChecksumOk(const char* p, const BlockHeader& h);
// Appends a block header + `compressed`.
void AppendBlock(std::string_view compressed, uint32_t raw_len, std::string* out);

// What a compressed segment holds, from its footer (also what the manifest lists).
struct SegmentStats {
  uint64_t record_count = 0;
  Timestamp min_ts = 0;  // 0 when empty
  Timestamp max_ts = 0;
  uint64_t raw_bytes = 0;  // framed record bytes before compression
  uint32_t block_count = 0;

  void Add(Timestamp ts, size_t record_bytes);
  friend bool operator==(const SegmentStats&, const SegmentStats&) = default;
};
void EncodeFooter(const SegmentStats& s, std::string* out);
Result<SegmentStats> DecodeFooter(std::string_view data);  // exactly kFooterSize bytes

// ---- file names ----
enum class FileType { kPlainSegment, kCompressedSegment, kManifest, kManifestTemp, kOther };
struct ParsedFileName {
  FileType type = FileType::kOther;
  uint64_t id = 0;  // segments only
};
inline constexpr std::string_view kManifestFileName = "MANIFEST";
inline constexpr std::string_view kManifestTempFileName = "MANIFEST.tmp";

std::string SegmentFileName(uint64_t id, SegmentKind kind);
ParsedFileName ParseFileName(std::string_view name);

}  // namespace memdb::oplog

#endif  // MEMDB_OPLOG_SEGMENT_FORMAT_H_

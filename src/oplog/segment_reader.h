// SegmentReader — streams the records of one segment file, plain or compressed, and says
// precisely where and why it stopped.
//
// Damage handling (docs/oplog.md, "Recovery"):
//   - Plain segment, `is_tail` (the last segment of the log, the one appends went to): when
//     the bytes from the first bad record to the end of the file contain no valid record, they
//     are a torn tail — a write cut short by a crash. Read() then ends normally and
//     torn_tail() says where and how many bytes to drop. This covers a partial final record,
//     a final record with a bad checksum, zero fill, and a file whose header never made it.
//   - Any other damage (a bad record with valid records after it, damage in a sealed plain
//     segment, a bad compressed block, footer or header) is corruption:
//       kStrict:      Read() returns kError; status() is kCorruption naming the file and
//                     the offset.
//       kSkipCorrupt: the damaged bytes are skipped up to the next offset where a valid
//                     record (plain) or block (compressed) starts, and listed in skipped().
//                     A record is never returned unless its checksum verified.
//
// Records are read through a sliding window of the file (1 MiB reads), so memory stays near
// one chunk plus the largest record (or block). The reader sees the file as it was when
// opened: bytes appended later (by the flusher, while a catch-up reads the active segment)
// are not read, and a record cut at that size is a torn tail.
//
// Not thread-safe; use from one thread at a time.
#ifndef MEMDB_OPLOG_SEGMENT_READER_H_
#define MEMDB_OPLOG_SEGMENT_READER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/file_system.h"
#include "memdb/result.h"
#include "oplog/record.h"
#include "oplog/segment_format.h"

namespace memdb::oplog {

enum class ReadMode { kStrict, kSkipCorrupt };

const char* ReadModeName(ReadMode mode);

// One segment file of a log directory.
struct SegmentRef {
  std::string path;
  uint64_t id = 0;
  SegmentKind kind = SegmentKind::kPlain;
};

// Bytes the reader could not use.
struct Damage {
  uint64_t offset = 0;  // file offset where the damage starts
  uint64_t length = 0;  // bytes skipped (or dropped, for a torn tail)
  std::string reason;   // "checksum mismatch", "incomplete record", ...
};

struct SegmentReaderOptions {
  ReadMode mode = ReadMode::kStrict;
  bool is_tail = false;  // last segment of the log: a torn tail is not corruption
};

class SegmentReader {
 public:
  enum class Next { kRecord, kEnd, kError };

  // Opens the file. Fails only with the file system's error (kIoError, kNotFound); a bad
  // header or footer is damage, reported by the first Read() like any other.
  static Result<std::unique_ptr<SegmentReader>> Open(FileSystem* fs, const SegmentRef& segment,
                                                     const SegmentReaderOptions& options);
  ~SegmentReader();

  // kRecord: `*record` views the reader's buffer until the next call; `*offset` (if given)
  // is the record's file offset (plain) or its block's file offset (compressed).
  Next Read(Record* record, uint64_t* offset = nullptr);

  // After kError.
  const Status& status() const { return status_; }
  // After kEnd: the torn tail that was found, if any (plain tail segments only).
  const std::optional<Damage>& torn_tail() const { return torn_tail_; }
  const std::vector<Damage>& skipped() const { return skipped_; }

  const SegmentRef& segment() const { return segment_; }
  // The header, if it decoded.
  const std::optional<SegmentHeader>& header() const { return header_; }
  // The footer of a compressed segment, if it decoded.
  const std::optional<SegmentStats>& footer() const { return footer_; }
  uint64_t file_size() const { return file_size_; }
  uint64_t records_read() const { return records_read_; }

 private:
  SegmentReader(FileSystem* fs, SegmentRef segment, SegmentReaderOptions options);
  Status Init();

  // Makes file bytes [offset, offset + n) (clipped at the end of file) available in the
  // window and returns how many are.
  Result<size_t> Ensure(uint64_t offset, size_t n);
  std::string_view View(uint64_t offset, size_t n) const;
  // Bytes of the window from `offset` up to the end of the data.
  size_t WindowBytesFrom(uint64_t offset) const;

  Next ReadPlain(Record* record, uint64_t* offset);
  Next ReadCompressed(Record* record, uint64_t* offset);
  Status LoadBlock();
  // Decides what damage at `offset` means (see the header comment); returns kRecord to go on
  // reading, kEnd or kError.
  // `resume_at`: where reading goes on if the damage is skipped (default: the next valid
  // record or block after `offset`).
  Next OnDamage(uint64_t offset, const std::string& reason,
                std::optional<uint64_t> resume_at = std::nullopt);
  // The first offset in [from, end) where a valid record (plain) / block (compressed) starts.
  Result<std::optional<uint64_t>> FindNextValid(uint64_t from);
  Result<bool> ValidRecordAt(uint64_t offset);
  Result<bool> ValidBlockAt(uint64_t offset);
  Next Fail(Status status);

  FileSystem* fs_;
  SegmentRef segment_;
  SegmentReaderOptions options_;
  std::unique_ptr<RandomAccessFile> file_;
  uint64_t file_size_ = 0;
  uint64_t data_end_ = 0;  // where records (plain) or blocks (compressed) end

  std::string window_;  // file bytes [window_offset_, window_offset_ + window_.size())
  uint64_t window_offset_ = 0;
  std::string scratch_;
  uint64_t pos_ = 0;  // file offset of the next record / block

  // compressed: the current block's records
  std::string raw_;
  size_t raw_pos_ = 0;
  uint64_t block_offset_ = 0;
  uint64_t blocks_read_ = 0;

  std::optional<SegmentHeader> header_;
  std::optional<SegmentStats> footer_;
  std::optional<Damage> pending_damage_;  // found by Init, handled by the first Read
  std::optional<uint64_t> pending_resume_;
  Status pending_error_;
  std::optional<Damage> torn_tail_;
  std::vector<Damage> skipped_;
  Status status_;
  uint64_t records_read_ = 0;
  bool done_ = false;
};

}  // namespace memdb::oplog

#endif  // MEMDB_OPLOG_SEGMENT_READER_H_

// CompressedSegmentWriter — writes one sealed segment: header, lz4-compressed blocks of framed
// records, footer (layouts in segment_format.h), then syncs the file.
//
// Used by sealing and compaction, on a background thread. The file is not live until a
// manifest lists it; the caller syncs the directory before swapping the manifest.
//
// Not thread-safe; one thread at a time.
#ifndef MEMDB_OPLOG_SEGMENT_WRITER_H_
#define MEMDB_OPLOG_SEGMENT_WRITER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "common/file_system.h"
#include "memdb/result.h"
#include "oplog/manifest.h"
#include "oplog/record.h"
#include "oplog/segment_format.h"

namespace memdb::oplog {

class CompressedSegmentWriter {
 public:
  // Creates (truncating) dir/seg-<id>.lz4 and writes its header.
  static Result<std::unique_ptr<CompressedSegmentWriter>> Create(FileSystem* fs,
                                                                 const std::string& dir,
                                                                 uint64_t id);
  ~CompressedSegmentWriter();

  // Adds a record (it must be encodable). Compressed blocks are written as they fill.
  Status Add(const Record& record);
  // Writes the last block and the footer, syncs and closes the file.
  Status Finish();

  const SegmentStats& stats() const { return stats_; }
  const std::string& path() const { return path_; }
  uint64_t bytes_written() const { return bytes_written_; }
  // The manifest entry describing the finished segment.
  ManifestEntry entry() const;

 private:
  CompressedSegmentWriter(std::unique_ptr<WritableFile> file, std::string path, uint64_t id);
  Status CutBlock();
  Status FlushOutput();

  std::unique_ptr<WritableFile> file_;
  std::string path_;
  uint64_t id_;
  std::string raw_;         // records of the block being built
  std::string compressed_;  // scratch for one compressed block
  std::string out_;         // encoded blocks not yet appended to the file
  SegmentStats stats_;
  uint64_t bytes_written_ = 0;
  bool finished_ = false;
};

}  // namespace memdb::oplog

#endif  // MEMDB_OPLOG_SEGMENT_WRITER_H_

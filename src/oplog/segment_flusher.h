// SegmentFlusher — executes FlushBatches (oplog_writer.h) through the FileSystem.
//
// Owned by the flusher thread (one per log). It holds the open handle of the segment being
// written; nothing else touches that file. Execute() is blocking (write, fdatasync); its
// Status goes back to the loop with the batch, to OplogWriter::OnBatchDone.
//
// FlushInline() is the synchronous helper for tests and the simulator: it takes, executes and
// completes batches on the calling thread until the writer has nothing to flush.
#ifndef MEMDB_OPLOG_SEGMENT_FLUSHER_H_
#define MEMDB_OPLOG_SEGMENT_FLUSHER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "common/file_system.h"
#include "oplog/oplog_writer.h"

namespace memdb::oplog {

class SegmentFlusher {
 public:
  SegmentFlusher(FileSystem* fs, std::string dir);
  ~SegmentFlusher();
  SegmentFlusher(const SegmentFlusher&) = delete;
  SegmentFlusher& operator=(const SegmentFlusher&) = delete;

  // Runs the batch's steps (create + sync dir, append, sync, close). A batch for a segment
  // that is not open (a new flusher) reopens it for appending. Fails with kInternal if the
  // file's size is not where the batch expects it to start (a lost or doubled write).
  Status Execute(const FlushBatch& batch);

  // Closes the open segment (no sync). For shutdown.
  Status Close();

 private:
  FileSystem* fs_;
  std::string dir_;
  std::unique_ptr<WritableFile> file_;
  uint64_t file_id_ = 0;
};

// Takes, executes and completes batches until the writer wants no more (or one fails, whose
// Status is returned). `now_ms` drives the kInterval policy.
Status FlushInline(OplogWriter* writer, SegmentFlusher* flusher, uint64_t now_ms);

}  // namespace memdb::oplog

#endif  // MEMDB_OPLOG_SEGMENT_FLUSHER_H_

#include "oplog/segment_flusher.h"

#include <utility>

namespace memdb::oplog {

SegmentFlusher::SegmentFlusher(FileSystem* fs, std::string dir) : fs_(fs), dir_(std::move(dir)) {}

SegmentFlusher::~SegmentFlusher() = default;

Status SegmentFlusher::Execute(const FlushBatch& batch) {
  if (batch.create) {
    if (file_ != nullptr) {
      if (Status s = file_->Close(); !s.ok()) return s;
      file_.reset();
    }
    auto file = fs_->OpenWritable(batch.path, OpenMode::kTruncate);
    if (!file.ok()) return file.status();
    file_ = std::move(file).value();
    file_id_ = batch.segment_id;
    // The new segment must be durable in the directory before any record in it is
    // acknowledged.
    if (Status s = fs_->SyncDir(dir_); !s.ok()) return s;
  } else if (file_ == nullptr || file_id_ != batch.segment_id) {
    if (file_ != nullptr) {
      if (Status s = file_->Close(); !s.ok()) return s;
      file_.reset();
    }
    auto file = fs_->OpenWritable(batch.path, OpenMode::kAppend);
    if (!file.ok()) return file.status();
    file_ = std::move(file).value();
    file_id_ = batch.segment_id;
  }
  if (file_->Size() + batch.data.size() != batch.end_offset) {
    return Status(Code::kInternal, batch.path + ": file is " + std::to_string(file_->Size()) +
                                       " bytes, the batch expected " +
                                       std::to_string(batch.end_offset - batch.data.size()));
  }
  if (!batch.data.empty()) {
    if (Status s = file_->Append(batch.data); !s.ok()) return s;
  }
  if (batch.sync) {
    if (Status s = file_->Sync(); !s.ok()) return s;
  }
  if (batch.close) {
    Status s = file_->Close();
    file_.reset();
    file_id_ = 0;
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status SegmentFlusher::Close() {
  if (file_ == nullptr) return Status::Ok();
  Status s = file_->Close();
  file_.reset();
  file_id_ = 0;
  return s;
}

Status FlushInline(OplogWriter* writer, SegmentFlusher* flusher, uint64_t now_ms) {
  while (auto batch = writer->TakeBatch(now_ms)) {
    const Status s = flusher->Execute(*batch);
    writer->OnBatchDone(std::move(*batch), s);
    if (!s.ok()) return s;
  }
  return writer->status();
}

}  // namespace memdb::oplog

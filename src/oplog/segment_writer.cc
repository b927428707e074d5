#include "oplog/segment_writer.h"

#include <lz4.h>

#include <utility>

namespace memdb::oplog {

namespace {
constexpr size_t kOutputFlushBytes = size_t{1} << 20;
}  // namespace

Result<std::unique_ptr<CompressedSegmentWriter>> CompressedSegmentWriter::Create(
    FileSystem* fs, const std::string& dir, uint64_t id) {
  std::string path = JoinPath(dir, SegmentFileName(id, SegmentKind::kCompressed));
  auto file = fs->OpenWritable(path, OpenMode::kTruncate);
  if (!file.ok()) return file.status();
  std::unique_ptr<CompressedSegmentWriter> w(
      new CompressedSegmentWriter(std::move(file).value(), std::move(path), id));
  EncodeSegmentHeader(SegmentHeader{SegmentKind::kCompressed, id, 0}, &w->out_);
  return w;
}

CompressedSegmentWriter::CompressedSegmentWriter(std::unique_ptr<WritableFile> file,
                                                 std::string path, uint64_t id)
    : file_(std::move(file)), path_(std::move(path)), id_(id) {
  raw_.reserve(kBlockTargetRawBytes + 4096);
}

CompressedSegmentWriter::~CompressedSegmentWriter() = default;

Status CompressedSegmentWriter::Add(const Record& record) {
  if (finished_) return Status(Code::kInternal, path_ + ": Add after Finish");
  if (!IsEncodable(record)) return Status(Code::kInvalidArgument, "record is not encodable");
  const size_t before = raw_.size();
  AppendRecord(record, &raw_);
  stats_.Add(record.version.timestamp, raw_.size() - before);
  if (raw_.size() >= kBlockTargetRawBytes) return CutBlock();
  return Status::Ok();
}

Status CompressedSegmentWriter::CutBlock() {
  if (raw_.empty()) return Status::Ok();
  const int bound = LZ4_compressBound(static_cast<int>(raw_.size()));
  compressed_.resize(static_cast<size_t>(bound));
  const int n =
      LZ4_compress_default(raw_.data(), compressed_.data(), static_cast<int>(raw_.size()), bound);
  if (n <= 0) return Status(Code::kInternal, path_ + ": lz4 compression failed");
  AppendBlock(std::string_view(compressed_.data(), static_cast<size_t>(n)),
              static_cast<uint32_t>(raw_.size()), &out_);
  ++stats_.block_count;
  raw_.clear();
  if (out_.size() >= kOutputFlushBytes) return FlushOutput();
  return Status::Ok();
}

Status CompressedSegmentWriter::FlushOutput() {
  if (out_.empty()) return Status::Ok();
  if (Status s = file_->Append(out_); !s.ok()) return s;
  bytes_written_ += out_.size();
  out_.clear();
  return Status::Ok();
}

Status CompressedSegmentWriter::Finish() {
  if (finished_) return Status::Ok();
  if (Status s = CutBlock(); !s.ok()) return s;
  EncodeFooter(stats_, &out_);
  if (Status s = FlushOutput(); !s.ok()) return s;
  if (Status s = file_->Sync(); !s.ok()) return s;
  if (Status s = file_->Close(); !s.ok()) return s;
  finished_ = true;
  return Status::Ok();
}

ManifestEntry CompressedSegmentWriter::entry() const {
  return ManifestEntry{
      id_,          SegmentKind::kCompressed, bytes_written_, stats_.record_count, stats_.min_ts,
      stats_.max_ts};
}

}  // namespace memdb::oplog

// libFuzzer target: the operation-log reader on arbitrary file contents.
//
// Input layout: byte 0 picks the case — bit 0: compressed (sealed) segment or plain; bit 1:
// skip-corrupt mode or strict; bit 2: the segment is the log's tail; bit 3: structured.
//   raw:        the rest of the input is the file, byte for byte;
//   structured: the rest describes records (u8 key length, key, u8 value length, value, ...)
//               after a u16 damage position; a VALID segment of those records is written with
//               the real encoders, then one byte at (position % size) is flipped (0 = none).
//               Undamaged, every record must read back exactly; damaged, never a wrong one.
// Whatever the bytes, the reader must not crash, hang, read out of bounds or return a record
// that fails its own invariants; and DecodeRecord must agree with EncodedSize on what it
// consumed.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/sim_file_system.h"
#include "oplog/record.h"
#include "oplog/segment_format.h"
#include "oplog/segment_reader.h"
#include "oplog/segment_writer.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

void FuzzDecodeRecord(std::string_view input) {
  while (!input.empty()) {
    memdb::oplog::Record record;
    const memdb::oplog::DecodeResult r = memdb::oplog::DecodeRecord(input, &record);
    if (r.status != memdb::oplog::DecodeStatus::kOk) return;
    Check(r.size > 0 && r.size <= input.size());
    Check(r.size == memdb::oplog::EncodedSize(record));
    input.remove_prefix(r.size);
  }
}

struct OwnedRecord {
  std::string key;
  std::string value;
};

// Parses the structured part of the input into records.
std::vector<OwnedRecord> ParseRecords(std::string_view in) {
  std::vector<OwnedRecord> records;
  while (in.size() >= 2) {
    OwnedRecord r;
    size_t key_len = static_cast<uint8_t>(in[0]) % 32;
    in.remove_prefix(1);
    key_len = std::min(key_len, in.size());
    r.key.assign(in.substr(0, key_len));
    in.remove_prefix(key_len);
    if (in.empty()) break;
    size_t value_len = static_cast<uint8_t>(in[0]);
    in.remove_prefix(1);
    value_len = std::min(value_len, in.size());
    r.value.assign(in.substr(0, value_len));
    in.remove_prefix(value_len);
    records.push_back(std::move(r));
  }
  return records;
}

memdb::oplog::Record View(const OwnedRecord& r, uint64_t i) {
  memdb::oplog::Record record;
  record.type = memdb::oplog::RecordType::kPut;
  record.version = memdb::Version{i + 1, 7};
  record.key = r.key;
  record.value = r.value;
  return record;
}

// Builds a valid segment file of `records` with the production encoders.
std::string BuildSegment(memdb::SimFileSystem* fs, bool compressed,
                         const std::vector<OwnedRecord>& records) {
  if (compressed) {
    auto writer = memdb::oplog::CompressedSegmentWriter::Create(fs, "/build", 1);
    Check(writer.ok());
    for (uint64_t i = 0; i < records.size(); ++i) Check((*writer)->Add(View(records[i], i)).ok());
    Check((*writer)->Finish().ok());
    std::string bytes;
    Check(fs->ReadFile((*writer)->path(), &bytes).ok());
    return bytes;
  }
  std::string bytes;
  memdb::oplog::SegmentHeader header;
  header.kind = memdb::oplog::SegmentKind::kPlain;
  header.segment_id = 1;
  memdb::oplog::EncodeSegmentHeader(header, &bytes);
  for (uint64_t i = 0; i < records.size(); ++i) {
    memdb::oplog::AppendRecord(View(records[i], i), &bytes);
  }
  return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  const bool compressed = (mode & 1) != 0;
  const bool structured = (mode & 8) != 0;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  FuzzDecodeRecord(input);

  memdb::SimFileSystem fs;
  Check(fs.CreateDir("/log").ok());
  Check(fs.CreateDir("/build").ok());
  std::vector<OwnedRecord> expected;
  bool damaged = true;
  std::string built;
  if (structured) {
    if (input.size() < 2) return 0;
    const uint16_t damage_at = static_cast<uint16_t>(static_cast<uint8_t>(input[0]) |
                                                     (static_cast<uint8_t>(input[1]) << 8));
    expected = ParseRecords(input.substr(2));
    built = BuildSegment(&fs, compressed, expected);
    damaged = damage_at != 0;
    if (damaged) built[damage_at % built.size()] ^= static_cast<char>(0x5a);
    input = built;
  }
  const std::string_view file = input;
  const memdb::oplog::SegmentKind kind =
      compressed ? memdb::oplog::SegmentKind::kCompressed : memdb::oplog::SegmentKind::kPlain;
  const std::string path = "/log/" + memdb::oplog::SegmentFileName(1, kind);
  {
    auto writable = fs.OpenWritable(path, memdb::OpenMode::kTruncate);
    Check(writable.ok());
    Check((*writable)->Append(file).ok());
    Check((*writable)->Sync().ok());
  }
  memdb::oplog::SegmentRef ref{path, 1, kind};
  memdb::oplog::SegmentReaderOptions options;
  options.mode =
      (mode & 2) != 0 ? memdb::oplog::ReadMode::kSkipCorrupt : memdb::oplog::ReadMode::kStrict;
  options.is_tail = (mode & 4) != 0;
  auto reader = memdb::oplog::SegmentReader::Open(&fs, ref, options);
  if (!reader.ok()) return 0;
  memdb::oplog::Record record;
  uint64_t offset = 0;
  size_t records = 0;
  while (true) {
    const auto next = (*reader)->Read(&record, &offset);
    if (next != memdb::oplog::SegmentReader::Next::kRecord) break;
    Check(offset < file.size());
    Check(record.key.size() + record.value.size() <= memdb::oplog::kMaxRecordBody);
    Check(record.type == memdb::oplog::RecordType::kPut || record.value.empty());
    Check(++records <= file.size());  // every record costs at least one byte
    if (structured) {
      // A record the reader returns verified its checksum: it is one we wrote, in order
      // (skip mode may drop damaged ones, so search forward).
      bool found = false;
      while (!expected.empty() && !found) {
        found = expected.front().key == record.key && expected.front().value == record.value;
        expected.erase(expected.begin());
      }
      Check(found);
    }
  }
  if (structured && !damaged) Check(expected.empty());  // undamaged: every record read back
  return 0;
}

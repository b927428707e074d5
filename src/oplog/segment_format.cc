#include "oplog/segment_format.h"

#include <lz4.h>

#include <charconv>
#include <cstdio>
#include <cstring>

#include "common/crc32c.h"
#include "common/endian.h"

namespace memdb::oplog {

namespace {

constexpr std::string_view kSegmentMagic = "MDBOPLOG";
constexpr std::string_view kFooterMagic = "MDBFOOT1";

Status Corrupt(std::string what) { return Status(Code::kCorruption, std::move(what)); }

}  // namespace

// ---- header ----

void EncodeSegmentHeader(const SegmentHeader& h, std::string* out) {
  char b[kSegmentHeaderSize] = {};
  std::memcpy(b, kSegmentMagic.data(), 8);
  EncodeU16(b + 8, kFormatVersion);
  b[10] = static_cast<char>(h.kind);
  EncodeU64(b + 16, h.segment_id);
  EncodeU64(b + 24, h.prev_segment_id);
  EncodeU32(b + 36, crc32c::Mask(crc32c::Value(b, 36)));
  out->append(b, sizeof b);
}

Result<SegmentHeader> DecodeSegmentHeader(std::string_view data) {
  if (data.size() < kSegmentHeaderSize) return Corrupt("segment header is truncated");
  const char* b = data.data();
  if (std::string_view(b, 8) != kSegmentMagic) return Corrupt("bad segment magic");
  if (crc32c::Value(b, 36) != crc32c::Unmask(DecodeU32(b + 36))) {
    return Corrupt("segment header checksum mismatch");
  }
  const uint16_t version = DecodeU16(b + 8);
  if (version != kFormatVersion) {
    return Corrupt("unsupported segment format version " + std::to_string(version));
  }
  const auto kind = static_cast<uint8_t>(b[10]);
  if (kind > static_cast<uint8_t>(SegmentKind::kCompressed)) {
    return Corrupt("unknown segment kind " + std::to_string(kind));
  }
  SegmentHeader h;
  h.kind = static_cast<SegmentKind>(kind);
  h.segment_id = DecodeU64(b + 16);
  h.prev_segment_id = DecodeU64(b + 24);
  return h;
}

// ---- blocks ----

bool PlausibleBlockHeader(const BlockHeader& h) {
  return h.raw_len > 0 && h.raw_len <= kMaxBlockRawBytes && h.compressed_len > 0 &&
         h.compressed_len <= static_cast<uint32_t>(LZ4_compressBound(kMaxBlockRawBytes));
}

BlockHeader PeekBlockHeader(const char* p) {
  return BlockHeader{DecodeU32(p + 4), DecodeU32(p + 8)};
}

bool BlockChecksumOk(const char* p, const BlockHeader& h) {
  return crc32c::Value(p + 4, 8 + size_t{h.compressed_len}) == crc32c::Unmask(DecodeU32(p));
}

void AppendBlock(std::string_view compressed, uint32_t raw_len, std::string* out) {
  const size_t start = out->size();
  out->resize(start + kBlockHeaderSize);
  char* h = out->data() + start;
  EncodeU32(h + 4, static_cast<uint32_t>(compressed.size()));
  EncodeU32(h + 8, raw_len);
  out->append(compressed);
  h = out->data() + start;
  EncodeU32(h, crc32c::Mask(crc32c::Value(h + 4, 8 + compressed.size())));
}

// ---- footer ----

void SegmentStats::Add(Timestamp ts, size_t record_bytes) {
  if (record_count == 0 || ts < min_ts) min_ts = ts;
  if (record_count == 0 || ts > max_ts) max_ts = ts;
  ++record_count;
  raw_bytes += record_bytes;
}

void EncodeFooter(const SegmentStats& s, std::string* out) {
  char b[kFooterSize] = {};
  std::memcpy(b, kFooterMagic.data(), 8);
  EncodeU64(b + 8, s.record_count);
  EncodeU64(b + 16, s.min_ts);
  EncodeU64(b + 24, s.max_ts);
  EncodeU64(b + 32, s.raw_bytes);
  EncodeU32(b + 40, s.block_count);
  EncodeU32(b + 44, crc32c::Mask(crc32c::Value(b, 44)));
  out->append(b, sizeof b);
}

Result<SegmentStats> DecodeFooter(std::string_view data) {
  if (data.size() != kFooterSize) return Corrupt("footer is truncated");
  const char* b = data.data();
  if (std::string_view(b, 8) != kFooterMagic) return Corrupt("bad footer magic");
  if (crc32c::Value(b, 44) != crc32c::Unmask(DecodeU32(b + 44))) {
    return Corrupt("footer checksum mismatch");
  }
  SegmentStats s;
  s.record_count = DecodeU64(b + 8);
  s.min_ts = DecodeU64(b + 16);
  s.max_ts = DecodeU64(b + 24);
  s.raw_bytes = DecodeU64(b + 32);
  s.block_count = DecodeU32(b + 40);
  return s;
}

// ---- names ----

std::string SegmentFileName(uint64_t id, SegmentKind kind) {
  char name[40];
  std::snprintf(name, sizeof name, "seg-%020llu.%s", static_cast<unsigned long long>(id),
                kind == SegmentKind::kPlain ? "log" : "lz4");
  return name;
}

ParsedFileName ParseFileName(std::string_view name) {
  if (name == kManifestFileName) return {FileType::kManifest, 0};
  if (name == kManifestTempFileName) return {FileType::kManifestTemp, 0};
  // seg-<20 digits>.log|.lz4
  if (name.size() != 4 + 20 + 4 || name.substr(0, 4) != "seg-" || name[24] != '.') return {};
  uint64_t id = 0;
  const char* first = name.data() + 4;
  const char* last = first + 20;
  auto [ptr, ec] = std::from_chars(first, last, id);
  if (ec != std::errc() || ptr != last) return {};
  const std::string_view ext = name.substr(25);
  if (ext == "log") return {FileType::kPlainSegment, id};
  if (ext == "lz4") return {FileType::kCompressedSegment, id};
  return {};
}

}  // namespace memdb::oplog

#include "oplog/manifest.h"

#include <cstring>

#include "common/crc32c.h"
#include "common/endian.h"

namespace memdb::oplog {

namespace {

constexpr std::string_view kManifestMagic = "MDBMANIF";

Status Corrupt(const std::string& what) { return Status(Code::kCorruption, "MANIFEST: " + what); }

}  // namespace

std::string EncodeManifest(const Manifest& m) {
  std::string out(kManifestHeaderSize + kManifestEntrySize * m.segments.size(), '\0');
  char* b = out.data();
  std::memcpy(b, kManifestMagic.data(), 8);
  EncodeU16(b + 8, kFormatVersion);
  EncodeU32(b + 12, static_cast<uint32_t>(m.segments.size()));
  EncodeU64(b + 16, m.generation);
  EncodeU64(b + 24, m.tail_from_id);
  EncodeU64(b + 32, m.compacted_through);
  char* e = b + kManifestHeaderSize;
  for (const ManifestEntry& s : m.segments) {
    EncodeU64(e, s.id);
    e[8] = static_cast<char>(s.kind);
    EncodeU64(e + 16, s.file_size);
    EncodeU64(e + 24, s.record_count);
    EncodeU64(e + 32, s.min_ts);
    EncodeU64(e + 40, s.max_ts);
    e += kManifestEntrySize;
  }
  PutU32(&out, crc32c::Mask(crc32c::Value(out)));
  return out;
}

Result<Manifest> DecodeManifest(std::string_view data) {
  if (data.size() < kManifestHeaderSize + 4) return Corrupt("file is truncated");
  const char* b = data.data();
  if (std::string_view(b, 8) != kManifestMagic) return Corrupt("bad magic");
  const size_t body = data.size() - 4;
  if (crc32c::Value(b, body) != crc32c::Unmask(DecodeU32(b + body))) {
    return Corrupt("checksum mismatch");
  }
  if (DecodeU16(b + 8) != kFormatVersion) {
    return Corrupt("unsupported format version " + std::to_string(DecodeU16(b + 8)));
  }
  const uint32_t count = DecodeU32(b + 12);
  if (body != kManifestHeaderSize + size_t{count} * kManifestEntrySize) {
    return Corrupt("size does not match its entry count");
  }
  Manifest m;
  m.generation = DecodeU64(b + 16);
  m.tail_from_id = DecodeU64(b + 24);
  m.compacted_through = DecodeU64(b + 32);
  m.segments.reserve(count);
  const char* e = b + kManifestHeaderSize;
  for (uint32_t i = 0; i < count; ++i, e += kManifestEntrySize) {
    ManifestEntry s;
    s.id = DecodeU64(e);
    const auto kind = static_cast<uint8_t>(e[8]);
    if (kind > static_cast<uint8_t>(SegmentKind::kCompressed)) {
      return Corrupt("entry " + std::to_string(i) + " has unknown kind");
    }
    s.kind = static_cast<SegmentKind>(kind);
    s.file_size = DecodeU64(e + 16);
    s.record_count = DecodeU64(e + 24);
    s.min_ts = DecodeU64(e + 32);
    s.max_ts = DecodeU64(e + 40);
    if (s.kind == SegmentKind::kPlain && s.id >= m.tail_from_id) {
      return Corrupt("plain segment " + std::to_string(s.id) + " listed inside the tail");
    }
    m.segments.push_back(s);
  }
  return m;
}

Result<Manifest> ReadManifest(FileSystem* fs, const std::string& dir) {
  const std::string path = JoinPath(dir, kManifestFileName);
  auto size = fs->FileSize(path);
  if (!size.ok()) return size.status();
  if (*size > kMaxManifestBytes)
    return Corrupt("implausibly large (" + std::to_string(*size) + ")");
  std::string data;
  if (Status s = fs->ReadFile(path, &data); !s.ok()) return s;
  return DecodeManifest(data);
}

Status WriteManifest(FileSystem* fs, const std::string& dir, const Manifest& m) {
  return WriteFileAtomically(fs, dir, kManifestFileName, kManifestTempFileName, EncodeManifest(m));
}

}  // namespace memdb::oplog

#include "oplog/record.h"

#include <cstring>

#include "common/crc32c.h"
#include "common/endian.h"

namespace memdb::oplog {

bool IsEncodable(const Record& r) {
  if (r.type != RecordType::kPut && r.type != RecordType::kDelete) return false;
  if (r.type == RecordType::kDelete && !r.value.empty()) return false;
  if (r.key.size() > UINT32_MAX) return false;
  return kRecordBodyFixedSize + r.key.size() + r.value.size() <= kMaxRecordBody;
}

void EncodeRecord(const Record& r, char* dst) {
  const size_t body = kRecordBodyFixedSize + r.key.size() + r.value.size();
  EncodeU32(dst + 4, static_cast<uint32_t>(body));
  dst[8] = static_cast<char>(r.type);
  EncodeU64(dst + 9, r.version.timestamp);
  EncodeU32(dst + 17, r.version.node_id);
  EncodeU32(dst + 21, static_cast<uint32_t>(r.key.size()));
  char* p = dst + kRecordHeaderSize + kRecordBodyFixedSize;
  if (!r.key.empty()) std::memcpy(p, r.key.data(), r.key.size());
  if (!r.value.empty()) std::memcpy(p + r.key.size(), r.value.data(), r.value.size());
  EncodeU32(dst, crc32c::Mask(crc32c::Value(dst + 4, 5 + body)));
}

void AppendRecord(const Record& r, std::string* out) {
  const size_t old = out->size();
  out->resize(old + EncodedSize(r));
  EncodeRecord(r, out->data() + old);
}

const char* DecodeStatusName(DecodeStatus s) {
  switch (s) {
    case DecodeStatus::kOk:
      return "ok";
    case DecodeStatus::kNeedMore:
      return "incomplete record";
    case DecodeStatus::kBadLength:
      return "bad record length";
    case DecodeStatus::kBadCrc:
      return "checksum mismatch";
    case DecodeStatus::kBadType:
      return "unknown record type";
    case DecodeStatus::kBadBody:
      return "malformed record body";
  }
  return "?";
}

DecodeResult DecodeRecord(std::string_view input, Record* out) {
  if (input.size() < kRecordHeaderSize) return {DecodeStatus::kNeedMore, 0};
  const uint32_t length = DecodeU32(input.data() + 4);
  if (length < kRecordBodyFixedSize || length > kMaxRecordBody) {
    return {DecodeStatus::kBadLength, 0};
  }
  const size_t size = kRecordHeaderSize + length;
  if (input.size() < size) return {DecodeStatus::kNeedMore, size};
  const uint32_t expected = crc32c::Unmask(DecodeU32(input.data()));
  if (crc32c::Value(input.data() + 4, 5 + length) != expected) {
    return {DecodeStatus::kBadCrc, size};
  }
  const auto type = static_cast<RecordType>(static_cast<uint8_t>(input[8]));
  if (type != RecordType::kPut && type != RecordType::kDelete) {
    return {DecodeStatus::kBadType, size};
  }
  const char* body = input.data() + kRecordHeaderSize;
  const uint32_t key_len = DecodeU32(body + 12);
  if (key_len > length - kRecordBodyFixedSize) return {DecodeStatus::kBadBody, size};
  const size_t value_len = length - kRecordBodyFixedSize - key_len;
  if (type == RecordType::kDelete && value_len != 0) return {DecodeStatus::kBadBody, size};
  out->type = type;
  out->version = Version{DecodeU64(body), DecodeU32(body + 8)};
  out->key = std::string_view(body + kRecordBodyFixedSize, key_len);
  out->value = std::string_view(body + kRecordBodyFixedSize + key_len, value_len);
  return {DecodeStatus::kOk, size};
}

}  // namespace memdb::oplog

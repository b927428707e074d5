// Record — one operation in the log, and its framing on disk (docs/oplog.md, "Records").
//
//   offset size
//   0      4    crc      masked CRC32C of bytes [4, 9 + length): length, type and body
//   4      4    length   body length (16 .. kMaxRecordBody)
//   8      1    type     1 PUT, 2 DELETE (3 reserved for COUNTER)
//   9      8    timestamp     (body starts here)
//   17     4    node id
//   21     4    key length
//   25     ...  key, then the value (the rest of the body; empty for DELETE)
//
// The same framing is used in live segments and inside compressed blocks, so one decoder
// reads both. Decoding is pure and zero-copy: a decoded Record's key and value view the input.
#ifndef MEMDB_OPLOG_RECORD_H_
#define MEMDB_OPLOG_RECORD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "memdb/version.h"
#include "store/key_hash.h"

namespace memdb::oplog {

enum class RecordType : uint8_t {
  kPut = 1,
  kDelete = 2,
  kCounter = 3,  // reserved for PN-counter state; not accepted by this version
};

struct Record {
  RecordType type = RecordType::kPut;
  Version version;
  std::string_view key;
  std::string_view value;  // empty for kDelete
};

inline constexpr size_t kRecordHeaderSize = 9;      // crc + length + type
inline constexpr size_t kRecordBodyFixedSize = 16;  // timestamp + node id + key length
inline constexpr size_t kMaxRecordBody = size_t{64} << 20;

// The hash catch-up filters on: memdb::KeyHash, the store's and the ring's.
using memdb::KeyHash;

// Bytes the encoded record takes.
inline size_t EncodedSize(const Record& r) {
  return kRecordHeaderSize + kRecordBodyFixedSize + r.key.size() + r.value.size();
}

// True when the record can be encoded (body within kMaxRecordBody, a known writable type,
// no value on a delete).
bool IsEncodable(const Record& r);

// Writes the encoded record to dst[0 .. EncodedSize(r)). `r` must be encodable.
void EncodeRecord(const Record& r, char* dst);
// Appends the encoded record to `out`.
void AppendRecord(const Record& r, std::string* out);

enum class DecodeStatus {
  kOk,
  kNeedMore,   // the input ends inside the record (header, or a body of plausible length)
  kBadLength,  // length field outside [16, kMaxRecordBody]
  kBadCrc,     // the checksum does not match
  kBadType,    // checksum fine but the type is unknown or not supported
  kBadBody,    // checksum fine but the body is inconsistent (key longer than the body, ...)
};

const char* DecodeStatusName(DecodeStatus s);

struct DecodeResult {
  DecodeStatus status;
  size_t size = 0;  // bytes of the whole record when kOk (or the claimed size for kNeedMore
                    // once the header is complete)
};

// Decodes the record at the start of `input`. On kOk, `*out` views `input`.
DecodeResult DecodeRecord(std::string_view input, Record* out);

}  // namespace memdb::oplog

#endif  // MEMDB_OPLOG_RECORD_H_

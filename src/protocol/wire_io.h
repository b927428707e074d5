// Internal to memdb_protocol: the helpers every message encoder and parser of src/protocol
// shares (messages.cc, cluster_messages.cc) — one copy of the frame-start and field-parsing
// code. Not part of any public or cross-module API.
//
// Encoders: StartRequest/StartResponse reserve room for the whole frame and write its header;
// the caller writes exactly the announced body and calls FrameWriter::Finish().
// Parsers: a Parser reads the fields of one body in order, records the first failure as a
// Status naming the message and the field, and turns every later call into a no-op.
#ifndef MEMDB_PROTOCOL_WIRE_IO_H_
#define MEMDB_PROTOCOL_WIRE_IO_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "memdb/status.h"
#include "memdb/version.h"
#include "protocol/codec.h"
#include "protocol/frame.h"

namespace memdb::protocol::wire_io {

inline constexpr size_t kLengthPrefix = 4;  // the u32 in front of every "bytes" field

// Makes room for `extra` more bytes with a single allocation at most. Grows geometrically so
// that coalescing many frames into one buffer stays amortised O(1) whatever the library's
// reserve() policy is.
inline void ReserveFor(std::string* out, size_t extra) {
  const size_t need = out->size() + extra;
  if (need > out->capacity()) out->reserve(std::max(need, 2 * out->capacity()));
}

// Reserves room for the whole frame and writes its header; the caller writes exactly
// `body_size` bytes of body and calls Finish().
inline FrameWriter StartFrame(std::string* out, uint8_t opcode, bool response, Code status,
                              uint32_t request_id, Timestamp ts, size_t body_size) {
  ReserveFor(out, kHeaderSize + body_size);
  FrameHeader header;
  header.opcode = opcode;
  header.flags = response ? kFlagResponse : 0;
  header.status = status;
  header.request_id = request_id;
  header.timestamp = ts;
  FrameWriter w(out);
  w.Begin(header);
  return w;
}

inline FrameWriter StartRequest(std::string* out, Opcode opcode, uint32_t request_id, Timestamp ts,
                                size_t body_size) {
  return StartFrame(out, static_cast<uint8_t>(opcode), /*response=*/false, Code::kOk, request_id,
                    ts, body_size);
}

inline FrameWriter StartResponse(std::string* out, Opcode opcode, uint32_t request_id, Timestamp ts,
                                 size_t body_size) {
  return StartFrame(out, static_cast<uint8_t>(opcode), /*response=*/true, Code::kOk, request_id, ts,
                    body_size);
}

// A BodyReader that records the first failure in `*status` as a Status naming the message and
// field, e.g. "SET request: key is 70000 bytes, limit is 65536". After a failure every call is a
// no-op that returns false, so a parser can read all its fields and check once at the end.
// Strings are only built on the error path; on the success path the caller's Status (returned
// by NRVO) is never touched.
class Parser {
 public:
  Parser(std::string_view body, const char* what, Status* status)
      : reader_(body), what_(what), status_(status) {}

  bool U8(const char* field, uint8_t* v) { return Need(field, 1) && reader_.GetU8(v); }
  bool U16(const char* field, uint16_t* v) { return Need(field, 2) && reader_.GetU16(v); }
  bool U32(const char* field, uint32_t* v) { return Need(field, 4) && reader_.GetU32(v); }
  bool U64(const char* field, uint64_t* v) { return Need(field, 8) && reader_.GetU64(v); }

  // A u8 that must be 0 or 1.
  bool Bool(const char* field, bool* v) {
    uint8_t b = 0;
    if (!Need(field, 1) || !reader_.GetU8(&b)) return false;
    if (b > 1) return NotABool(field, b);
    *v = b == 1;
    return true;
  }

  // u32 length + bytes. A length over `limit` fails with `over_limit` before the remaining body
  // is looked at; a length past the end of the body fails with kBadRequest.
  bool Bytes(const char* field, uint32_t limit, Code over_limit, std::string_view* out) {
    uint32_t len = 0;
    if (!Need(field, 4, " length") || !reader_.GetU32(&len)) return false;
    if (len > limit) return OverLimit(field, len, limit, over_limit);
    return Raw(field, len, out);
  }

  // Exactly `n` bytes with no length prefix.
  bool Raw(const char* field, size_t n, std::string_view* out) {
    return Need(field, n) && reader_.GetRaw(n, out);
  }

  // A u32 element count that must be at most `limit` and, since each element takes at least
  // `min_element_bytes`, must fit in what remains of the body: checked before the caller
  // reserves memory for the elements, so a hostile count cannot make it allocate.
  bool Count(const char* field, uint32_t limit, size_t min_element_bytes, uint32_t* v) {
    if (!U32(field, v)) return false;
    if (*v > limit || (min_element_bytes > 0 && *v > reader_.remaining() / min_element_bytes)) {
      return BadCount(field, *v, limit);
    }
    return true;
  }

  // Records a failure found by the caller (e.g. a field value out of range).
  [[gnu::noinline, gnu::cold]] bool Invalid(const std::string& detail) {
    return Fail(Code::kBadRequest, detail);
  }

  bool failed() const { return failed_; }
  size_t remaining() const { return reader_.remaining(); }

  // Records trailing bytes as the failure, unless an earlier one was recorded.
  void Finish() {
    if (!failed_ && !reader_.AtEnd()) TrailingBytes();
  }

 private:
  // Checks that `n` more bytes are there for `field`.
  bool Need(const char* field, size_t n, const char* suffix = "") {
    if (failed_) return false;
    if (reader_.remaining() >= n) return true;
    return Truncated(field, n, suffix);
  }

  // The error paths, out of line so that the success path inlines into each Parse*.
  [[gnu::noinline, gnu::cold]] bool Truncated(const char* field, size_t n, const char* suffix) {
    return Fail(Code::kBadRequest, "body ends inside " + std::string(field) + suffix + " (needs " +
                                       std::to_string(n) + " bytes, " +
                                       std::to_string(reader_.remaining()) + " left)");
  }
  [[gnu::noinline, gnu::cold]] bool OverLimit(const char* field, uint32_t len, uint32_t limit,
                                              Code code) {
    return Fail(code, std::string(field) + " is " + std::to_string(len) + " bytes, limit is " +
                          std::to_string(limit));
  }
  [[gnu::noinline, gnu::cold]] bool NotABool(const char* field, uint8_t b) {
    return Fail(Code::kBadRequest,
                std::string(field) + " must be 0 or 1, got " + std::to_string(b));
  }
  [[gnu::noinline, gnu::cold]] bool BadCount(const char* field, uint32_t n, uint32_t limit) {
    return Fail(Code::kBadRequest, std::string(field) + " " + std::to_string(n) +
                                       " does not fit the body or exceeds " +
                                       std::to_string(limit));
  }
  [[gnu::noinline, gnu::cold]] void TrailingBytes() {
    Fail(Code::kBadRequest,
         std::to_string(reader_.remaining()) + " unexpected bytes after the end of the body");
  }
  bool Fail(Code code, const std::string& detail) {
    if (failed_) return false;
    failed_ = true;
    *status_ = Status(code, std::string(what_) + ": " + detail);
    return false;
  }

  BodyReader reader_;
  const char* what_;
  Status* status_;
  bool failed_ = false;
};

}  // namespace memdb::protocol::wire_io

#endif  // MEMDB_PROTOCOL_WIRE_IO_H_

// Frame codec: a pure, incremental decoder and an encoder into a caller-owned buffer.
//
// Decoding never allocates and never reads past `input`. Callers accumulate bytes and call
// DecodeFrame on what they have; kNeedMore means "call again with more bytes" (nothing is
// consumed). The header is validated — magic, version, flags, status, length against
// Limits — before the body is awaited, so an oversize length is rejected without buffering.
// Fields are checked as soon as their bytes are present, even in a partial header: garbage such
// as an HTTP request is rejected after 2 bytes rather than after 24.
//
// Thread-safety: DecodeFrame is a pure function; FrameWriter and BodyReader are plain values
// owned by one thread at a time.
#ifndef MEMDB_PROTOCOL_CODEC_H_
#define MEMDB_PROTOCOL_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/endian.h"
#include "memdb/status.h"
#include "protocol/frame.h"

namespace memdb::protocol {

enum class DecodeStatus : uint8_t {
  kFrame,     // `frame` is valid; `consumed` = kHeaderSize + body_length
  kNeedMore,  // not enough bytes yet; `consumed` = 0, `needed` = total bytes required so far
  kError,     // see `error`, `error_message`, `fatal`
};

struct DecodeResult {
  DecodeStatus status = DecodeStatus::kNeedMore;
  size_t consumed = 0;
  size_t needed = 0;
  Frame frame;
  // kError only:
  Code error = Code::kOk;
  std::string_view error_message;  // static string
  // fatal: the stream cannot be resynchronised (bad magic/version/flags, oversize length);
  // the connection must be closed after replying. Non-fatal (unknown opcode): `consumed`
  // skips the whole frame, `frame.header` is filled so the reply can echo the request id.
  // For a fatal error found once all kHeaderSize bytes were present, `frame.header` is filled
  // too (raw, untrusted) so the reply can echo the request id; otherwise it is default.
  // For kUnknownOpcode `frame.body` is also set (a client may match such a response by id).
  bool fatal = true;
};

// Decodes one frame from the start of `input`.
// Request-side checks (used by the server): `expect_response` false rejects frames with the
// response flag; true (client side) requires it.
// Errors, in wire order of the field checked:
//   bad magic, reserved flag bits, wrong response flag, NOT_OWNER flag on a request,
//   non-zero status in a request, response status >= 1000 (not a wire code)  -> kBadFrame
//   version != kProtocolVersion                                              -> kUnsupportedVersion
//   body_length > limits.max_frame_bytes                                     -> kFrameTooLarge
//   (all fatal); then, once the whole frame is present, an opcode this build does not know
//   -> kUnknownOpcode, non-fatal. A response with a non-zero status is a valid kFrame.
DecodeResult DecodeFrame(std::string_view input, const Limits& limits, bool expect_response);

// Appends a frame to `out`. The body is written by the caller between Begin and Finish:
//
//   FrameWriter w(&buf);
//   w.Begin(header_without_length);
//   w.PutBytes(key); w.PutBytes(value);
//   w.Finish();          // patches body_length
//
// `out` is never cleared: many frames can be coalesced into one buffer for a single write.
class FrameWriter {
 public:
  explicit FrameWriter(std::string* out) : out_(out) {}

  void Begin(const FrameHeader& header);
  void PutU8(uint8_t v);
  void PutU16(uint16_t v);
  void PutU32(uint32_t v);
  void PutU64(uint64_t v);
  // u32 length + bytes.
  void PutBytes(std::string_view bytes);
  // Bytes with no length prefix (fixed-size fields such as a MAC).
  void PutRaw(std::string_view bytes);
  void Finish();

 private:
  std::string* out_;
  size_t header_offset_ = 0;
};

// Cursor over a frame body for message decoders: every Get checks the remaining length and
// returns false (leaving the cursor in an unspecified state) when it would overrun.
class BodyReader {
 public:
  explicit BodyReader(std::string_view body) : data_(body) {}

  bool GetU8(uint8_t* v);
  bool GetU16(uint16_t* v);
  bool GetU32(uint32_t* v);
  bool GetU64(uint64_t* v);
  // u32 length + bytes; the length is checked against both `max_len` and what remains.
  bool GetBytes(std::string_view* bytes, uint32_t max_len = UINT32_MAX);
  bool GetRaw(size_t n, std::string_view* bytes);
  bool AtEnd() const { return pos_ == data_.size(); }
  size_t remaining() const { return data_.size() - pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// ---- inline definitions: the per-field calls of every encoder and parser (hot path) ----

inline void FrameWriter::PutU8(uint8_t v) { memdb::PutU8(out_, v); }
inline void FrameWriter::PutU16(uint16_t v) { memdb::PutU16(out_, v); }
inline void FrameWriter::PutU32(uint32_t v) { memdb::PutU32(out_, v); }
inline void FrameWriter::PutU64(uint64_t v) { memdb::PutU64(out_, v); }
inline void FrameWriter::PutBytes(std::string_view bytes) {
  memdb::PutU32(out_, static_cast<uint32_t>(bytes.size()));
  out_->append(bytes);
}
inline void FrameWriter::PutRaw(std::string_view bytes) { out_->append(bytes); }

inline bool BodyReader::GetU8(uint8_t* v) {
  if (remaining() < 1) return false;
  *v = static_cast<uint8_t>(data_[pos_]);
  pos_ += 1;
  return true;
}
inline bool BodyReader::GetU16(uint16_t* v) {
  if (remaining() < 2) return false;
  *v = DecodeU16(data_.data() + pos_);
  pos_ += 2;
  return true;
}
inline bool BodyReader::GetU32(uint32_t* v) {
  if (remaining() < 4) return false;
  *v = DecodeU32(data_.data() + pos_);
  pos_ += 4;
  return true;
}
inline bool BodyReader::GetU64(uint64_t* v) {
  if (remaining() < 8) return false;
  *v = DecodeU64(data_.data() + pos_);
  pos_ += 8;
  return true;
}
inline bool BodyReader::GetRaw(size_t n, std::string_view* bytes) {
  if (remaining() < n) return false;
  *bytes = std::string_view(data_.data() + pos_, n);
  pos_ += n;
  return true;
}
inline bool BodyReader::GetBytes(std::string_view* bytes, uint32_t max_len) {
  uint32_t len;
  if (!GetU32(&len) || len > max_len) return false;
  return GetRaw(len, bytes);
}

}  // namespace memdb::protocol

#endif  // MEMDB_PROTOCOL_CODEC_H_

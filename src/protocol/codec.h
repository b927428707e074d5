// Frame codec: a pure, incremental decoder and an encoder into a caller-owned buffer.
//
// Decoding never allocates and never reads past `input`. Callers accumulate bytes and call
// DecodeFrame on what they have; kNeedMore means "call again with more bytes" (nothing is
// consumed). The header is validated — magic, version, flags, status, length against
// Limits — before the body is awaited, so an oversize length is rejected without buffering.
#ifndef MEMDB_PROTOCOL_CODEC_H_
#define MEMDB_PROTOCOL_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

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
  bool fatal = true;
};

// Decodes one frame from the start of `input`.
// Request-side checks (used by the server): `expect_response` false rejects frames with the
// response flag; true (client side) requires it.
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

}  // namespace memdb::protocol

#endif  // MEMDB_PROTOCOL_CODEC_H_

#include "protocol/codec.h"

#include "common/endian.h"

namespace memdb::protocol {

// ---------------------------------------------------------------------------------------------
// Decoder
// ---------------------------------------------------------------------------------------------

namespace {

// Header field offsets (frame.h).
constexpr size_t kOffMagic = 0;
constexpr size_t kOffVersion = 2;
constexpr size_t kOffOpcode = 3;
constexpr size_t kOffFlags = 4;
constexpr size_t kOffStatus = 6;
constexpr size_t kOffRequestId = 8;
constexpr size_t kOffBodyLength = 12;
constexpr size_t kOffTimestamp = 16;
static_assert(kOffTimestamp + 8 == kHeaderSize);

struct HeaderError {
  Code code;
  const char* message;
};

// Validates the header fields whose bytes are all within the first `n` bytes (n <= kHeaderSize),
// in wire order. Checking a partial header lets garbage be rejected as soon as it shows, without
// waiting for a full header that may never come. Returns nullptr when nothing is wrong so far.
inline const HeaderError* CheckHeaderBytes(const char* p, size_t n, const Limits& limits,
                                           bool expect_response) {
  static constexpr HeaderError kBadMagic{Code::kBadFrame, "bad magic (expected bytes 4d 44)"};
  static constexpr HeaderError kBadVersion{Code::kUnsupportedVersion,
                                           "unsupported protocol version"};
  static constexpr HeaderError kReservedFlags{Code::kBadFrame, "reserved flag bits set"};
  static constexpr HeaderError kUnexpectedResponse{Code::kBadFrame,
                                                   "response frame where a request was expected"};
  static constexpr HeaderError kUnexpectedRequest{Code::kBadFrame,
                                                  "request frame where a response was expected"};
  static constexpr HeaderError kRequestStatus{Code::kBadFrame, "non-zero status in a request"};
  static constexpr HeaderError kRequestNotOwner{Code::kBadFrame,
                                                "NOT_OWNER flag on a request (responses only)"};
  static constexpr HeaderError kNotWireCode{Code::kBadFrame,
                                            "response status is not a wire status code"};
  static constexpr HeaderError kTooLarge{Code::kFrameTooLarge,
                                         "body length exceeds limits.max_frame_bytes"};

  if (n >= kOffMagic + 2 && DecodeU16(p + kOffMagic) != kMagic) return &kBadMagic;
  if (n >= kOffVersion + 1 && static_cast<uint8_t>(p[kOffVersion]) != kProtocolVersion) {
    return &kBadVersion;
  }
  if (n >= kOffFlags + 2) {
    const uint16_t flags = DecodeU16(p + kOffFlags);
    if ((flags & ~kKnownFlags) != 0) return &kReservedFlags;
    const bool is_response = (flags & kFlagResponse) != 0;
    if (is_response != expect_response) {
      return expect_response ? &kUnexpectedRequest : &kUnexpectedResponse;
    }
    if (!is_response && (flags & kFlagNotOwner) != 0) return &kRequestNotOwner;
  }
  if (n >= kOffStatus + 2) {
    const uint16_t status = DecodeU16(p + kOffStatus);
    if (!expect_response && status != 0) return &kRequestStatus;
    if (expect_response && !IsWireCode(static_cast<Code>(status))) return &kNotWireCode;
  }
  if (n >= kOffBodyLength + 4 && DecodeU32(p + kOffBodyLength) > limits.max_frame_bytes) {
    return &kTooLarge;
  }
  return nullptr;
}

inline void ReadHeader(const char* p, FrameHeader* h) {
  h->version = static_cast<uint8_t>(p[kOffVersion]);
  h->opcode = static_cast<uint8_t>(p[kOffOpcode]);
  h->flags = DecodeU16(p + kOffFlags);
  h->status = static_cast<Code>(DecodeU16(p + kOffStatus));
  h->request_id = DecodeU32(p + kOffRequestId);
  h->body_length = DecodeU32(p + kOffBodyLength);
  h->timestamp = DecodeU64(p + kOffTimestamp);
}

inline void SetError(DecodeResult* r, Code code, const char* message, bool fatal) {
  r->status = DecodeStatus::kError;
  r->error = code;
  r->error_message = message;
  r->fatal = fatal;
}

}  // namespace

DecodeResult DecodeFrame(std::string_view input, const Limits& limits, bool expect_response) {
  DecodeResult r;
  const char* p = input.data();
  const size_t have = input.size();

  if (have < kHeaderSize) [[unlikely]] {
    if (const HeaderError* e = CheckHeaderBytes(p, have, limits, expect_response)) {
      SetError(&r, e->code, e->message, /*fatal=*/true);
      return r;
    }
    r.needed = kHeaderSize;
    return r;
  }

  ReadHeader(p, &r.frame.header);
  if (const HeaderError* e = CheckHeaderBytes(p, kHeaderSize, limits, expect_response))
      [[unlikely]] {
    SetError(&r, e->code, e->message, /*fatal=*/true);
    return r;
  }

  const size_t total = kHeaderSize + r.frame.header.body_length;
  if (have < total) {
    r.needed = total;
    return r;
  }
  r.frame.body = std::string_view(p + kHeaderSize, r.frame.header.body_length);
  r.consumed = total;
  if (!IsKnownOpcode(r.frame.header.opcode)) [[unlikely]] {
    SetError(&r, Code::kUnknownOpcode, "unknown opcode", /*fatal=*/false);
    return r;
  }
  r.status = DecodeStatus::kFrame;
  return r;
}

// ---------------------------------------------------------------------------------------------
// FrameWriter
// ---------------------------------------------------------------------------------------------

void FrameWriter::Begin(const FrameHeader& header) {
  header_offset_ = out_->size();
  char buf[kHeaderSize];
  EncodeU16(buf + kOffMagic, kMagic);
  buf[kOffVersion] = static_cast<char>(header.version);
  buf[kOffOpcode] = static_cast<char>(header.opcode);
  EncodeU16(buf + kOffFlags, header.flags);
  EncodeU16(buf + kOffStatus, static_cast<uint16_t>(header.status));
  EncodeU32(buf + kOffRequestId, header.request_id);
  EncodeU32(buf + kOffBodyLength, 0);  // patched by Finish
  EncodeU64(buf + kOffTimestamp, header.timestamp);
  out_->append(buf, kHeaderSize);
}

void FrameWriter::Finish() {
  const size_t body_length = out_->size() - header_offset_ - kHeaderSize;
  EncodeU32(out_->data() + header_offset_ + kOffBodyLength, static_cast<uint32_t>(body_length));
}

// BodyReader: defined inline in codec.h.

}  // namespace memdb::protocol

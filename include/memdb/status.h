// memdb::Status — the error value used by the core, the protocol and the client library.
//
// Codes below 1000 travel on the wire (a response frame's status field); the table in
// docs/protocol.md lists them and is the source of truth. Codes from 1000 up are local to a
// process (a client that could not connect, a bad argument) and never sent.
#ifndef MEMDB_STATUS_H_
#define MEMDB_STATUS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace memdb {

enum class Code : uint16_t {
  kOk = 0,
  // Framing: the connection is closed after the error reply.
  kBadFrame = 1,            // malformed header or reserved bits set
  kUnsupportedVersion = 2,  // protocol version not spoken by this peer
  kFrameTooLarge = 4,       // body length over the configured max frame size
  // Request-level: the connection stays usable.
  kUnknownOpcode = 3,  // opcode not defined, or reserved for a later feature
  kKeyTooLarge = 5,
  kValueTooLarge = 6,
  kBadRequest = 7,          // body does not parse for this opcode
  kAuthRequired = 8,        // data request before AUTH succeeded (connection then closed)
  kAuthFailed = 9,          // unknown key id or wrong MAC (connection then closed)
  kProtocolViolation = 10,  // handshake step out of order (connection then closed)
  kTooManyConnections = 11,
  kTimeout = 12,
  kShuttingDown = 13,
  kNotImplemented = 14,
  kInternal = 15,
  kClockSkew = 16,         // request timestamp too far ahead of this node's clock
  kPermissionDenied = 17,  // a node-to-node opcode from a session not authenticated as a peer
  kUnavailable = 18,       // too few of the key's replicas up (or answering) for the level
  // Local only, never on the wire.
  kInvalidArgument = 1000,
  kConnectionFailed = 1001,  // could not connect, or the connection broke
  kIoError = 1002,
  kCorruption = 1003,
  kNotFound = 1004,
};

// Stable upper-snake name of a code ("KEY_TOO_LARGE"); "UNKNOWN(n)" for values not listed.
std::string CodeName(Code code);

// True for codes allowed in a response frame's status field.
constexpr bool IsWireCode(Code code) { return static_cast<uint16_t>(code) < 1000; }

class Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "KEY_TOO_LARGE: key is 70000 bytes, limit 65536"
  std::string ToString() const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace memdb

#endif  // MEMDB_STATUS_H_

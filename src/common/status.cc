#include "memdb/status.h"

#include <string>

namespace memdb {

std::string CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "OK";
    case Code::kBadFrame:
      return "BAD_FRAME";
    case Code::kUnsupportedVersion:
      return "UNSUPPORTED_VERSION";
    case Code::kUnknownOpcode:
      return "UNKNOWN_OPCODE";
    case Code::kFrameTooLarge:
      return "FRAME_TOO_LARGE";
    case Code::kKeyTooLarge:
      return "KEY_TOO_LARGE";
    case Code::kValueTooLarge:
      return "VALUE_TOO_LARGE";
    case Code::kBadRequest:
      return "BAD_REQUEST";
    case Code::kAuthRequired:
      return "AUTH_REQUIRED";
    case Code::kAuthFailed:
      return "AUTH_FAILED";
    case Code::kProtocolViolation:
      return "PROTOCOL_VIOLATION";
    case Code::kTooManyConnections:
      return "TOO_MANY_CONNECTIONS";
    case Code::kTimeout:
      return "TIMEOUT";
    case Code::kShuttingDown:
      return "SHUTTING_DOWN";
    case Code::kNotImplemented:
      return "NOT_IMPLEMENTED";
    case Code::kInternal:
      return "INTERNAL";
    case Code::kClockSkew:
      return "CLOCK_SKEW";
    case Code::kPermissionDenied:
      return "PERMISSION_DENIED";
    case Code::kUnavailable:
      return "UNAVAILABLE";
    case Code::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case Code::kConnectionFailed:
      return "CONNECTION_FAILED";
    case Code::kIoError:
      return "IO_ERROR";
    case Code::kCorruption:
      return "CORRUPTION";
    case Code::kNotFound:
      return "NOT_FOUND";
  }
  return "UNKNOWN(" + std::to_string(static_cast<uint16_t>(code)) + ")";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  if (message_.empty()) return CodeName(code_);
  return CodeName(code_) + ": " + message_;
}

}  // namespace memdb

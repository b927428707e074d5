#include "clients/cli/reply.h"

#include <utility>

namespace memdb::cli {

CliError ErrorFromStatus(const Status& status) {
  ExitCode exit_code = kExitCommandError;
  switch (status.code()) {
    case Code::kConnectionFailed:
    case Code::kAuthFailed:
    case Code::kAuthRequired:
    case Code::kProtocolViolation:
    case Code::kUnsupportedVersion:
    case Code::kTooManyConnections:
    case Code::kShuttingDown:
    case Code::kTimeout:
    case Code::kBadFrame:
    case Code::kCorruption:
      exit_code = kExitConnection;
      break;
    default:
      break;
  }
  return CliError{CodeName(status.code()), status.message(), exit_code};
}

CliError UsageError(std::string message) {
  return CliError{"USAGE", std::move(message), kExitUsage};
}

Reply Reply::None() { return Reply(); }

Reply Reply::Word(std::string word) {
  Reply r;
  r.kind = Kind::kWord;
  r.text = std::move(word);
  return r;
}

Reply Reply::Nil() {
  Reply r;
  r.kind = Kind::kNil;
  return r;
}

Reply Reply::Value(std::string bytes, Version version) {
  Reply r;
  r.kind = Kind::kValue;
  r.text = std::move(bytes);
  r.version = version;
  return r;
}

Reply Reply::Integer(std::string field, int64_t value) {
  Reply r;
  r.kind = Kind::kInteger;
  r.field = std::move(field);
  r.integer = value;
  return r;
}

Reply Reply::Bool(std::string field, bool value) {
  Reply r;
  r.kind = Kind::kBool;
  r.field = std::move(field);
  r.boolean = value;
  return r;
}

Reply Reply::Stats(std::vector<std::pair<std::string, uint64_t>> stats) {
  Reply r;
  r.kind = Kind::kStats;
  r.stats = std::move(stats);
  return r;
}

Reply Reply::Text(std::string text) {
  Reply r;
  r.kind = Kind::kText;
  r.text = std::move(text);
  return r;
}

Reply Reply::Report(std::string human, std::string raw, std::string json_members) {
  Reply r;
  r.kind = Kind::kReport;
  r.text = std::move(human);
  r.raw = std::move(raw);
  r.json_members = std::move(json_members);
  return r;
}

Reply Reply::Error(CliError error) {
  Reply r;
  r.kind = Kind::kError;
  r.error = std::move(error);
  return r;
}

}  // namespace memdb::cli

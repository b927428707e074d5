#include "clients/cli/request_settings.h"

#include <charconv>
#include <cstdint>

#include "clients/cli/escape.h"
#include "memdb/request_options.h"

namespace memdb::cli {

Result<Consistency> ParseConsistencyLevel(std::string_view text, std::string_view what) {
  if (std::optional<Consistency> level = ParseConsistency(text)) return *level;
  return Status(Code::kInvalidArgument,
                "unknown consistency level '" + EscapeText(text) + "' (" + std::string(what) +
                    "): valid levels are one, quorum, all, and default (the node's setting)");
}

Result<std::chrono::milliseconds> ParseDeadlineMs(std::string_view text, std::string_view what) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end ||
      value > static_cast<uint64_t>(kMaxRequestDeadline.count())) {
    return Status(Code::kInvalidArgument,
                  "invalid deadline '" + EscapeText(text) + "' (" + std::string(what) +
                      "): expected milliseconds from 0 to 4294967295 (0 = the node's setting)");
  }
  return std::chrono::milliseconds(static_cast<int64_t>(value));
}

std::string DescribeConsistency(Consistency level) {
  if (level == Consistency::kDefault) return "default (the node's setting)";
  return std::string(ConsistencyName(level));
}

std::string DescribeDeadline(std::chrono::milliseconds deadline) {
  if (deadline.count() == 0) return "0 (the node's replication.request_timeout_ms)";
  return std::to_string(deadline.count()) + " ms";
}

}  // namespace memdb::cli

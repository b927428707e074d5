#include "clients/cli/output.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <set>
#include <string_view>
#include <vector>

#include "clients/cli/escape.h"

namespace memdb::cli {
namespace {

std::string FormatLatency(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f", ms);
  return buf;
}

// ---- human ----

std::string HumanStats(const Reply& reply, const EscapeOptions& escape) {
  std::vector<std::string> names;
  size_t width = 0;
  for (const auto& entry : reply.stats) {
    names.push_back(EscapeText(entry.first, escape));
    width = std::max(width, names.back().size());
  }
  std::string out;
  for (size_t i = 0; i < reply.stats.size(); ++i) {
    const auto& [name, value] = reply.stats[i];
    out += names[i];
    out.append(width + 2 - names[i].size(), ' ');
    out += std::to_string(value);
    if (name == "clock") out += " (" + DescribeTimestamp(value) + ")";
    out += '\n';
  }
  return out;
}

std::string HumanLine(const Reply& reply, const FormatOptions& options) {
  const EscapeOptions escape{options.utf8};
  switch (reply.kind) {
    case Reply::Kind::kNone:
      return "";
    case Reply::Kind::kWord: {
      std::string line = reply.text;
      if (options.verbose && reply.version) {
        line += " (version " + DescribeVersion(*reply.version) + ")";
      }
      if (options.verbose && reply.latency_ms) {
        line += " (" + FormatLatency(*reply.latency_ms) + " ms";
        if (reply.session_clock) {
          line += ", session clock " + std::to_string(*reply.session_clock) + " = " +
                  DescribeTimestamp(*reply.session_clock);
        }
        line += ")";
      }
      return line + "\n";
    }
    case Reply::Kind::kNil:
      return "(nil)\n";
    case Reply::Kind::kValue: {
      std::string line = QuoteBytes(reply.text, escape);
      if (options.verbose && reply.version) {
        line += " (version " + DescribeVersion(*reply.version) + ")";
      }
      return line + "\n";
    }
    case Reply::Kind::kInteger:
      return "(integer) " + std::to_string(reply.integer) + "\n";
    case Reply::Kind::kBool:
      return reply.boolean ? "true\n" : "false\n";
    case Reply::Kind::kStats:
      return HumanStats(reply, escape);
    case Reply::Kind::kText:
    case Reply::Kind::kReport:
      return reply.text;
    case Reply::Kind::kError:
      return "(error) " + reply.error.code + ": " + EscapeText(reply.error.message, escape) + "\n";
  }
  return "";
}

// ---- JSON ----

std::string Json(const Reply& reply) {
  if (reply.kind == Reply::Kind::kNone) return "";
  std::string j = "{\"ok\":" + JsonBool(reply.ok());
  if (!reply.command.empty()) j += ",\"command\":" + JsonString(reply.command);
  switch (reply.kind) {
    case Reply::Kind::kNone:
      break;
    case Reply::Kind::kWord:
      j += ",\"reply\":" + JsonString(reply.text);
      if (reply.version) j += ",\"version\":" + VersionJson(*reply.version);
      if (reply.latency_ms) j += ",\"latency_ms\":" + FormatLatency(*reply.latency_ms);
      if (reply.session_clock) {
        j += ",\"session_clock\":\"" + std::to_string(*reply.session_clock) + "\"";
      }
      break;
    case Reply::Kind::kNil:
      j += ",\"found\":false,\"value\":null";
      break;
    case Reply::Kind::kValue:
      j += ",\"found\":true";
      if (IsValidUtf8(reply.text)) {
        j += ",\"value\":" + JsonString(reply.text);
      } else {
        j += ",\"value_base64\":\"" + Base64Encode(reply.text) + "\"";
      }
      if (reply.version) j += ",\"version\":" + VersionJson(*reply.version);
      break;
    case Reply::Kind::kInteger:
      j += "," + JsonString(reply.field) + ":" + std::to_string(reply.integer);
      break;
    case Reply::Kind::kBool:
      j += "," + JsonString(reply.field) + ":" + JsonBool(reply.boolean);
      break;
    case Reply::Kind::kStats: {
      j += ",\"stats\":{";
      std::set<std::string_view> seen;  // a repeated name keeps its first value
      for (const auto& [name, value] : reply.stats) {
        if (!seen.insert(name).second) continue;
        if (seen.size() > 1) j += ",";
        j += JsonString(name) + ":" + JsonU64(value);
      }
      j += "}";
      break;
    }
    case Reply::Kind::kText:
      j += ",\"text\":" + JsonString(reply.text);
      break;
    case Reply::Kind::kReport:
      if (!reply.json_members.empty()) j += "," + reply.json_members;
      break;
    case Reply::Kind::kError:
      j += ",\"error\":{\"code\":" + JsonString(reply.error.code) +
           ",\"message\":" + JsonString(reply.error.message) + "}";
      break;
  }
  return j + "}\n";
}

// ---- raw ----

Rendered Raw(const Reply& reply, const FormatOptions& options) {
  Rendered r;
  const std::string end = options.raw_value_newline ? "\n" : "";
  switch (reply.kind) {
    case Reply::Kind::kNone:
      break;
    case Reply::Kind::kWord:
      r.out = reply.text + "\n";
      break;
    case Reply::Kind::kNil:
      r.out = end;
      break;
    case Reply::Kind::kValue:
      r.out = reply.text + end;
      break;
    case Reply::Kind::kInteger:
      r.out = std::to_string(reply.integer) + "\n";
      break;
    case Reply::Kind::kBool:
      r.out = JsonBool(reply.boolean) + "\n";
      break;
    case Reply::Kind::kStats:
      for (const auto& [name, value] : reply.stats) {
        r.out += name + "\t" + std::to_string(value) + "\n";
      }
      break;
    case Reply::Kind::kText:
      r.out = reply.text;
      break;
    case Reply::Kind::kReport:
      r.out = reply.raw;
      break;
    case Reply::Kind::kError:
      r.err = "(error) " + reply.error.code + ": " + EscapeText(reply.error.message) + "\n";
      break;
  }
  return r;
}

}  // namespace

Rendered RenderReply(const Reply& reply, const FormatOptions& options) {
  switch (options.mode) {
    case OutputMode::kHuman:
      return Rendered{HumanLine(reply, options), ""};
    case OutputMode::kJson:
      return Rendered{Json(reply), ""};
    case OutputMode::kRaw:
      return Raw(reply, options);
  }
  return {};
}

std::string DescribeTimestamp(Timestamp timestamp) {
  const uint64_t millis = HlcMillis(timestamp);
  const time_t seconds = static_cast<time_t>(millis / 1000);
  std::tm tm{};
  char date[32] = "?";
  if (gmtime_r(&seconds, &tm) != nullptr) {
    std::strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
  }
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%s.%03u UTC +%u", date, static_cast<unsigned>(millis % 1000),
                static_cast<unsigned>(HlcLogical(timestamp)));
  return buf;
}

std::string DescribeVersion(const Version& version) {
  return std::to_string(version.timestamp) + " = " + DescribeTimestamp(version.timestamp) +
         ", node " + std::to_string(version.node_id);
}

std::string VersionJson(const Version& version) {
  return "{\"timestamp\":\"" + std::to_string(version.timestamp) +
         "\",\"millis\":" + std::to_string(HlcMillis(version.timestamp)) +
         ",\"logical\":" + std::to_string(HlcLogical(version.timestamp)) +
         ",\"node_id\":" + std::to_string(version.node_id) + "}";
}

}  // namespace memdb::cli

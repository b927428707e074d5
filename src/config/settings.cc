#include "config/settings.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

namespace memdb::config {

namespace {

constexpr uint32_t kU32Max = std::numeric_limits<uint32_t>::max();
constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();
constexpr uint64_t kMaxSegmentBytes = uint64_t{1} << 40;

// clang-format off
const Setting kSettings[] = {
    // ---- server ----
    {"server.bind", "--bind", Kind::kString, 0, 0, "", "ADDR",
     "Address to listen on (IP literal or host name)",
     [](Config* c) -> FieldRef { return &c->server.bind; }},
    {"server.port", "--port", Kind::kUint, 0, 65535, "a valid port", "PORT",
     "TCP port for clients and peers; 0 = pick an ephemeral port",
     [](Config* c) -> FieldRef { return &c->server.port; }},
    {"server.max_connections", "", Kind::kUint, 1, kU32Max, "a valid connection count", "N",
     "Connections accepted at once; more are refused with TOO_MANY_CONNECTIONS",
     [](Config* c) -> FieldRef { return &c->server.max_connections; }},
    {"server.idle_timeout_ms", "", Kind::kUint, 0, kU32Max, "a duration in milliseconds", "MS",
     "Close authenticated connections idle this long; 0 = never",
     [](Config* c) -> FieldRef { return &c->server.idle_timeout_ms; }},
    {"server.handshake_timeout_ms", "", Kind::kUint, 1, kU32Max, "a duration in milliseconds",
     "MS", "HELLO and AUTH must complete within this, or the connection is closed",
     [](Config* c) -> FieldRef { return &c->server.handshake_timeout_ms; }},
    {"server.shutdown_grace_ms", "", Kind::kUint, 0, kU32Max, "a duration in milliseconds", "MS",
     "On SIGTERM, time given to in-flight requests before connections are closed",
     [](Config* c) -> FieldRef { return &c->server.shutdown_grace_ms; }},
    {"server.max_output_buffer_bytes", "", Kind::kUint, 1, kU32Max, "a size in bytes", "BYTES",
     "Per connection: stop reading requests while more than this many reply bytes are queued",
     [](Config* c) -> FieldRef { return &c->server.max_output_buffer_bytes; }},
    // ---- limits ----
    {"limits.max_frame_bytes", "", Kind::kUint, 1, kU32Max, "a size in bytes", "BYTES",
     "Largest frame body accepted; must hold max_key_bytes + max_value_bytes + 64",
     [](Config* c) -> FieldRef { return &c->limits.max_frame_bytes; }},
    {"limits.max_key_bytes", "", Kind::kUint, 1, kU32Max, "a size in bytes", "BYTES",
     "Largest key accepted",
     [](Config* c) -> FieldRef { return &c->limits.max_key_bytes; }},
    {"limits.max_value_bytes", "", Kind::kUint, 1, kU32Max, "a size in bytes", "BYTES",
     "Largest value accepted",
     [](Config* c) -> FieldRef { return &c->limits.max_value_bytes; }},
    // ---- auth ----
    {"auth.enabled", "", Kind::kBool, 0, 0, "", "BOOL",
     "Require every client to authenticate with a key (the flag alone means true)",
     [](Config* c) -> FieldRef { return &c->auth.enabled; }},
    {"auth.client_keys", "", Kind::kClientKeys, 0, 0, "", "ID:SECRET",
     "A client key; repeat for more. Replaces the keys given by env and YAML",
     [](Config* c) -> FieldRef { return &c->auth.client_keys; }},
    {"auth.client_keys_file", "", Kind::kString, 0, 0, "", "PATH",
     "File of id:secret lines, added to auth.client_keys; \"\" = none",
     [](Config* c) -> FieldRef { return &c->auth.client_keys_file; }},
    {"auth.cluster_key", "", Kind::kSecret, 0, 0, "", "SECRET",
     "Secret shared by the nodes of a cluster",
     [](Config* c) -> FieldRef { return &c->auth.cluster_key; }},
    // ---- cluster ----
    {"cluster.name", "", Kind::kString, 0, 0, "", "NAME",
     "Name of the cluster; nodes ignore gossip from a cluster of another name",
     [](Config* c) -> FieldRef { return &c->cluster.name; }},
    {"cluster.seeds", "", Kind::kStringList, 0, 0, "", "HOST:PORT,...",
     "Nodes to contact at start (host:port, comma-separated); empty = a one-node cluster",
     [](Config* c) -> FieldRef { return &c->cluster.seeds; }},
    {"cluster.advertise", "", Kind::kString, 0, 0, "", "HOST:PORT",
     "Address other nodes and clients reach this node at; \"\" = server.bind:server.port",
     [](Config* c) -> FieldRef { return &c->cluster.advertise; }},
    {"cluster.tokens_per_node", "", Kind::kUint, 1, 4096, "a token count", "N",
     "Ring tokens (virtual nodes) chosen at this node's first start; later starts keep theirs",
     [](Config* c) -> FieldRef { return &c->cluster.tokens_per_node; }},
    {"cluster.gossip_interval_ms", "", Kind::kUint, 10, 60000, "a duration in milliseconds",
     "MS", "Time between two gossip rounds",
     [](Config* c) -> FieldRef { return &c->cluster.gossip_interval_ms; }},
    {"cluster.phi_threshold", "", Kind::kRatio, 1, 100, "a phi threshold", "PHI",
     "Failure detector: a peer is down once its suspicion (phi) reaches this",
     [](Config* c) -> FieldRef { return &c->cluster.phi_threshold; }},
    {"cluster.peer_timeout_ms", "", Kind::kUint, 1, kU32Max, "a duration in milliseconds", "MS",
     "A request to another node fails if it is not answered within this",
     [](Config* c) -> FieldRef { return &c->cluster.peer_timeout_ms; }},
    {"cluster.peer_connect_timeout_ms", "", Kind::kUint, 1, kU32Max,
     "a duration in milliseconds", "MS",
     "Connecting and authenticating to another node must finish within this",
     [](Config* c) -> FieldRef { return &c->cluster.peer_connect_timeout_ms; }},
    // ---- top level ----
    {"data_dir", "", Kind::kString, 0, 0, "", "PATH",
     "Directory for the operation log and node state",
     [](Config* c) -> FieldRef { return &c->data_dir; }},
    {"node_id", "", Kind::kUint, 0, kU32Max, "a valid node id", "ID",
     "Id to take at first start (0 = random); later starts must match the stored identity",
     [](Config* c) -> FieldRef { return &c->node_id; }},
    // ---- oplog ----
    {"oplog.enabled", "", Kind::kBool, 0, 0, "", "BOOL",
     "Keep an operation log, so that the data survives a restart",
     [](Config* c) -> FieldRef { return &c->oplog.enabled; }},
    {"oplog.dir", "", Kind::kString, 0, 0, "", "PATH",
     "Directory of the operation log; \"\" = <data_dir>/oplog",
     [](Config* c) -> FieldRef { return &c->oplog.dir; }},
    {"oplog.fsync", "", Kind::kChoice, 0, 0, "always interval never", "POLICY",
     "When a write is acknowledged: always (after fsync), interval or never (after write)",
     [](Config* c) -> FieldRef { return &c->oplog.fsync; }},
    {"oplog.fsync_interval_ms", "", Kind::kUint, 1, kU32Max, "a duration in milliseconds", "MS",
     "oplog.fsync interval: fsync the log this often while it holds unsynced writes",
     [](Config* c) -> FieldRef { return &c->oplog.fsync_interval_ms; }},
    {"oplog.group_commit_wait_us", "", Kind::kUint, 0, 1000000, "a duration in microseconds",
     "US",
     "oplog.fsync always: when fewer writes wait than the last fsync carried, wait up to this "
     "long for more before the next fsync; 0 = never wait",
     [](Config* c) -> FieldRef { return &c->oplog.group_commit_wait_us; }},
    {"oplog.segment_bytes", "", Kind::kUint, 4096, kMaxSegmentBytes, "a size in bytes", "BYTES",
     "Start a new log segment once the current one reaches this size",
     [](Config* c) -> FieldRef { return &c->oplog.segment_bytes; }},
    {"oplog.max_pending_bytes", "", Kind::kUint, 1, kU64Max, "a size in bytes", "BYTES",
     "Stop reading requests while more than this many log bytes wait for the disk",
     [](Config* c) -> FieldRef { return &c->oplog.max_pending_bytes; }},
    {"oplog.recovery_mode", "", Kind::kChoice, 0, 0, "strict skip_corrupt", "MODE",
     "At start: strict stops on a damaged log; skip_corrupt skips damaged records and starts",
     [](Config* c) -> FieldRef { return &c->oplog.recovery_mode; }},
    {"oplog.tombstone_grace_ms", "", Kind::kUint, 0, kU64Max, "a duration in milliseconds", "MS",
     "Deleted keys keep a tombstone this long before compaction may drop it",
     [](Config* c) -> FieldRef { return &c->oplog.tombstone_grace_ms; }},
    {"oplog.compaction.max_log_ratio", "", Kind::kRatio, 1, 1000, "a ratio", "RATIO",
     "Compact when the log is more than this many times the size of the live data...",
     [](Config* c) -> FieldRef { return &c->oplog.compaction_max_log_ratio; }},
    {"oplog.compaction.min_log_bytes", "", Kind::kUint, 0, kU64Max, "a size in bytes", "BYTES",
     "...and at least this big",
     [](Config* c) -> FieldRef { return &c->oplog.compaction_min_log_bytes; }},
    // ---- replication ----
    {"replication.factor", "", Kind::kUint, 1, 16, "a replica count", "N",
     "Copies of every key (fewer while the cluster has fewer nodes)",
     [](Config* c) -> FieldRef { return &c->replication.factor; }},
    {"replication.read_consistency", "", Kind::kChoice, 0, 0, "one quorum all", "LEVEL",
     "Replicas that must answer a read that does not name its own level",
     [](Config* c) -> FieldRef { return &c->replication.read_consistency; }},
    {"replication.write_consistency", "", Kind::kChoice, 0, 0, "one quorum all", "LEVEL",
     "Replicas that must acknowledge a write that does not name its own level",
     [](Config* c) -> FieldRef { return &c->replication.write_consistency; }},
    {"replication.request_timeout_ms", "", Kind::kUint, 1, kU32Max, "a duration in milliseconds",
     "MS", "Deadline of a read or write that does not name its own",
     [](Config* c) -> FieldRef { return &c->replication.request_timeout_ms; }},
    {"replication.hints.enabled", "", Kind::kBool, 0, 0, "", "BOOL",
     "Keep writes for a replica that is down and hand them off when it is back",
     [](Config* c) -> FieldRef { return &c->replication.hints_enabled; }},
    {"replication.hints.window_ms", "", Kind::kUint, 1, kU64Max, "a duration in milliseconds",
     "MS", "Stop keeping hints for a replica that has been down longer than this",
     [](Config* c) -> FieldRef { return &c->replication.hints_window_ms; }},
    {"replication.hints.max_bytes", "", Kind::kUint, 1, kU64Max, "a size in bytes", "BYTES",
     "All hints this node keeps, together; more writes for down replicas are not hinted",
     [](Config* c) -> FieldRef { return &c->replication.hints_max_bytes; }},
    {"replication.hints.max_in_flight", "", Kind::kUint, 1, 65536, "a request count", "N",
     "Hinted writes sent to a returning replica without waiting for their answers",
     [](Config* c) -> FieldRef { return &c->replication.hints_max_in_flight; }},
    {"replication.catchup.margin_ms", "", Kind::kUint, 0, kU64Max, "a duration in milliseconds",
     "MS", "A restarted node asks its peers for the writes after its last one minus this",
     [](Config* c) -> FieldRef { return &c->replication.catchup_margin_ms; }},
    {"replication.anti_entropy_interval_ms", "", Kind::kUint, 0, kU64Max,
     "a duration in milliseconds", "MS",
     "Compare and repair every range with its other replicas this often; 0 = only on demand",
     [](Config* c) -> FieldRef { return &c->replication.anti_entropy_interval_ms; }},
    // ---- log ----
    {"log.level", "", Kind::kLogLevel, 0, 0, "", "LEVEL",
     "One of trace, debug, info, warn, error, critical, off",
     [](Config* c) -> FieldRef { return &c->log_level; }},
};
// clang-format on

constexpr std::string_view kSections[] = {"server",
                                          "limits",
                                          "auth",
                                          "cluster",
                                          "oplog",
                                          "oplog.compaction",
                                          "replication",
                                          "replication.hints",
                                          "replication.catchup",
                                          "log"};

bool ParseUint(std::string_view text, uint64_t* out) {
  if (text.empty() || text.size() > 19) return false;
  uint64_t n = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9') return false;
    n = n * 10 + static_cast<uint64_t>(ch - '0');
  }
  *out = n;
  return true;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return out;
}

bool IsLogLevel(std::string_view text) {
  return std::find(std::begin(kLogLevels), std::end(kLogLevels), text) != std::end(kLogLevels);
}

// The words of a kChoice setting's `noun`.
std::vector<std::string_view> Choices(const Setting& setting) {
  std::vector<std::string_view> words;
  std::string_view rest = setting.noun;
  while (!rest.empty()) {
    size_t space = rest.find(' ');
    words.push_back(rest.substr(0, space));
    if (space == std::string_view::npos) break;
    rest.remove_prefix(space + 1);
  }
  return words;
}

bool IsChoice(const Setting& setting, std::string_view text) {
  for (std::string_view word : Choices(setting)) {
    if (word == text) return true;
  }
  return false;
}

// A plain decimal number ("2", "2.5", "0.75"): no sign, exponent, inf or nan.
bool ParseRatio(std::string_view text, double* out) {
  if (text.empty() || text.size() > 32) return false;
  for (char ch : text) {
    if ((ch < '0' || ch > '9') && ch != '.') return false;
  }
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return false;
  }
  *out = value;
  return true;
}

// Shortest text that reads back as `value`, always with a decimal point: "2.0", "1.5".
std::string FormatRatio(double value) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  std::string text(buf, ec == std::errc() ? end : buf);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

uint64_t UintValue(const FieldRef& field) {
  if (auto* u16 = std::get_if<uint16_t*>(&field)) return **u16;
  if (auto* u64 = std::get_if<uint64_t*>(&field)) return **u64;
  return *std::get<uint32_t*>(field);
}

}  // namespace

std::string AllowedValues(const Setting& setting) {
  switch (setting.kind) {
    case Kind::kString:
    case Kind::kSecret:
      return "a string";
    case Kind::kBool:
      return "a boolean (true/false, yes/no, on/off, 1/0)";
    case Kind::kUint:
      return std::string(setting.noun) + " (" + std::to_string(setting.min) + "-" +
             std::to_string(setting.max) + ")";
    case Kind::kLogLevel: {
      std::string out = "one of ";
      for (std::string_view level : kLogLevels) {
        if (level != kLogLevels[0]) out += ", ";
        out += level;
      }
      return out;
    }
    case Kind::kClientKeys:
      return "a mapping of key id to secret";
    case Kind::kChoice: {
      std::string out = "one of ";
      bool first = true;
      for (std::string_view word : Choices(setting)) {
        if (!first) out += ", ";
        out += word;
        first = false;
      }
      return out;
    }
    case Kind::kRatio:
      return std::string(setting.noun) + " (a decimal number, " + std::to_string(setting.min) +
             "-" + std::to_string(setting.max) + ")";
    case Kind::kStringList:
      return "a list of strings";
  }
  return "";
}

namespace {

std::string BadValue(const Setting& setting, std::string_view text, std::string_view origin) {
  std::string message =
      std::string(setting.key) + ": " + Quote(text) + " is not " + AllowedValues(setting);
  if (!origin.empty()) message += " (from " + std::string(origin) + ")";
  return message;
}

// Optimal string alignment distance: Levenshtein plus adjacent transpositions.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// True when `candidate` ends with `name` after a separator: "server.port" for "port",
// "--server-max-connections" for "--max-connections".
bool EndsWithComponent(std::string_view candidate, std::string_view name) {
  while (!name.empty() && name.front() == '-') name.remove_prefix(1);
  if (name.size() < 3 || candidate.size() <= name.size()) return false;
  if (candidate.substr(candidate.size() - name.size()) != name) return false;
  char separator = candidate[candidate.size() - name.size() - 1];
  return separator == '.' || separator == '-' || separator == '_';
}

}  // namespace

std::span<const Setting> AllSettings() { return kSettings; }

const Setting* FindSetting(std::string_view key) {
  for (const Setting& setting : kSettings) {
    if (setting.key == key) return &setting;
  }
  return nullptr;
}

std::span<const std::string_view> AllSections() { return kSections; }

bool IsSection(std::string_view key) {
  return std::find(std::begin(kSections), std::end(kSections), key) != std::end(kSections);
}

std::string FlagName(const Setting& setting) {
  if (setting.kind == Kind::kClientKeys) return "--auth-client-key";
  std::string out = "--";
  for (char ch : setting.key) out += (ch == '.' || ch == '_') ? '-' : ch;
  return out;
}

std::string EnvName(const Setting& setting) {
  std::string out = "MEMDB_";
  for (char ch : setting.key) {
    out += ch == '.' ? '_' : (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 'a' + 'A') : ch;
  }
  return out;
}

Status Errors::ToStatus() const {
  if (messages_.empty()) return Status::Ok();
  std::string joined;
  for (const std::string& message : messages_) {
    if (!joined.empty()) joined += '\n';
    joined += message;
  }
  return Status(Code::kInvalidArgument, std::move(joined));
}

StringList SplitList(std::string_view text) {
  StringList items;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

bool ParseBool(std::string_view text, bool* out) {
  std::string lower = Lower(text);
  if (lower == "true" || lower == "yes" || lower == "on" || lower == "1") {
    *out = true;
    return true;
  }
  if (lower == "false" || lower == "no" || lower == "off" || lower == "0") {
    *out = false;
    return true;
  }
  return false;
}

void ApplyValue(const Setting& setting, const RawValue& value, Config* config, Errors* errors) {
  FieldRef field = setting.field(config);
  switch (setting.kind) {
    case Kind::kString:
    case Kind::kSecret:
      *std::get<std::string*>(field) = value.text;
      return;
    case Kind::kBool: {
      bool parsed = false;
      if (!ParseBool(value.text, &parsed)) {
        errors->Add(BadValue(setting, value.text, value.origin));
        return;
      }
      *std::get<bool*>(field) = parsed;
      return;
    }
    case Kind::kUint: {
      uint64_t parsed = 0;
      if (!ParseUint(value.text, &parsed) || parsed < setting.min || parsed > setting.max) {
        errors->Add(BadValue(setting, value.text, value.origin));
        return;
      }
      if (auto* u16 = std::get_if<uint16_t*>(&field)) {
        **u16 = static_cast<uint16_t>(parsed);
      } else if (auto* u64 = std::get_if<uint64_t*>(&field)) {
        **u64 = parsed;
      } else {
        *std::get<uint32_t*>(field) = static_cast<uint32_t>(parsed);
      }
      return;
    }
    case Kind::kChoice: {
      std::string word = Lower(value.text);
      if (!IsChoice(setting, word)) {
        errors->Add(BadValue(setting, value.text, value.origin));
        return;
      }
      *std::get<std::string*>(field) = word;
      return;
    }
    case Kind::kRatio: {
      double parsed = 0;
      if (!ParseRatio(value.text, &parsed) || parsed < static_cast<double>(setting.min) ||
          parsed > static_cast<double>(setting.max)) {
        errors->Add(BadValue(setting, value.text, value.origin));
        return;
      }
      *std::get<double*>(field) = parsed;
      return;
    }
    case Kind::kLogLevel: {
      std::string level = Lower(value.text);
      if (!IsLogLevel(level)) {
        errors->Add(BadValue(setting, value.text, value.origin));
        return;
      }
      *std::get<std::string*>(field) = level;
      return;
    }
    case Kind::kClientKeys:
      *std::get<ClientKeys*>(field) = value.keys;
      return;
    case Kind::kStringList:
      *std::get<StringList*>(field) = value.is_list ? value.items : SplitList(value.text);
      return;
  }
}

void CheckTableValue(const Setting& setting, const Config& config, Errors* errors) {
  Config copy = config;  // FieldRef needs a mutable Config; only read here
  FieldRef field = setting.field(&copy);
  if (setting.kind == Kind::kUint) {
    uint64_t value = UintValue(field);
    if (value < setting.min || value > setting.max) {
      errors->Add(BadValue(setting, std::to_string(value), ""));
    }
  } else if (setting.kind == Kind::kLogLevel) {
    const std::string& level = *std::get<std::string*>(field);
    if (!IsLogLevel(level)) errors->Add(BadValue(setting, level, ""));
  } else if (setting.kind == Kind::kChoice) {
    const std::string& word = *std::get<std::string*>(field);
    if (!IsChoice(setting, word)) errors->Add(BadValue(setting, word, ""));
  } else if (setting.kind == Kind::kRatio) {
    double value = *std::get<double*>(field);
    if (!std::isfinite(value) || value < static_cast<double>(setting.min) ||
        value > static_cast<double>(setting.max)) {
      errors->Add(BadValue(setting, FormatRatio(value), ""));
    }
  }
}

std::string FormatValue(const Setting& setting, const Config& config) {
  Config copy = config;
  FieldRef field = setting.field(&copy);
  switch (setting.kind) {
    case Kind::kString:
    case Kind::kLogLevel:
    case Kind::kChoice:
      return *std::get<std::string*>(field);
    case Kind::kSecret:
      return std::get<std::string*>(field)->empty() ? "" : std::string(kRedacted);
    case Kind::kBool:
      return *std::get<bool*>(field) ? "true" : "false";
    case Kind::kUint:
      return std::to_string(UintValue(field));
    case Kind::kRatio:
      return FormatRatio(*std::get<double*>(field));
    case Kind::kClientKeys: {
      size_t n = std::get<ClientKeys*>(field)->size();
      return n == 0 ? "none" : std::to_string(n) + " key(s)";
    }
    case Kind::kStringList: {
      std::string out;
      for (const std::string& item : *std::get<StringList*>(field)) {
        if (!out.empty()) out += ",";
        out += item;
      }
      return out;
    }
  }
  return "";
}

std::string Quote(std::string_view value) {
  constexpr size_t kMaxShown = 64;
  std::string out = "\"";
  for (size_t i = 0; i < value.size() && i < kMaxShown; ++i) {
    unsigned char ch = static_cast<unsigned char>(value[i]);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += static_cast<char>(ch);
    } else if (ch < 0x20 || ch == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", ch);
      out += buf;
    } else {
      out += static_cast<char>(ch);
    }
  }
  if (value.size() > kMaxShown) out += "...";
  out += '"';
  return out;
}

std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates) {
  const size_t limit = name.size() <= 4 ? 1 : name.size() <= 10 ? 2 : 3;
  const std::string* best = nullptr;
  size_t best_distance = limit + 1;
  for (const std::string& candidate : candidates) {
    size_t distance = EditDistance(name, candidate);
    if (distance < best_distance) {
      best = &candidate;
      best_distance = distance;
    }
  }
  if (best == nullptr) {
    // "port" at the wrong level: suggest the setting it is the end of.
    for (const std::string& candidate : candidates) {
      if (EndsWithComponent(candidate, name)) {
        best = &candidate;
        break;
      }
    }
  }
  if (best == nullptr) return "";
  return " (did you mean \"" + *best + "\"?)";
}

}  // namespace memdb::config

#include "cluster/node_identity.h"

#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <string_view>
#include <utility>
#include <vector>

#include "cluster/gossip_messages.h"
#include "common/crc32c.h"

namespace memdb::cluster {

namespace {

constexpr std::string_view kClusterDirName = "cluster";
constexpr std::string_view kIdentityFileName = "identity";
constexpr std::string_view kIdentityTempFileName = "identity.tmp";
constexpr std::string_view kLegacyNodeIdFileName = "node_id";  // written by memdb before 0.5
constexpr std::string_view kHeaderLine = "memdb-identity 1";
constexpr uint64_t kMaxIdentityBytes = 1 << 20;  // 4096 tokens take ~85 KB

Status Corrupt(const std::string& path, std::string_view what) {
  return Status(Code::kCorruption, path + ": " + std::string(what));
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

// A whole unsigned decimal number (no sign, no spaces).
bool ParseU64(std::string_view s, uint64_t* v) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && end == s.data() + s.size();
}

bool ParseId(std::string_view s, NodeId* id) {
  uint64_t v;
  if (!ParseU64(s, &v) || v == 0 || v > UINT32_MAX) return false;
  *id = static_cast<NodeId>(v);
  return true;
}

// Splits off the next line ("\n"-terminated; a missing terminator is an error).
bool NextLine(std::string_view* rest, std::string_view* line) {
  const size_t nl = rest->find('\n');
  if (nl == std::string_view::npos) return false;
  *line = rest->substr(0, nl);
  rest->remove_prefix(nl + 1);
  return true;
}

// "key value" -> value, when the line starts with "key ".
bool Field(std::string_view line, std::string_view key, std::string_view* value) {
  if (line.size() <= key.size() || line.substr(0, key.size()) != key || line[key.size()] != ' ') {
    return false;
  }
  *value = line.substr(key.size() + 1);
  return true;
}

// The CRC is stored plain (not crc32c::Mask'ed like the binary formats' CRCs): the file is
// text for operators, who can check it with any crc32c tool; nothing checksums it again.
std::string CrcLine(uint32_t crc) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "crc32c %08" PRIx32 "\n", crc);
  return buf;
}

std::string EncodeIdentity(const NodeIdentity& identity) {
  std::string out;
  out.append(kHeaderLine).append("\n");
  out.append("id ").append(std::to_string(identity.id)).append("\n");
  out.append("generation ").append(std::to_string(identity.generation)).append("\n");
  out.append("tokens ").append(std::to_string(identity.tokens.size()));
  for (Token t : identity.tokens) out.append(" ").append(std::to_string(t));
  out.append("\n");
  out.append(CrcLine(crc32c::Value(out)));
  return out;
}

Result<NodeIdentity> DecodeIdentity(const std::string& path, std::string_view data) {
  // The checksum first: a torn or bit-flipped file is reported as such, not as a parse error
  // somewhere in the middle.
  if (data.size() < 2 || data.back() != '\n') return Corrupt(path, "truncated (no final newline)");
  const size_t crc_start = data.rfind('\n', data.size() - 2);
  if (crc_start == std::string_view::npos) return Corrupt(path, "no checksum line");
  const std::string_view body = data.substr(0, crc_start + 1);
  std::string_view crc_line = data.substr(crc_start + 1);
  if (crc_line != CrcLine(crc32c::Value(body))) {
    std::string_view value;
    if (!Field(crc_line.substr(0, crc_line.size() - 1), "crc32c", &value)) {
      return Corrupt(path, "no checksum line");
    }
    return Corrupt(path, "checksum mismatch");
  }

  NodeIdentity identity;
  std::string_view rest = body;
  std::string_view line;
  std::string_view value;
  if (!NextLine(&rest, &line) || line != kHeaderLine) {
    return Corrupt(path, "not a memdb identity file (expected \"memdb-identity 1\")");
  }
  if (!NextLine(&rest, &line) || !Field(line, "id", &value) || !ParseId(value, &identity.id)) {
    return Corrupt(path, "bad id line");
  }
  if (!NextLine(&rest, &line) || !Field(line, "generation", &value) ||
      !ParseU64(value, &identity.generation)) {
    return Corrupt(path, "bad generation line");
  }
  if (!NextLine(&rest, &line) || !Field(line, "tokens", &value)) {
    return Corrupt(path, "bad tokens line");
  }
  // "<count> <t1> ... <tcount>", single spaces.
  std::vector<std::string_view> words;
  for (size_t pos = 0;;) {
    const size_t sp = value.find(' ', pos);
    words.push_back(value.substr(pos, sp == std::string_view::npos ? sp : sp - pos));
    if (sp == std::string_view::npos) break;
    pos = sp + 1;
  }
  uint64_t count;
  if (!ParseU64(words[0], &count) || count > kMaxTokensPerNode) {
    return Corrupt(path, "bad token count");
  }
  if (words.size() - 1 != count) return Corrupt(path, "token count does not match the tokens");
  identity.tokens.resize(count);
  for (uint64_t i = 0; i < count; ++i) {
    if (!ParseU64(words[i + 1], &identity.tokens[i])) return Corrupt(path, "bad token");
  }
  if (!rest.empty()) return Corrupt(path, "unexpected lines");
  return identity;
}

// The id left by memdb versions that kept only `<data_dir>/node_id` (a decimal id and a
// newline). 0 when there is no such file.
Result<NodeId> ReadLegacyNodeId(FileSystem* fs, const std::string& data_dir) {
  const std::string path = JoinPath(data_dir, kLegacyNodeIdFileName);
  auto size = fs->FileSize(path);
  if (!size.ok()) {
    if (size.status().code() == Code::kNotFound) return NodeId{0};
    return size.status();
  }
  if (*size > 64) return Corrupt(path, "does not hold a node id (1-4294967295)");
  std::string data;
  if (Status s = fs->ReadFile(path, &data); !s.ok()) return s;
  std::string_view v = data;
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r' || v.back() == ' ')) {
    v.remove_suffix(1);
  }
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  NodeId id;
  if (!ParseId(v, &id)) return Corrupt(path, "does not hold a node id (1-4294967295)");
  return id;
}

}  // namespace

std::string IdentityPath(const std::string& data_dir) {
  return JoinPath(JoinPath(data_dir, kClusterDirName), kIdentityFileName);
}

Result<NodeIdentity> LoadOrCreateIdentity(FileSystem* fs, const IdentityOptions& options,
                                          Random& random) {
  const std::string dir = JoinPath(options.data_dir, kClusterDirName);
  const std::string path = IdentityPath(options.data_dir);
  if (Status s = fs->CreateDir(dir); !s.ok()) return s;
  // The new directory's entry in data_dir must be durable before a file in it can be.
  if (Status s = fs->SyncDir(options.data_dir); !s.ok()) return s;

  NodeIdentity identity;
  auto size = fs->FileSize(path);
  if (size.ok()) {
    if (*size > kMaxIdentityBytes) return Corrupt(path, "implausibly large");
    std::string data;
    if (Status s = fs->ReadFile(path, &data); !s.ok()) return s;
    auto stored = DecodeIdentity(path, data);
    if (!stored.ok()) return stored.status();
    identity = std::move(stored).value();
    if (options.requested_id != 0 && options.requested_id != identity.id) {
      return Status(Code::kInvalidArgument, "node id " + std::to_string(options.requested_id) +
                                                " was requested but " + path + " holds id " +
                                                std::to_string(identity.id));
    }
    if (identity.generation == UINT64_MAX) return Corrupt(path, "generation exhausted");
    identity.generation += 1;
    identity.first_start = false;
  } else if (size.status().code() == Code::kNotFound) {
    if (options.tokens_per_node > kMaxTokensPerNode) {
      return Status(Code::kInvalidArgument,
                    "tokens_per_node " + std::to_string(options.tokens_per_node) +
                        " is over the limit " + std::to_string(kMaxTokensPerNode));
    }
    auto legacy = ReadLegacyNodeId(fs, options.data_dir);
    if (!legacy.ok()) return legacy.status();
    if (*legacy != 0 && options.requested_id != 0 && options.requested_id != *legacy) {
      return Status(Code::kInvalidArgument, "node id " + std::to_string(options.requested_id) +
                                                " was requested but " +
                                                JoinPath(options.data_dir, kLegacyNodeIdFileName) +
                                                " holds id " + std::to_string(*legacy));
    }
    identity.id = *legacy != 0 ? *legacy : options.requested_id;
    while (identity.id == 0) identity.id = static_cast<NodeId>(random.Next64());
    identity.tokens = Ring::ChooseTokens(random, options.tokens_per_node);
    identity.generation = 1;
    identity.first_start = true;
  } else {
    return size.status();
  }

  if (Status s = WriteFileAtomically(fs, dir, kIdentityFileName, kIdentityTempFileName,
                                     EncodeIdentity(identity));
      !s.ok()) {
    return s;
  }
  return identity;
}

}  // namespace memdb::cluster

// memdb::Consistency — how many of a key's replicas must answer before a read or a write
// succeeds (docs/cluster.md, "Consistency levels"). Shared by the protocol (the values are the
// wire byte, docs/protocol.md), the node and the client libraries.
#ifndef MEMDB_CONSISTENCY_H_
#define MEMDB_CONSISTENCY_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace memdb {

enum class Consistency : uint8_t {
  kDefault = 0,  // the node's configured level (replication.read_consistency / write_...)
  kOne = 1,      // one replica
  kQuorum = 2,   // a majority of the replicas: rf / 2 + 1
  kAll = 3,      // every replica
};
inline constexpr uint8_t kMaxConsistency = 3;

// "default", "one", "quorum", "all"; "?" for anything else.
constexpr std::string_view ConsistencyName(Consistency c) {
  switch (c) {
    case Consistency::kDefault:
      return "default";
    case Consistency::kOne:
      return "one";
    case Consistency::kQuorum:
      return "quorum";
    case Consistency::kAll:
      return "all";
  }
  return "?";
}

// Case-insensitive "one" | "quorum" | "all" | "default"; nullopt for anything else.
constexpr std::optional<Consistency> ParseConsistency(std::string_view text) {
  auto equals = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      char c = a[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != b[i]) return false;
    }
    return true;
  };
  for (Consistency c :
       {Consistency::kDefault, Consistency::kOne, Consistency::kQuorum, Consistency::kAll}) {
    if (equals(text, ConsistencyName(c))) return c;
  }
  return std::nullopt;
}

// Replicas that must answer at level `c` when a key has `replicas` replicas (>= 1); kDefault
// must be resolved first (it counts as kQuorum here).
constexpr size_t RequiredReplicas(Consistency c, size_t replicas) {
  switch (c) {
    case Consistency::kOne:
      return replicas == 0 ? 0 : 1;
    case Consistency::kAll:
      return replicas;
    case Consistency::kDefault:
    case Consistency::kQuorum:
      break;
  }
  return replicas / 2 + 1;
}

}  // namespace memdb

#endif  // MEMDB_CONSISTENCY_H_

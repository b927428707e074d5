// Ring — the consistent-hash ring: which nodes hold a key.
//
// Every node owns several tokens (virtual nodes) on a 64-bit circle. A key's position is the
// memdb::KeyHash of its bytes (store/key_hash.h: the store and the oplog's catch-up filter
// use the same function). A token t owns the keys in (previous token, t], wrapping around; the
// key's replicas (its preference list) are the first RF distinct nodes met walking clockwise from
// its position, so the owner comes first. Two nodes that picked the same token are ordered
// by node id.
//
// Pure and deterministic: token choice takes a Random; nothing here touches a clock, a socket
// or a file. Not thread-safe: owned by the node's event-loop thread like the rest of the core.
#ifndef MEMDB_CLUSTER_RING_H_
#define MEMDB_CLUSTER_RING_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "common/random.h"
#include "memdb/version.h"

namespace memdb {

using Token = uint64_t;

// The ring position of a key.
Token KeyToken(std::string_view key);

class Ring {
 public:
  // `count` distinct random tokens for a node joining the ring.
  static std::vector<Token> ChooseTokens(Random& random, size_t count);

  // Replaces `node`'s tokens (an empty list removes the node).
  void SetTokens(NodeId node, const std::vector<Token>& tokens);
  void RemoveNode(NodeId node) { SetTokens(node, {}); }

  // The node owning `token`'s position; nullopt on an empty ring.
  std::optional<NodeId> Owner(Token position) const;
  // The first min(rf, node_count()) distinct nodes clockwise from `position`, owner first.
  std::vector<NodeId> Preference(Token position, size_t rf) const;

  std::optional<NodeId> OwnerOfKey(std::string_view key) const { return Owner(KeyToken(key)); }
  std::vector<NodeId> PreferenceOfKey(std::string_view key, size_t rf) const {
    return Preference(KeyToken(key), rf);
  }

  size_t node_count() const { return node_count_; }
  size_t token_count() const { return tokens_.size(); }
  bool empty() const { return tokens_.empty(); }
  // (token, node) sorted clockwise.
  const std::vector<std::pair<Token, NodeId>>& tokens() const { return tokens_; }

 private:
  // Index in tokens_ of the token owning `position`.
  size_t OwnerIndex(Token position) const;

  std::vector<std::pair<Token, NodeId>> tokens_;
  size_t node_count_ = 0;
};

}  // namespace memdb

#endif  // MEMDB_CLUSTER_RING_H_

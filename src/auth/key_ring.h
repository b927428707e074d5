// KeyRing — the secrets a node accepts, by key id, and the role each grants. Owned by the
// node's event-loop thread.
//
// Two roles (docs/cluster.md, "Node-to-node transport"): client keys grant the client role;
// the cluster secret, presented under the reserved key id kClusterKeyId, grants the peer role
// (the node-to-node opcodes). No client key may use that id (config validation refuses it; Add
// ignores it here too), so a client can never become a peer.
#ifndef MEMDB_AUTH_KEY_RING_H_
#define MEMDB_AUTH_KEY_RING_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace memdb::auth {

// The key id a node authenticates with when it connects to a peer.
inline constexpr std::string_view kClusterKeyId = "cluster";

enum class Role : uint8_t {
  kNone,    // authentication failed
  kClient,  // a client key
  kPeer,    // the cluster key: another node of the cluster
};

class KeyRing {
 public:
  KeyRing() = default;
  explicit KeyRing(std::map<std::string, std::string, std::less<>> keys) : keys_(std::move(keys)) {
    keys_.erase(std::string(kClusterKeyId));
  }

  // A client key. The reserved id kClusterKeyId is ignored.
  void Add(std::string key_id, std::string secret) {
    if (key_id == kClusterKeyId) return;
    keys_[std::move(key_id)] = std::move(secret);
  }
  // The cluster secret; empty = no peer can authenticate.
  void SetClusterSecret(std::string secret) { cluster_secret_ = std::move(secret); }
  bool empty() const { return keys_.empty(); }

  // True when `key_id` is a known client key and `mac` is the MAC of (nonce || key_id) under
  // its secret. Unknown ids and wrong MACs are indistinguishable to the caller.
  bool Verify(std::string_view key_id, std::string_view nonce, std::string_view mac) const;

  // The role `mac` proves for `key_id`: kPeer for kClusterKeyId with the cluster secret,
  // kClient for a client key, else kNone (in time independent of which check failed).
  Role Authenticate(std::string_view key_id, std::string_view nonce, std::string_view mac) const;

 private:
  std::map<std::string, std::string, std::less<>> keys_;
  std::string cluster_secret_;
};

}  // namespace memdb::auth

#endif  // MEMDB_AUTH_KEY_RING_H_

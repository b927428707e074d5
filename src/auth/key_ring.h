// KeyRing — the secrets a node accepts, by key id. Owned by the node's event-loop thread.
#ifndef MEMDB_AUTH_KEY_RING_H_
#define MEMDB_AUTH_KEY_RING_H_

#include <map>
#include <string>
#include <string_view>

namespace memdb::auth {

class KeyRing {
 public:
  KeyRing() = default;
  explicit KeyRing(std::map<std::string, std::string, std::less<>> keys) : keys_(std::move(keys)) {}

  void Add(std::string key_id, std::string secret) { keys_[std::move(key_id)] = std::move(secret); }
  bool empty() const { return keys_.empty(); }

  // True when `key_id` is known and `mac` is the MAC of (nonce || key_id) under its secret.
  // Unknown ids and wrong MACs are indistinguishable to the caller.
  bool Verify(std::string_view key_id, std::string_view nonce, std::string_view mac) const;

 private:
  std::map<std::string, std::string, std::less<>> keys_;
};

}  // namespace memdb::auth

#endif  // MEMDB_AUTH_KEY_RING_H_

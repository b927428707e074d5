#include "auth/key_ring.h"

#include "auth/hmac.h"

namespace memdb::auth {

bool KeyRing::Verify(std::string_view key_id, std::string_view nonce, std::string_view mac) const {
  auto it = keys_.find(key_id);
  // Compute a MAC even for unknown ids so timing does not reveal which ids exist.
  static const std::string kDecoy = "memdb-decoy-secret";
  const std::string& secret = it == keys_.end() ? kDecoy : it->second;
  bool match = ConstantTimeEquals(ComputeAuthMac(secret, nonce, key_id), mac);
  return it != keys_.end() && match;
}

}  // namespace memdb::auth

#include "auth/key_ring.h"

#include "auth/hmac.h"

namespace memdb::auth {

namespace {
// Used for unknown ids so that timing does not reveal which ids exist.
const std::string kDecoy = "memdb-decoy-secret";
}  // namespace

bool KeyRing::Verify(std::string_view key_id, std::string_view nonce, std::string_view mac) const {
  auto it = keys_.find(key_id);
  const std::string& secret = it == keys_.end() ? kDecoy : it->second;
  bool match = ConstantTimeEquals(ComputeAuthMac(secret, nonce, key_id), mac);
  return it != keys_.end() && match;
}

Role KeyRing::Authenticate(std::string_view key_id, std::string_view nonce,
                           std::string_view mac) const {
  if (key_id == kClusterKeyId) {
    const bool has_secret = !cluster_secret_.empty();
    const std::string& secret = has_secret ? cluster_secret_ : kDecoy;
    const bool match = ConstantTimeEquals(ComputeAuthMac(secret, nonce, key_id), mac);
    return has_secret && match ? Role::kPeer : Role::kNone;
  }
  return Verify(key_id, nonce, mac) ? Role::kClient : Role::kNone;
}

}  // namespace memdb::auth

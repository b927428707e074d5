// HMAC-SHA256 and constant-time comparison (OpenSSL), for the challenge-response handshake.
#ifndef MEMDB_AUTH_HMAC_H_
#define MEMDB_AUTH_HMAC_H_

#include <string>
#include <string_view>

namespace memdb::auth {

// Returns the 32-byte HMAC-SHA256 of `message` under `key`.
std::string HmacSha256(std::string_view key, std::string_view message);

// The MAC a peer sends in AUTH: HMAC-SHA256(secret, nonce || key_id). docs/protocol.md.
std::string ComputeAuthMac(std::string_view secret, std::string_view nonce,
                           std::string_view key_id);

// Compares in time independent of where the inputs differ (lengths may leak).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace memdb::auth

#endif  // MEMDB_AUTH_HMAC_H_

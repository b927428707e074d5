// memdb::ClientOptions — how a memdb::Client connects and how long it waits.
//
// A plain value type: copy it, fill it, hand it to the Client constructor (which takes its own
// copy). It holds the authentication secret in memory; the Client never prints or logs it and
// zeroes its copy when destroyed. Zeroing the caller's copy is the caller's business.
#ifndef MEMDB_CLIENT_OPTIONS_H_
#define MEMDB_CLIENT_OPTIONS_H_

#include <chrono>
#include <cstdint>
#include <string>

#include "memdb/version.h"

namespace memdb {

struct ClientOptions {
  // Server address: a host name or a numeric IPv4/IPv6 address, and a TCP port.
  std::string host = "127.0.0.1";
  uint16_t port = 7379;

  // Credentials: the key id the server knows and its shared secret. The secret never leaves
  // the process: the handshake sends HMAC-SHA256(secret, nonce || key_id), not the secret.
  std::string key_id;
  std::string secret;

  // Sent in HELLO; servers show it in their logs. At most 256 bytes.
  std::string client_name = "memdb-cpp";

  // Budget for one connection attempt: name resolution, TCP connect and the HELLO/AUTH
  // handshake together. Zero means no limit.
  std::chrono::milliseconds connect_timeout{5000};

  // A request without a reply after this long completes with Code::kTimeout (its entry is
  // removed; a reply arriving later is dropped). Also bounds how long a write may block on a
  // full socket buffer: a write that stalls this long breaks the connection. Zero means no
  // limit. A request with a RequestOptions::deadline waits at least deadline + deadline_margin
  // (see below), whichever is longer.
  std::chrono::milliseconds request_timeout{5000};

  // For a request with a deadline (RequestOptions::deadline > 0): how much longer than the
  // deadline the client waits for the reply, so that the node's own answer — the value, or
  // TIMEOUT saying how many replicas answered — arrives before the client gives up. Covers the
  // network round trip and the node's queueing.
  std::chrono::milliseconds deadline_margin{1000};

  // When the connection is down (never opened, broken, or closed by the server), the next
  // request opens a new one (new handshake) before it is sent. When false, requests fail with
  // Code::kConnectionFailed until Connect() is called again.
  bool reconnect = true;

  // Largest frame body sent or accepted. A request over it fails with kInvalidArgument
  // without being sent; a larger reply breaks the connection. Keep it equal to the server's
  // limits.max_frame_bytes.
  uint32_t max_frame_bytes = 16u << 20;

  // Starting point of the session clock (see Client::last_seen_timestamp): pass the
  // last_seen_timestamp() of an earlier session to keep causal order across sessions.
  Timestamp initial_timestamp = 0;
};

}  // namespace memdb

#endif  // MEMDB_CLIENT_OPTIONS_H_

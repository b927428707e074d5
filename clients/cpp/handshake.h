// The client side of the connection handshake (docs/protocol.md):
//
//   client                          server
//   HELLO {version 1, client name} ->
//                                  <- CHALLENGE {version, server name, 32-byte nonce}
//   AUTH {key id, mac}             ->      mac = HMAC-SHA256(secret, nonce || key_id)
//                                  <- OK (empty)   or an error (AUTH_FAILED), then close
//
// Runs synchronously on the connecting thread, before the connection's reader thread starts.
#ifndef MEMDB_CLIENTS_CPP_HANDSHAKE_H_
#define MEMDB_CLIENTS_CPP_HANDSHAKE_H_

#include <string>
#include <string_view>

#include "clients/cpp/frame_buffer.h"
#include "clients/cpp/request_ids.h"
#include "clients/cpp/session_clock.h"
#include "clients/cpp/socket.h"
#include "memdb/status.h"

namespace memdb::client_internal {

struct HandshakeParams {
  std::string_view client_name;
  std::string_view key_id;
  std::string_view secret;  // used only to compute the MAC; never copied, logged or sent
};

struct HandshakeInfo {
  std::string server_name;  // from the CHALLENGE
};

// Authenticates `socket`, finishing before `deadline`. Request ids come from `ids`; every
// request carries clock->Now() and every reply's timestamp is observed. Bytes received beyond
// the last handshake reply stay in `buffer` for the reader.
//
// Errors: the server's error reply as a Status with its code and message (kAuthFailed,
// kUnsupportedVersion, kTooManyConnections, ...); kConnectionFailed for I/O failures, a
// timeout or the server closing; kCorruption for a reply that breaks the protocol;
// kInvalidArgument when a name is too long to send.
Status RunHandshake(Socket* socket, FrameBuffer* buffer, const HandshakeParams& params,
                    RequestIds* ids, SessionClock* clock, Deadline deadline, HandshakeInfo* info);

}  // namespace memdb::client_internal

#endif  // MEMDB_CLIENTS_CPP_HANDSHAKE_H_

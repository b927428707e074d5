// Session — the protocol state machine of one client connection, sans-IO.
//
// The runtime feeds it the bytes it has buffered; the session decodes every complete frame,
// runs the handshake (HELLO -> CHALLENGE -> AUTH -> OK), hands authenticated requests to the
// Node, and appends all replies to one ReplyBuffer so they go out in as few writes as
// possible, recording the durability barrier each reply needs (reply_buffer.h): the runtime
// sends only what the operation log has acknowledged, in order. It never touches a socket or a
// timer: handshake and idle timeouts are the runtime's, which can ask `authenticated()`.
//
// Before AUTH succeeds only HELLO and AUTH are accepted; anything else gets AUTH_REQUIRED and
// the session closes.
//
// Roles: AUTH with a client key makes a client session; AUTH with the key id "cluster" and the
// cluster secret (auth::KeyRing) makes a peer session — another node of the cluster, the only
// kind allowed the node-to-node opcodes (the Node refuses them to clients with
// PERMISSION_DENIED). A failed AUTH closes the session either way; close_reason() then says
// whether it claimed to be a peer, so the runtime can log it (never the secret).
//
// Once `closing()` is true the runtime must flush `out` and close; further input is ignored.
//
// Threading: the node's event-loop thread.
#ifndef MEMDB_NODE_SESSION_H_
#define MEMDB_NODE_SESSION_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "node/node.h"
#include "node/reply_buffer.h"
#include "protocol/frame.h"

namespace memdb {

class Session {
 public:
  enum class State { kAwaitHello, kAwaitAuth, kReady, kClosing };

  // `node` must outlive the session.
  explicit Session(Node* node);

  // Consumes every complete frame at the front of `input`, appending replies (and their
  // barriers) to `out`. Returns the number of bytes consumed (the caller drops them from its
  // buffer).
  size_t Consume(std::string_view input, ReplyBuffer* out);

  // Total bytes the next frame needs, known once its header has arrived (else the header
  // size); lets the runtime size its read buffer. Bounded by the max frame limit.
  size_t bytes_needed() const { return bytes_needed_; }

  State state() const { return state_; }
  bool closing() const { return state_ == State::kClosing; }
  bool authenticated() const { return state_ == State::kReady; }
  // Why the session closed, for the log; never contains secrets or values.
  const std::string& close_reason() const { return close_reason_; }
  const std::string& client_name() const { return client_name_; }
  const std::string& key_id() const { return key_id_; }
  // Authenticated with the cluster key: another node.
  bool is_peer() const { return peer_; }
  // AUTH with the key id "cluster" failed: a node with another cluster key (or an impostor).
  bool peer_auth_failed() const { return peer_auth_failed_; }
  uint64_t requests_handled() const { return requests_handled_; }

 private:
  void HandleHello(const protocol::Frame& frame, std::string* out);
  void HandleAuth(const protocol::Frame& frame, std::string* out);
  // Appends an error reply and moves to kClosing.
  void Fail(uint8_t opcode, uint32_t request_id, const Status& status, std::string* out);

  Node* node_;
  State state_;
  std::string nonce_;
  std::string client_name_;
  std::string key_id_;
  bool peer_ = false;
  bool peer_auth_failed_ = false;
  std::string close_reason_;
  size_t bytes_needed_ = protocol::kHeaderSize;
  uint64_t requests_handled_ = 0;
};

}  // namespace memdb

#endif  // MEMDB_NODE_SESSION_H_

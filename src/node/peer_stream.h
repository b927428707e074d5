// PeerStream — the client side of one outbound node-to-node connection, sans-IO: the
// handshake (HELLO -> CHALLENGE -> AUTH with the cluster key -> OK), then pipelined request
// frames matched to their responses by request id. The runtime (net/peer_pool.h) moves the
// bytes and owns the timers; this class decides what the bytes mean.
//
// Requests given before the handshake completes are queued and written right after it. A
// response is matched to its pending request by request id and must carry that request's
// opcode. Anything else is a protocol violation that fails the stream: a frame that does not
// decode, a response to a different opcode, an unexpected frame during the handshake, a
// connection-level error (request id 0). A refused handshake (an error reply to HELLO or AUTH,
// typically AUTH_FAILED: the peer does not share our cluster key) fails it too, with
// auth_refused() set. Once failed() the runtime must close the connection and fail every
// request TakePending() returns. Responses to forgotten requests (timed out) are dropped.
//
// Never holds or returns the secret beyond computing the MAC; messages never contain it.
// Threading: one thread at a time (the node's event-loop thread).
#ifndef MEMDB_NODE_PEER_STREAM_H_
#define MEMDB_NODE_PEER_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "memdb/status.h"
#include "memdb/version.h"
#include "protocol/frame.h"

namespace memdb {

class PeerStream {
 public:
  enum class State { kAwaitChallenge, kAwaitAuthOk, kReady, kFailed };

  // A request's outcome: status OK with the response body, or the peer's error reply.
  struct Completion {
    uint32_t request_id = 0;
    Status status;
    Timestamp timestamp = 0;  // the peer's clock
    std::string body;
  };

  // `secret` is the cluster key (may be empty: a peer with auth disabled accepts anything).
  PeerStream(std::string secret, std::string client_name, protocol::Limits limits);
  ~PeerStream();
  PeerStream(const PeerStream&) = delete;
  PeerStream& operator=(const PeerStream&) = delete;

  // Appends the HELLO to `out`. Call once, first.
  void Start(Timestamp ts, std::string* out);
  // A request: appended to `out` when ready, else queued until the handshake completes.
  // `request_id` must be non-zero and unique among pending requests.
  void Send(uint32_t request_id, uint8_t opcode, Timestamp ts, std::string_view body,
            std::string* out);
  // Consumes every complete frame at the front of `input`; appends bytes to write to `out`
  // (AUTH, then the queued requests) and finished requests to `done`. Returns the bytes
  // consumed. Stops at the first violation (failed()).
  size_t Consume(std::string_view input, std::string* out, std::vector<Completion>* done);
  // The request no longer waits (it timed out): a late response to it is dropped.
  void Forget(uint32_t request_id) { pending_.erase(request_id); }
  // Every request still waiting (queued or sent), which the caller must fail; clears them.
  std::vector<uint32_t> TakePending();

  // Total bytes the next frame needs (the header size until a header arrived).
  size_t bytes_needed() const { return bytes_needed_; }
  State state() const { return state_; }
  bool ready() const { return state_ == State::kReady; }
  bool failed() const { return state_ == State::kFailed; }
  bool auth_refused() const { return auth_refused_; }
  // Why the stream failed; never contains the secret.
  const Status& error() const { return error_; }
  size_t pending_count() const { return pending_.size(); }

 private:
  void HandleHandshakeFrame(const protocol::Frame& frame, std::string* out);
  void HandleResponse(const protocol::Frame& frame, std::vector<Completion>* done);
  void Fail(Status status);

  static constexpr uint32_t kHelloId = 1;
  static constexpr uint32_t kAuthId = 2;

  std::string secret_;
  std::string client_name_;
  protocol::Limits limits_;
  State state_ = State::kAwaitChallenge;
  bool auth_refused_ = false;
  Status error_;
  Timestamp last_ts_ = 0;  // for the AUTH frame
  std::string queued_;     // request frames written before the handshake completed
  std::unordered_map<uint32_t, uint8_t> pending_;  // request id -> opcode
  size_t bytes_needed_ = protocol::kHeaderSize;
};

}  // namespace memdb

#endif  // MEMDB_NODE_PEER_STREAM_H_

// ProtocolClient — what the bench needs from a wire protocol, per connection: run a handshake,
// encode a request, and split one reply off the front of a receive buffer. The workload, the
// pipeline window, the timing and the event loop are shared (worker.h); only these few calls
// differ between memdb and RESP, so a memdb-vs-Redis comparison runs the same client code.
//
// Parsing is pure and incremental: ParseReply looks at the bytes received so far and either
// asks for more (nothing consumed) or returns one reply and how many bytes it took. Encoders
// append to a caller-owned buffer (many requests coalesce into one write) and never clear it.
//
// Threading: one instance per connection, used by the worker thread that owns it.
#ifndef MEMDB_BENCH_PROTOCOL_CLIENT_H_
#define MEMDB_BENCH_PROTOCOL_CLIENT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "memdb_bench/workload.h"

namespace memdb::bench {

// How a request was answered.
enum class ReplyKind : uint8_t {
  kOk,     // success (SET stored, GET found a value, +OK, :n, $n ...)
  kNil,    // success, no value (GET miss: memdb found=false, RESP $-1 / *-1)
  kError,  // the server answered with an error for this request (memdb status != 0, RESP -ERR)
};

struct ParseResult {
  enum class Status : uint8_t {
    kNeedMore,  // incomplete reply: nothing consumed, call again with more bytes
    kReply,     // one reply: `kind`, `consumed`, and `request_id` when `has_request_id`
    kFatal,     // the stream is broken (garbage, oversize, unknown id): close the connection
  };
  Status status = Status::kNeedMore;
  size_t consumed = 0;
  ReplyKind kind = ReplyKind::kOk;
  // memdb replies carry the request id (they may come in any order); RESP replies do not and
  // come in request order.
  bool has_request_id = false;
  uint32_t request_id = 0;
  // kError: the server's message; kFatal: what is wrong. A view into the input or a static
  // string: copy it before the buffer changes.
  std::string_view message;
};

struct HandshakeResult {
  enum class Status : uint8_t {
    kNeedMore,  // wait for more bytes (anything appended to `out` must be sent first)
    kDone,      // authenticated/ready; `consumed` bytes of input belong to the handshake
    kFailed,    // `error` says why (auth failure, wrong protocol, server error)
  };
  Status status = Status::kNeedMore;
  size_t consumed = 0;
  std::string error;
};

class ProtocolClient {
 public:
  virtual ~ProtocolClient() = default;

  // Appends the first handshake bytes (may append nothing if the protocol has none; then call
  // ContinueHandshake with no input: it answers kDone).
  virtual void BeginHandshake(std::string* out) = 0;
  // Feeds received bytes; handles at most one reply per call (loop while it consumes bytes).
  // May append the next handshake message to `out`.
  virtual HandshakeResult ContinueHandshake(std::string_view input, std::string* out) = 0;

  // Appends one request. `request_id` is unique among this connection's outstanding requests
  // and never 0 (protocols without ids ignore it). For kGet `value` is ignored.
  virtual void AppendRequest(std::string* out, Command command, uint32_t request_id,
                             std::string_view key, std::string_view value) = 0;
  // Splits one reply off the front of `input`. See ParseResult.
  virtual ParseResult ParseReply(std::string_view input) = 0;
};

}  // namespace memdb::bench

#endif  // MEMDB_BENCH_PROTOCOL_CLIENT_H_

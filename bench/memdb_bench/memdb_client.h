// MemdbClient — the memdb protocol v1 adapter (docs/protocol.md): HELLO -> CHALLENGE ->
// AUTH{key_id, HMAC-SHA256(secret, nonce || key_id)} -> OK, then SET/GET frames matched to
// their replies by request id.
//
// Consistency: with a level other than kDefault, requests are GET_CL/SET_CL carrying it (and
// deadline 0: the node's replication.request_timeout_ms); replies come under the same opcode.
//
// Session clock: every request carries the highest timestamp seen on any response of this
// connection (error responses included), as the protocol asks.
//
// Threading: one instance per connection, owned by its worker thread.
#ifndef MEMDB_BENCH_MEMDB_CLIENT_H_
#define MEMDB_BENCH_MEMDB_CLIENT_H_

#include <string>
#include <string_view>

#include "memdb/consistency.h"
#include "memdb/version.h"
#include "memdb_bench/protocol_client.h"
#include "protocol/frame.h"

namespace memdb::bench {

struct MemdbCredentials {
  std::string key_id;
  std::string secret;
  std::string client_name = "memdb-bench";
};

class MemdbClient final : public ProtocolClient {
 public:
  // `credentials` must outlive the client (the driver owns one copy for all connections).
  explicit MemdbClient(const MemdbCredentials* credentials,
                       protocol::Limits limits = protocol::Limits(),
                       Consistency consistency = Consistency::kDefault)
      : credentials_(credentials), limits_(limits), consistency_(consistency) {}

  void BeginHandshake(std::string* out) override;
  HandshakeResult ContinueHandshake(std::string_view input, std::string* out) override;
  void AppendRequest(std::string* out, Command command, uint32_t request_id, std::string_view key,
                     std::string_view value) override;
  ParseResult ParseReply(std::string_view input) override;

  Timestamp seen_timestamp() const { return seen_; }

 private:
  enum class State : uint8_t { kStart, kAwaitChallenge, kAwaitAuth, kReady };
  // Handshake requests use their own ids; data requests start again at 1 after it.
  static constexpr uint32_t kHelloId = 1;
  static constexpr uint32_t kAuthId = 2;

  const MemdbCredentials* credentials_;
  protocol::Limits limits_;
  Consistency consistency_;
  State state_ = State::kStart;
  Timestamp seen_ = 0;
};

}  // namespace memdb::bench

#endif  // MEMDB_BENCH_MEMDB_CLIENT_H_

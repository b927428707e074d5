// RespClient — the RESP2 adapter (the Redis protocol), so the same bench drives Redis.
//
// Requests are RESP arrays of bulk strings: *3\r\n$3\r\nSET\r\n$<n>\r\n<key>\r\n$<n>\r\n<value>
// \r\n and *2\r\n$3\r\nGET\r\n$<n>\r\n<key>\r\n. Replies carry no id: Redis answers a
// connection's requests in order.
//
// Handshake: with a password, AUTH [username] password and expect +OK; without one, PING and
// expect +PONG (so a wrong port or a server refusing us fails before the run starts).
//
// Threading: one instance per connection, owned by its worker thread.
#ifndef MEMDB_BENCH_RESP_CLIENT_H_
#define MEMDB_BENCH_RESP_CLIENT_H_

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

#include "memdb_bench/protocol_client.h"

namespace memdb::bench {

// Largest bulk string and simple-line length a reply may announce; more is a broken stream.
inline constexpr int64_t kRespMaxBulkBytes = 512ll << 20;
inline constexpr size_t kRespMaxLineBytes = 64 * 1024;
inline constexpr int kRespMaxDepth = 8;  // nesting of arrays in one reply

// Parses one RESP2 reply at the start of `input` (pure, incremental, never allocates):
//   +line -> kOk    -line -> kError (message = line)    :int -> kOk
//   $n    -> kOk    $-1   -> kNil                        *n  -> kOk (elements parsed and
//   *-1   -> kNil                                              skipped, up to kRespMaxDepth)
// An incomplete reply is kNeedMore; a malformed one (unknown type byte, bad length or
// integer, missing CRLF, oversize) is kFatal.
ParseResult ParseRespReply(std::string_view input);

// Appends a RESP array of bulk strings.
void AppendRespCommand(std::string* out, std::initializer_list<std::string_view> args);

struct RespCredentials {
  bool auth = false;     // send AUTH
  std::string username;  // AUTH username password (Redis 6 ACL) when not empty
  std::string password;
};

class RespClient final : public ProtocolClient {
 public:
  // `credentials` must outlive the client.
  explicit RespClient(const RespCredentials* credentials) : credentials_(credentials) {}

  void BeginHandshake(std::string* out) override;
  HandshakeResult ContinueHandshake(std::string_view input, std::string* out) override;
  void AppendRequest(std::string* out, Command command, uint32_t request_id, std::string_view key,
                     std::string_view value) override;
  ParseResult ParseReply(std::string_view input) override { return ParseRespReply(input); }

 private:
  const RespCredentials* credentials_;
  bool done_ = false;
};

}  // namespace memdb::bench

#endif  // MEMDB_BENCH_RESP_CLIENT_H_

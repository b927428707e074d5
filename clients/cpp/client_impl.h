// ClientImpl — the machinery behind memdb::Client: the current connection, the table of
// requests in flight, the session clock and the timeout sweeper.
//
// Threads and locks:
//   - callers' threads run Submit / Connect / Close;
//   - each connection's reader thread calls OnResponse / OnClosed;
//   - the timer thread (owned, started by the constructor) fails expired requests.
// `connect_mu_` serialises connection attempts (and Close) and is taken before `mu_`. `mu_`
// guards the connection pointer and the pending table. Completions (which set futures) always
// run with no lock held. A connection is closed and its reader joined only with `mu_` free,
// because the reader takes `mu_`.
//
// Request lifecycle: registered in the pending table (with its deadline and the connection it
// goes out on) before its bytes are written, so a reply can never beat its registration; then
// completed exactly once by whichever comes first: its reply (reader), its deadline (timer),
// the connection breaking (OnClosed), or the client being destroyed.
#ifndef MEMDB_CLIENTS_CPP_CLIENT_IMPL_H_
#define MEMDB_CLIENTS_CPP_CLIENT_IMPL_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "clients/cpp/connection.h"
#include "clients/cpp/pending_table.h"
#include "clients/cpp/request_ids.h"
#include "clients/cpp/session_clock.h"
#include "memdb/client_options.h"
#include "memdb/result.h"
#include "memdb/status.h"
#include "protocol/frame.h"

namespace memdb::client_internal {

// Appends one request frame with the given request id and timestamp to `out`.
using EncodeFn = std::function<void(std::string* out, uint32_t request_id, Timestamp ts)>;

class ClientImpl final : public ConnectionListener {
 public:
  explicit ClientImpl(const ClientOptions& options);
  // Closes the connection, stops the timer, fails whatever is still pending, zeroes the secret.
  ~ClientImpl() override;

  ClientImpl(const ClientImpl&) = delete;
  ClientImpl& operator=(const ClientImpl&) = delete;

  Status Connect();
  void Close();
  bool IsConnected() const;

  // Sends one request: `encode` is called once, on this thread, before Submit returns; `done`
  // is called exactly once with the outcome, possibly on this thread (e.g. cannot connect) or
  // on a client thread. `body_size` is checked against max_frame_bytes before anything else.
  void Submit(protocol::Opcode opcode, size_t body_size, const EncodeFn& encode, Completion done) {
    Submit(opcode, body_size, options_.request_timeout, encode, std::move(done));
  }
  // As above, failing the request with kTimeout after `timeout` (zero: never) instead of
  // ClientOptions::request_timeout.
  void Submit(protocol::Opcode opcode, size_t body_size, std::chrono::milliseconds timeout,
              const EncodeFn& encode, Completion done);

  // How long to wait for the reply to a request the node may work on for `server_deadline`
  // (RequestOptions::deadline; zero: the node's default, unknown here): request_timeout, raised
  // to server_deadline + deadline_margin when that is longer. Zero (no limit) stays zero.
  std::chrono::milliseconds ReplyTimeout(std::chrono::milliseconds server_deadline) const;

  SessionClock& clock() { return clock_; }
  // Replies seen with protocol::kFlagNotOwner (counted before their completion runs).
  uint64_t not_owner_replies() const { return not_owner_replies_.load(); }

  // ConnectionListener:
  void OnResponse(Connection* connection, const protocol::Frame& frame) override;
  void OnClosed(Connection* connection, const Status& why) override;

 private:
  // The live connection, opening one if allowed (`explicit_connect`, or options_.reconnect).
  Result<std::shared_ptr<Connection>> EnsureConnected(bool explicit_connect);
  // TCP connect + handshake. Called with connect_mu_ held, mu_ free.
  Result<std::shared_ptr<Connection>> OpenConnection();
  void TimerLoop();

  ClientOptions options_;
  const std::string where_;
  SessionClock clock_;
  RequestIds ids_;
  std::atomic<uint64_t> next_connection_id_{1};
  std::atomic<uint64_t> not_owner_replies_{0};

  std::mutex connect_mu_;  // held while connecting or closing; before mu_

  mutable std::mutex mu_;
  std::shared_ptr<Connection> conn_;  // guarded by mu_: the latest connection, maybe broken
  bool conn_live_ = false;            // guarded by mu_: conn_ is up (no OnClosed yet)
  bool ever_connected_ = false;       // guarded by mu_
  uint64_t attempts_ = 0;             // guarded by mu_: connection attempts finished
  Status last_attempt_;               // guarded by mu_: how the latest attempt ended
  std::string server_notice_;         // guarded by mu_: unattributed error reply on conn_
  PendingTable pending_;              // guarded by mu_
  bool stopping_ = false;             // guarded by mu_: tells the timer thread to exit
  std::condition_variable timer_cv_;  // with mu_: earliest deadline changed, or stopping_

  std::thread timer_;
};

}  // namespace memdb::client_internal

#endif  // MEMDB_CLIENTS_CPP_CLIENT_IMPL_H_

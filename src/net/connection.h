// Connection — the asio shell around one client Session: moves bytes between the socket and
// the session, nothing more.
//
// Reads into a growable buffer (sized by what the next frame needs, bounded by the frame
// limit the decoder checked), lets the Session consume every complete frame, and writes all
// replies produced meanwhile in one write while the next batch accumulates (reply
// coalescing; pipelined requests need no round trip each). Stops reading while more than
// `max_output_buffer_bytes` of replies wait (a client that does not read cannot grow our
// memory without bound).
//
// With an operation log, replies wait for it: only the prefix of the ReplyBuffer the log has
// acknowledged is written (reply_buffer.h); when more is held, the connection registers with
// the OplogRuntime, which calls OnLogAcked() when the log catches up. Reading stops while
// the runtime reports backpressure (ResumeReading() follows). Reading goes on while replies
// are held: pipelined writes join the next group commit.
//
// Threading: everything runs on the server's single io_context thread.
#ifndef MEMDB_NET_CONNECTION_H_
#define MEMDB_NET_CONNECTION_H_

#include <asio.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "node/node.h"
#include "node/reply_buffer.h"
#include "node/session.h"

namespace memdb::net {

class OplogRuntime;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using ClosedCallback = std::function<void(uint64_t id)>;

  // `oplog` is nullptr when the node keeps no log.
  Connection(uint64_t id, asio::ip::tcp::socket socket, Node* node, const ServerConfig& config,
             OplogRuntime* oplog, ClosedCallback on_closed);

  void Start(uint64_t now_ms);
  // Graceful: stop reading, flush the replies already produced, then close.
  void Drain();
  // Immediate close; `reason` goes to the log.
  void Close(const std::string& reason);
  // From the OplogRuntime: the log acknowledged `lsn`, which this connection waited for.
  void OnLogAcked(uint64_t lsn);
  // From the OplogRuntime: backpressure is over.
  void ResumeReading();

  uint64_t id() const { return id_; }
  bool authenticated() const { return session_.authenticated(); }
  bool closed() const { return closed_; }
  uint64_t started_ms() const { return started_ms_; }
  uint64_t last_activity_ms() const { return last_activity_ms_; }
  const std::string& peer() const { return peer_; }

  // Set by the server before each batch of callbacks; coarse time for timeouts.
  static void SetNow(uint64_t now_ms) { now_ms_ = now_ms; }

 private:
  void DoRead();
  void WaitReadable();
  void ReadNow();
  void OnRead(const asio::error_code& ec, size_t n);
  void MaybeWrite();
  void OnWrite(const asio::error_code& ec);
  bool OutputBacklogged() const;

  static inline uint64_t now_ms_ = 0;

  uint64_t id_;
  asio::ip::tcp::socket socket_;
  const ServerConfig& config_;
  OplogRuntime* oplog_;
  Session session_;
  ClosedCallback on_closed_;
  std::string peer_;

  std::vector<char> in_;
  size_t in_len_ = 0;
  ReplyBuffer out_;           // replies produced since the current write started, some held
  std::string out_writing_;   // the buffer owned by the write in flight
  uint64_t waiting_lsn_ = 0;  // registered with the runtime for this LSN; 0 = not waiting

  bool reading_ = false;                // a read is queued (a readiness wait or a posted ReadNow)
  bool maybe_unannounced_data_ = true;  // see DoRead
  bool paused_for_log_ = false;
  bool writing_ = false;
  bool draining_ = false;
  bool closed_ = false;
  uint64_t started_ms_ = 0;
  uint64_t last_activity_ms_ = 0;
};

}  // namespace memdb::net

#endif  // MEMDB_NET_CONNECTION_H_

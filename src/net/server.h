// Server — the asio runtime of one node: the listener, the connections, the timers and the
// signals, around a Node it does not own.
//
// Single-threaded: Run() drives one io_context on the calling thread, and that thread owns the
// Node (DESIGN.md: one event-loop thread owns a node's core state; no locks on the data path).
// RequestShutdown() is the only method safe to call from another thread.
//
// With an operation log (the node has one attached), the Server runs an OplogRuntime beside
// the connections: a flusher thread and a maintenance thread (oplog_runtime.h).
//
// Shutdown (SIGINT, SIGTERM or RequestShutdown): stop accepting, let every connection flush
// the replies to the requests it has already read (with a log: as the log acknowledges
// them), close it; connections still busy after `shutdown_grace_ms` are closed anyway. Then
// the log is flushed and fsynced — everything appended, whatever oplog.fsync says — and its
// threads are joined. Run() then returns; exit_code() is 0, or 1 if the log failed.
#ifndef MEMDB_NET_SERVER_H_
#define MEMDB_NET_SERVER_H_

#include <asio.hpp>
#include <cstdint>
#include <memory>
#include <unordered_map>

#include "common/file_system.h"
#include "config/config.h"
#include "memdb/status.h"
#include "net/oplog_runtime.h"
#include "node/node.h"

namespace memdb::net {

class Connection;

class Server {
 public:
  // With a log attached to `node`, `fs` (thread-safe: PosixFileSystem) must be given and
  // outlive the server.
  Server(const ServerConfig& config, Node* node, FileSystem* fs = nullptr,
         OplogRuntimeOptions oplog_options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Errors: kIoError naming the address (e.g. port in use).
  Status Listen();
  // The bound port (useful with port 0). Valid after Listen().
  uint16_t port() const { return port_; }

  // Runs the event loop until shutdown completes.
  void Run();
  // Thread-safe and async-signal-agnostic (posts to the loop).
  void RequestShutdown();

  size_t connection_count() const { return connections_.size(); }
  // After Run(): 0 on a clean stop, 1 when the operation log failed.
  int exit_code() const { return exit_code_; }

 private:
  void DoAccept();
  void Reject(asio::ip::tcp::socket socket);
  void ArmSweep();
  void Sweep();
  void BeginShutdown(const char* why);
  void MaybeFinishShutdown();

  const ServerConfig& config_;
  Node* node_;
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  asio::signal_set signals_;
  asio::steady_timer sweep_timer_;
  asio::steady_timer grace_timer_;
  uint16_t port_ = 0;
  uint64_t next_connection_id_ = 1;
  bool shutting_down_ = false;
  bool log_finishing_ = false;
  int exit_code_ = 0;
  std::unordered_map<uint64_t, std::shared_ptr<Connection>> connections_;
  // After io_: destroyed (its threads joined) before the io_context goes.
  std::unique_ptr<OplogRuntime> oplog_;
};

}  // namespace memdb::net

#endif  // MEMDB_NET_SERVER_H_

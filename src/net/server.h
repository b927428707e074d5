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
//
// With a cluster (AttachCluster), a timer runs a gossip round every gossip interval (the first
// one at once, so the seeds hear from a new node without delay) through Node::OnGossipTimer,
// and logs the membership events each round produces at info ("node 1234 (127.0.0.1:7001) is
// DOWN"). Shutdown stops the timer, shuts the PeerPool down (pending peer requests fail with
// SHUTTING_DOWN) and saves the membership if it changed.
#ifndef MEMDB_NET_SERVER_H_
#define MEMDB_NET_SERVER_H_

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "cluster/gossip_driver.h"
#include "common/file_system.h"
#include "config/config.h"
#include "memdb/catchup_progress.h"
#include "memdb/status.h"
#include "net/oplog_runtime.h"
#include "net/peer_pool.h"
#include "node/node.h"

namespace memdb::net {

class Connection;

class Server {
 public:
  // With a log attached to `node`, `fs` (thread-safe: PosixFileSystem) must be given and
  // outlive the server.
  Server(const ServerConfig& config, Node* node, FileSystem* fs = nullptr,
         OplogRuntimeOptions oplog_options = {});
  // Two-phase start, for a daemon that must know its bound port before it builds its node
  // (cluster.advertise defaults to the bound address): Server(config), Listen(), then
  // AttachNode() before Run().
  explicit Server(const ServerConfig& config);
  void AttachNode(Node* node, FileSystem* fs = nullptr, OplogRuntimeOptions oplog_options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The loop's io_context, for the PeerPool. Valid as long as the server.
  asio::io_context& io() { return io_; }
  // Before Run(): gossip through `driver` (attached to the node too) every `interval_ms`;
  // `pool` is the driver's transport. Both must outlive the server's Run().
  void AttachCluster(cluster::GossipDriver* driver, PeerPool* pool, uint32_t interval_ms);

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
  void ArmGossip(std::chrono::milliseconds delay);
  void LogMemberEvents();
  // Catch-up steps (every tenth of the ranges), hint handoff finishing, anti-entropy runs.
  void LogReplicationProgress();
  void BeginShutdown(const char* why);
  void MaybeFinishShutdown();

  const ServerConfig& config_;
  Node* node_ = nullptr;
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  asio::signal_set signals_;
  asio::steady_timer sweep_timer_;
  asio::steady_timer grace_timer_;
  asio::steady_timer gossip_timer_;
  cluster::GossipDriver* cluster_ = nullptr;
  PeerPool* peer_pool_ = nullptr;
  uint32_t gossip_interval_ms_ = 1000;
  std::string logged_save_error_;
  uint64_t logged_foreign_cluster_ = 0;
  uint64_t logged_bad_messages_ = 0;
  CatchupProgress logged_catchup_;
  uint64_t catchup_started_ms_ = 0;
  uint64_t logged_hints_pending_ = 0;
  uint64_t logged_repair_run_ = 0;
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

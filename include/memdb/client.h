// memdb::Client — the C++ client of a memdb node.
//
//   memdb::ClientOptions options;
//   options.host = "127.0.0.1";
//   options.port = 7379;
//   options.key_id = "app";
//   options.secret = LoadSecret();
//   memdb::Client client(options);
//   if (memdb::Status s = client.Connect(); !s.ok()) { ... s.ToString() ... }
//   memdb::Result<memdb::Version> set = client.Set("k", "v");
//   memdb::Result<std::optional<memdb::VersionedValue>> got = client.Get("k");
//
//   // A quorum of the key's replicas, within 200 ms (see "Consistency levels" below).
//   memdb::RequestOptions quorum{memdb::Consistency::kQuorum, std::chrono::milliseconds(200)};
//   memdb::Result<std::optional<memdb::VersionedValue>> fresh = client.Get("k", quorum);
//
//   // Pipelining: many requests in flight on the one connection.
//   std::vector<std::future<memdb::Result<memdb::Version>>> writes;
//   for (...) writes.push_back(client.SetAsync(key, value));
//   for (auto& w : writes) { memdb::Result<memdb::Version> r = w.get(); ... }
//
// Connection. One TCP connection (TCP_NODELAY), authenticated with the HELLO / CHALLENGE /
// AUTH handshake. Requests are pipelined on it: each carries a request id and replies are
// matched by id, in whatever order the server sends them. Frames written by concurrent
// callers are coalesced into one write when they queue up behind each other.
//
// Threading. Every method is thread-safe and may be called from any number of threads at
// once. The client owns two background threads: a reader (one per connection) that decodes
// replies and completes the matching futures, and a timer that fails requests whose
// request_timeout has passed. Futures are completed on those threads; a future's value is
// owned by its holder. Destroy the client only once no other thread is inside one of its
// methods. Destruction closes the connection and completes every outstanding future with
// Code::kConnectionFailed; futures already handed out stay valid.
//
// Blocking. The *Async methods do not wait for the reply, but they do the work needed to put
// the request on the wire: when no connection is up and ClientOptions::reconnect is set, the
// call first connects (up to connect_timeout), and a write may block while the socket buffer
// is full (up to request_timeout). The synchronous methods are the *Async ones plus a wait.
//
// Errors. Nothing throws (short of std::bad_alloc). Every operation returns a Status or a
// Result<T>:
//   - the server's error code and message, as the server sent them (e.g. kKeyTooLarge);
//   - kTimeout: no reply within request_timeout (the request may still have been applied);
//   - kConnectionFailed: could not connect, or the connection broke while the request was in
//     flight (it may or may not have been applied) — including when the server answered
//     another request with an error that ends the connection; the next request reconnects;
//   - kAuthFailed: the server rejected the credentials (with the server's message);
//   - kInvalidArgument: the request is larger than ClientOptions::max_frame_bytes (checked
//     before sending: an oversize frame would make the server close the connection), or its
//     RequestOptions are out of range.
//
// Consistency levels and deadlines. Get, Set, Del and Contains take an optional
// memdb::RequestOptions (request_options.h): the consistency level (ONE, QUORUM, ALL, or the
// node's default) and a deadline for the coordinating node. Defaults go out as the plain
// opcodes; anything else as GET_CL / SET_CL / DEL_CL / CONTAINS_CL, whose replies are the plain
// ones (the timeout message names the _CL opcode: "GET_CL: no reply within 1200 ms"). What
// they add to the errors above:
//   - kUnavailable: fewer of the key's replicas are up than the level needs (the server's
//     message names them, e.g. "QUORUM needs 2 replicas, 1 up (node 3 down)"); nothing was
//     read or written — unless the message says the outcome is unknown (the replicas were up
//     but failed: for a write, as with kTimeout);
//   - kTimeout with the server's message (e.g. "QUORUM not reached in time: 1 of 2 replicas
//     answered"): the level was not reached by the deadline; a write's outcome is unknown (it
//     may or may not have been applied, on some replicas).
// With a deadline the client's own timeout becomes max(request_timeout, deadline +
// deadline_margin), so it does not fire before the node's answer. A lone node meets every level
// with its own copy.
//
// Session clock. Every reply carries the node's hybrid logical clock; the client keeps the
// highest value seen (last_seen_timestamp) and sends it with each request, so a later write
// is ordered after everything this client has read or written before.
#ifndef MEMDB_CLIENT_H_
#define MEMDB_CLIENT_H_

#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "memdb/client_options.h"
#include "memdb/cluster_info.h"
#include "memdb/compact_outcome.h"
#include "memdb/consistency.h"
#include "memdb/repair_progress.h"
#include "memdb/request_options.h"
#include "memdb/result.h"
#include "memdb/status.h"
#include "memdb/version.h"

namespace memdb {

// A stored value and the version that wrote it (pass the version to a later compare-and-set).
struct VersionedValue {
  std::string value;
  Version version;
};

namespace client_internal {
class ClientImpl;
}  // namespace client_internal

class Client {
 public:
  // Does not connect; see Connect(). Copies `options` (the caller's copy of the secret stays
  // the caller's to erase).
  explicit Client(const ClientOptions& options);
  // Closes the connection; outstanding futures complete with kConnectionFailed. Zeroes the
  // client's copy of the secret.
  ~Client();

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Opens and authenticates the connection if it is not already up. OK when it is.
  // kConnectionFailed (resolve/connect/handshake I/O failure or connect_timeout), kAuthFailed
  // with the server's message, or the server's error (e.g. kUnsupportedVersion).
  Status Connect();
  // Closes the connection; in-flight requests complete with kConnectionFailed. The client stays
  // usable: the next request reconnects if ClientOptions::reconnect is set, else call Connect().
  void Close();
  // True while a connection is established and has not been seen to break.
  bool IsConnected() const;

  // ---- synchronous API: each call waits for its reply ----

  // The value and its version, or std::nullopt when the key has no live value.
  Result<std::optional<VersionedValue>> Get(std::string_view key);
  // The version stamped on the write.
  Result<Version> Set(std::string_view key, std::string_view value);
  // Whether a live value existed (and was deleted).
  Result<bool> Del(std::string_view key);
  Result<bool> Contains(std::string_view key);
  // The same with a consistency level and deadline (see "Consistency levels" above).
  Result<std::optional<VersionedValue>> Get(std::string_view key, const RequestOptions& options);
  Result<Version> Set(std::string_view key, std::string_view value, const RequestOptions& options);
  Result<bool> Del(std::string_view key, const RequestOptions& options);
  Result<bool> Contains(std::string_view key, const RequestOptions& options);
  // A round trip to the server.
  Status Ping();
  // The node's counters (name, value) in the server's order: keys, store bytes, requests,
  // connections... (docs/protocol.md lists them).
  Result<std::vector<std::pair<std::string, uint64_t>>> Stats();
  // Asks the node to compact its operation log now (admin). Answers at once, without waiting
  // for the compaction: follow it with Stats() (compaction_running, compaction_phase,
  // compactions_completed, ...). kNotImplemented from a node that keeps no log.
  Result<CompactOutcome> Compact();
  // The answering node's view of the cluster (CLUSTER_INFO, admin): its members with their
  // status, up/down as that node sees them, generation, heartbeat, keys held and ring tokens.
  // A single node answers with a one-node view.
  Result<ClusterView> ClusterInfo();
  // Anti-entropy repair on the answering node (REPAIR, admin). kStart starts a repair of every
  // range the node replicates, unless one is running (started_now says which), and answers at
  // once; kStatus only reports. Poll with kStatus until `running` is false. kNotImplemented from
  // a node that does not replicate; kInvalidArgument for an action that is neither.
  Result<RepairProgress> Repair(RepairAction action);

  // ---- asynchronous API: many requests in flight on one connection ----
  // The key and value are copied into the request before the call returns.

  std::future<Result<std::optional<VersionedValue>>> GetAsync(std::string_view key);
  std::future<Result<Version>> SetAsync(std::string_view key, std::string_view value);
  std::future<Result<bool>> DelAsync(std::string_view key);
  std::future<Result<bool>> ContainsAsync(std::string_view key);
  std::future<Result<std::optional<VersionedValue>>> GetAsync(std::string_view key,
                                                              const RequestOptions& options);
  std::future<Result<Version>> SetAsync(std::string_view key, std::string_view value,
                                        const RequestOptions& options);
  std::future<Result<bool>> DelAsync(std::string_view key, const RequestOptions& options);
  std::future<Result<bool>> ContainsAsync(std::string_view key, const RequestOptions& options);
  std::future<Status> PingAsync();
  std::future<Result<std::vector<std::pair<std::string, uint64_t>>>> StatsAsync();
  std::future<Result<CompactOutcome>> CompactAsync();
  std::future<Result<ClusterView>> ClusterInfoAsync();
  std::future<Result<RepairProgress>> RepairAsync(RepairAction action);

  // ---- cluster routing hint ----

  // How many replies so far carried the NOT_OWNER flag: the node that answered is not one of
  // the key's replicas (it coordinated the request anyway; the reply is valid).
  // A caller routing keys by topology (memdb::ClusterClient) refreshes its view when this
  // grows. Counted before the reply's future is completed.
  uint64_t not_owner_replies() const;

  // ---- session clock ----

  // The highest HLC timestamp seen in any reply (or given to ObserveTimestamp, or
  // ClientOptions::initial_timestamp). Sent with every request.
  Timestamp last_seen_timestamp() const;
  // Raises the session clock to at least `ts` — e.g. a timestamp from another client, to
  // order this client's next writes after what that client saw.
  void ObserveTimestamp(Timestamp ts);

 private:
  std::unique_ptr<client_internal::ClientImpl> impl_;
};

}  // namespace memdb

#endif  // MEMDB_CLIENT_H_

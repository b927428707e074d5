// Node — one memdb node's core: the store, the hybrid clock and the request handlers.
//
// Sans-IO: a decoded request frame goes in, the reply frame comes out (appended to a buffer);
// time and randomness come from the injected PhysicalClock and Random. Later features add
// effects (log records, messages to peers) beside the reply; the handlers already keep "do the
// operation" (Get/Set/Del/Contains) apart from "parse the request and write the reply".
//
// Threading: owned by one event-loop thread; no method may be called concurrently.
#ifndef MEMDB_NODE_NODE_H_
#define MEMDB_NODE_NODE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/key_ring.h"
#include "cluster/hlc.h"
#include "common/clock.h"
#include "common/random.h"
#include "memdb/version.h"
#include "protocol/frame.h"
#include "protocol/messages.h"
#include "store/store.h"

namespace memdb {

// Counters only the runtime knows (connections); it keeps them up to date on the loop thread
// so STATS can report them.
struct ServerCounters {
  uint64_t connections_open = 0;
  uint64_t connections_accepted = 0;
  uint64_t connections_rejected = 0;  // over server.max_connections
  uint64_t auth_failures = 0;
};

struct NodeOptions {
  NodeId node_id = 1;
  protocol::Limits limits;
  bool auth_enabled = true;
  std::string server_name = "memdb";
  uint64_t max_clock_skew_ms = HybridClock::kDefaultMaxForwardSkewMs;
};

class Node {
 public:
  // `clock` and `random` must outlive the node.
  Node(NodeOptions options, auth::KeyRing keys, PhysicalClock* clock, Random* random);
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // ---- operations: act on the store, stamp with the clock ----
  // Views in the result are valid until the next mutation of the store.
  protocol::GetResult Get(std::string_view key) const;
  Version Set(std::string_view key, std::string_view value);
  protocol::DelResult Del(std::string_view key);
  bool Contains(std::string_view key) const;
  // Every counter STATS reports: store, clock, requests and the runtime's ServerCounters.
  std::vector<protocol::Stat> Stats() const;

  // ---- request handling ----
  // Handles one request frame from an authenticated session (any opcode but HELLO/AUTH, which
  // the Session owns): observes the request timestamp, runs the operation, appends exactly one
  // reply frame (a response or an error response) to `out`.
  void HandleRequest(const protocol::Frame& frame, std::string* out);

  const NodeOptions& options() const { return options_; }
  const auth::KeyRing& keys() const { return keys_; }
  Random& random() { return *random_; }
  HybridClock& clock() { return clock_; }
  const Store& store() const { return store_; }
  ServerCounters& server_counters() { return server_counters_; }

 private:
  NodeOptions options_;
  auth::KeyRing keys_;
  Random* random_;
  HybridClock clock_;
  Store store_;
  ServerCounters server_counters_;
  uint64_t requests_ = 0;
  uint64_t request_errors_ = 0;
};

}  // namespace memdb

#endif  // MEMDB_NODE_NODE_H_

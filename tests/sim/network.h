// Network — the simulated network between node addresses (docs/simulator.md, "Faults").
//
// A request travels from one endpoint to another as an event owned by the destination; the
// destination's handler answers at once and the answer travels back as an event owned by the
// requester. Each trip, independently:
//   - is lost with probability `drop` (conditions), or when the link from sender to receiver is
//     blocked by a partition — checked when sent and again when it arrives;
//   - is delivered twice with probability `duplicate` (each copy with its own latency);
//   - takes a latency drawn from the LatencyModel, so messages reorder whenever latency varies;
//   - is lost when the destination is down (no handler: crashed, not started).
// A paused destination receives nothing until it resumes (its delivery events are deferred by
// the World), like a SIGSTOPped process whose socket buffers fill.
//
// Partitions are a matrix of blocked directed links: Partition(a, b) blocks both directions,
// Block(from, to) one direction; Heal() opens every link. The nemesis builds the named shapes
// (minority/majority, one-way, bridge) from these two (nemesis.h).
//
// All randomness comes from one stream seeded by the World. Not thread-safe.
#ifndef MEMDB_TESTS_SIM_NETWORK_H_
#define MEMDB_TESTS_SIM_NETWORK_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/random.h"
#include "memdb/status.h"
#include "memdb/version.h"
#include "world.h"

namespace memdb::sim {

// How long one trip takes, in ms.
struct LatencyModel {
  enum class Kind : uint8_t { kFixed, kUniform, kLongTail };
  Kind kind = Kind::kUniform;
  uint64_t min_ms = 1;  // kFixed: the latency; kUniform/kLongTail: the usual range
  uint64_t max_ms = 5;
  double tail_probability = 0;  // kLongTail: with this probability, [tail_min_ms, tail_max_ms]
  uint64_t tail_min_ms = 0;
  uint64_t tail_max_ms = 0;

  static LatencyModel Fixed(uint64_t ms);
  static LatencyModel Uniform(uint64_t min_ms, uint64_t max_ms);
  // Mostly [min_ms, max_ms], occasionally (probability p) [tail_min_ms, tail_max_ms].
  static LatencyModel LongTail(uint64_t min_ms, uint64_t max_ms, double p, uint64_t tail_min_ms,
                               uint64_t tail_max_ms);

  uint64_t Sample(Random& random) const;
  // The longest latency it can draw.
  uint64_t Max() const;
  std::string Describe() const;
};

struct NetworkConditions {
  LatencyModel latency;
  double drop = 0;       // probability that one trip is lost
  double duplicate = 0;  // probability that one trip arrives twice
  std::string Describe() const;
};

// A node's answer to a request.
struct Reply {
  Status status;            // kOk, or the error the node answered with
  Timestamp timestamp = 0;  // the node's hybrid clock after handling
  std::string body;
};

struct NetworkStats {
  uint64_t sent = 0;        // trips started (requests + replies)
  uint64_t delivered = 0;   // copies handed to their destination
  uint64_t dropped = 0;     // lost: loss, partition or destination down
  uint64_t duplicated = 0;  // extra copies
  uint64_t bytes = 0;       // body bytes of delivered copies
};

// True with probability p.
bool Chance(Random& random, double p);

class Network {
 public:
  using EndpointId = uint32_t;
  using RequestHandler =
      std::function<Reply(uint8_t opcode, Timestamp timestamp, std::string_view body)>;
  using ReplyHandler = std::function<void(const Reply&)>;
  // A request as an asynchronous handler sees it.
  struct Request {
    EndpointId from;
    uint8_t opcode;
    uint64_t request_id;
    Timestamp timestamp;
    std::string_view body;  // valid during the handler call only
  };
  // Sends the reply back (as a new trip, at the time it is called). Call it at most once; a
  // handler may keep it and call it from a later event of the destination (a reply held back
  // by the operation log, or deferred until the node's own requests complete).
  using Respond = std::function<void(Reply)>;
  using AsyncRequestHandler = std::function<void(const Request& request, Respond respond)>;

  Network(World* world, uint64_t seed, NetworkConditions conditions = {});

  // A new endpoint at `address`, whose events belong to `owner`. Down until SetHandler.
  EndpointId Attach(std::string address, OwnerId owner);
  // The node's request handler; nullptr when it is down (crashed).
  void SetHandler(EndpointId endpoint, RequestHandler handler);
  // Same, for a handler that may answer later (nullptr: down).
  void SetAsyncHandler(EndpointId endpoint, AsyncRequestHandler handler);
  // Trips from or to `endpoint` are never duplicated (loss, partitions and latency still
  // apply): a client's requests ride a TCP connection, and a real client never sends a write
  // twice by accident, while node-to-node messages model retries and are idempotent.
  void SetNoDuplicates(EndpointId endpoint) { endpoints_[endpoint].no_duplicates = true; }
  // The endpoint at `address`, if any.
  bool Lookup(const std::string& address, EndpointId* endpoint) const;
  const std::string& address(EndpointId endpoint) const { return endpoints_[endpoint].address; }
  size_t endpoint_count() const { return endpoints_.size(); }

  // Sends a request; `on_reply` runs (as an event of `from`'s owner) once for every copy of
  // the reply that arrives: zero, one or more times. `request_id` only labels trace lines.
  void SendRequest(EndpointId from, EndpointId to, uint8_t opcode, Timestamp timestamp,
                   std::string body, uint64_t request_id, ReplyHandler on_reply);

  // ---- conditions and partitions ----
  void SetConditions(NetworkConditions conditions);
  const NetworkConditions& conditions() const { return conditions_; }
  // Blocks every link from a node of `from` to a node of `to` (one direction).
  void Block(const std::vector<EndpointId>& from, const std::vector<EndpointId>& to);
  // Blocks both directions between `a` and `b`.
  void Partition(const std::vector<EndpointId>& a, const std::vector<EndpointId>& b);
  // Opens every link.
  void Heal();
  bool Connected(EndpointId from, EndpointId to) const { return !blocked_[from][to]; }
  bool partitioned() const { return blocked_links_ > 0; }

  const NetworkStats& stats() const { return stats_; }

 private:
  struct Endpoint {
    std::string address;
    OwnerId owner;
    AsyncRequestHandler handler;
    bool no_duplicates = false;
  };
  struct Trip;

  // Decides loss/duplicates/latency of one trip and schedules its copies.
  void Launch(std::shared_ptr<const Trip> trip);
  void Arrive(const std::shared_ptr<const Trip>& trip, uint32_t copy);
  std::string Describe(const Trip& trip) const;

  World* world_;
  SeededRandom random_;
  NetworkConditions conditions_;
  std::vector<Endpoint> endpoints_;
  std::vector<std::vector<bool>> blocked_;  // [from][to]
  uint64_t blocked_links_ = 0;
  NetworkStats stats_;
};

}  // namespace memdb::sim

#endif  // MEMDB_TESTS_SIM_NETWORK_H_

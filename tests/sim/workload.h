// Workload — simulated clients for the replication scenario (docs/simulator.md). Each client
// is an endpoint "client<k>:0" on the simulated network with its own SimTransport and event
// owner (never paused or crashed), running a closed loop: pick an operation, send it to a
// random node (up or not), wait for the answer or its own timeout, think, repeat. Requests
// are the wire frames a real client sends (protocol::Append*RequestCl): GET_CL / SET_CL /
// DEL_CL with a level (mostly QUORUM, some ONE and ALL) and a deadline; each carries the
// highest hybrid timestamp the client has seen, as the real clients do.
//
// Keys come from a small key space ("k0".."k19") so operations conflict; every SET writes a
// value no other write uses ("c<client>-<n>"), so a read identifies the write it saw. Every
// request and its outcome goes into the History (history.h).
#ifndef MEMDB_TESTS_SIM_WORKLOAD_H_
#define MEMDB_TESTS_SIM_WORKLOAD_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "history.h"
#include "sim_cluster.h"
#include "sim_transport.h"

namespace memdb::sim {

struct WorkloadOptions {
  uint32_t clients = 4;
  uint32_t keys = 20;
  uint32_t deadline_ms = 1000;        // in the _CL prefix: the node answers within this
  uint64_t client_timeout_ms = 2500;  // the client gives up (outcome unknown)
  uint64_t think_min_ms = 5;          // between an answer and the next request
  uint64_t think_max_ms = 60;
  uint32_t get_percent = 45;  // the rest: SET, and DEL
  uint32_t del_percent = 15;
  uint32_t one_percent = 10;  // level ONE; ALL as often; QUORUM the rest
  uint32_t all_percent = 10;
};

class Workload {
 public:
  Workload(SimCluster* cluster, const WorkloadOptions& options, uint64_t seed);
  ~Workload();
  Workload(const Workload&) = delete;
  Workload& operator=(const Workload&) = delete;

  // Clients start issuing at `at_ms` (each after a random delay below its think time).
  void Start(uint64_t at_ms);
  // No new requests from now on; those in flight still complete (or time out).
  void Stop() { running_ = false; }
  size_t in_flight() const { return in_flight_; }
  const History& history() const { return history_; }
  std::string KeyName(uint32_t k) const { return "k" + std::to_string(k); }
  const WorkloadOptions& options() const { return options_; }

 private:
  struct Client;
  void Issue(Client& client);
  void Complete(Client& client, uint64_t op, const cluster::PeerResponse& response);

  SimCluster* cluster_;
  WorkloadOptions options_;
  SeededRandom random_;
  std::vector<std::unique_ptr<Client>> clients_;
  History history_;
  bool running_ = false;
  size_t in_flight_ = 0;
};

}  // namespace memdb::sim

#endif  // MEMDB_TESTS_SIM_WORKLOAD_H_

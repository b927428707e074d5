// memdb::Config — every setting of the daemon, with its default.
//
// Sources, highest precedence first: command-line flag > MEMDB_* environment variable >
// YAML file > the defaults below. config/memdb.yaml documents every setting; the loader
// (config_loader.h) is the only code that reads the sources.
#ifndef MEMDB_CONFIG_CONFIG_H_
#define MEMDB_CONFIG_CONFIG_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "auth/key_ring.h"
#include "protocol/frame.h"

namespace memdb {

struct ServerConfig {
  std::string bind = "127.0.0.1";  // server.bind / --bind / MEMDB_SERVER_BIND
  uint16_t port = 7379;            // 0 = pick an ephemeral port (printed at start)
  uint32_t max_connections = 10000;
  uint32_t idle_timeout_ms = 300000;  // close authenticated connections idle this long; 0 = never
  uint32_t handshake_timeout_ms = 5000;          // HELLO+AUTH must finish within this
  uint32_t shutdown_grace_ms = 5000;             // time to finish in-flight requests on SIGTERM
  uint32_t max_output_buffer_bytes = 64u << 20;  // per connection; stop reading above this
};

struct AuthConfig {
  bool enabled = true;
  // key id -> secret: every key in effect, from auth.client_keys and auth.client_keys_file.
  std::map<std::string, std::string> client_keys;
  std::string client_keys_file;  // file of "id:secret" lines that was read; empty = none
  std::string cluster_key;       // node-to-node secret: peers authenticate with key id "cluster"
};

// Clustering (docs/cluster.md). Peers connect to the client port and authenticate with the
// key id kClusterKeyId and auth.cluster_key.
struct ClusterConfig {
  std::string name = "memdb";      // nodes of different clusters ignore each other's gossip
  std::vector<std::string> seeds;  // "host:port" of nodes to contact at start
  std::string advertise;           // "host:port" others reach this node at; "" = bind:port
  uint32_t tokens_per_node = 256;  // first start only
  uint32_t gossip_interval_ms = 1000;
  double phi_threshold = 8.0;
  uint32_t peer_timeout_ms = 2000;
  uint32_t peer_connect_timeout_ms = 1000;
};

// The key id a node authenticates with when it connects to a peer; no client key may use it.
inline constexpr std::string_view kClusterKeyId = auth::kClusterKeyId;

// The operation log (docs/oplog.md). Strings are checked against their allowed values by
// validation; main turns them into the oplog's enums.
struct OplogConfig {
  bool enabled = true;
  std::string dir;                      // "" = <data_dir>/oplog
  std::string fsync = "always";         // always | interval | never
  uint32_t fsync_interval_ms = 1000;    // interval only
  uint32_t group_commit_wait_us = 200;  // always only: see config/memdb.yaml
  uint64_t segment_bytes = uint64_t{64} << 20;
  uint64_t max_pending_bytes = uint64_t{64} << 20;  // stop reading clients above this
  std::string recovery_mode = "strict";             // strict | skip_corrupt
  uint64_t tombstone_grace_ms = 864'000'000;        // 10 days
  double compaction_max_log_ratio = 2.0;
  uint64_t compaction_min_log_bytes = uint64_t{64} << 20;
};

// Replication (docs/cluster.md, "Replication"). Levels are checked by validation; main turns
// them into memdb::Consistency. Tombstone grace is oplog.tombstone_grace_ms.
struct ReplicationConfig {
  uint32_t factor = 3;                      // copies of every key
  std::string read_consistency = "quorum";  // one | quorum | all, for requests without one
  std::string write_consistency = "quorum";
  uint32_t request_timeout_ms = 2000;  // deadline of a request without its own
  bool hints_enabled = true;
  uint64_t hints_window_ms = 3 * 3600 * 1000;  // stop hinting a replica down longer than this
  uint64_t hints_max_bytes = uint64_t{1} << 30;
  uint32_t hints_max_in_flight = 64;  // handoff: REPLICA_WRITEs outstanding per target
  uint64_t catchup_margin_ms = 10'000;
  uint64_t anti_entropy_interval_ms = 3600 * 1000;  // 0 = only on demand (memdb-cli repair)
};

struct Config {
  ServerConfig server;
  protocol::Limits limits;
  AuthConfig auth;
  ClusterConfig cluster;
  std::string data_dir = "var/data";
  uint32_t node_id = 0;  // id to use at first start (0 = random); must match the stored identity
  OplogConfig oplog;
  ReplicationConfig replication;
  std::string log_level = "info";  // trace, debug, info, warn, error, critical, off
  std::string config_path;         // the file that was loaded, empty if none
};

}  // namespace memdb

#endif  // MEMDB_CONFIG_CONFIG_H_

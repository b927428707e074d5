#include "config/validation.h"

#include <string>

#include "common/host_port.h"
#include "config/client_keys.h"
#include "config/settings.h"
#include "oplog/record.h"

namespace memdb {

namespace {

void CheckLimits(const protocol::Limits& limits, config::Errors* errors) {
  if (limits.max_key_bytes == 0 || limits.max_value_bytes == 0) return;  // reported already
  uint64_t needed = uint64_t{limits.max_key_bytes} + limits.max_value_bytes + kFrameOverheadBytes;
  if (limits.max_frame_bytes < needed) {
    errors->Add("limits.max_frame_bytes: \"" + std::to_string(limits.max_frame_bytes) +
                "\" cannot hold a request with a largest key and value: it must be at least "
                "limits.max_key_bytes (" +
                std::to_string(limits.max_key_bytes) + ") + limits.max_value_bytes (" +
                std::to_string(limits.max_value_bytes) + ") + " +
                std::to_string(kFrameOverheadBytes) + " = " + std::to_string(needed) +
                "; raise max_frame_bytes or lower the other two");
  }
}

void CheckAuth(const AuthConfig& auth, config::Errors* errors) {
  for (const auto& [id, secret] : auth.client_keys) {
    if (!config::IsValidKeyId(id)) {
      errors->Add("auth.client_keys: a key id is not valid (allowed: " + config::KeyIdRule() +
                  "; the id is not shown in case it is a secret)");
      continue;
    }
    if (id == kClusterKeyId) {
      errors->Add(
          "auth.client_keys[cluster]: the key id \"cluster\" is reserved for the nodes "
          "of the cluster (they authenticate with it and auth.cluster_key); give this "
          "client key another id");
      continue;
    }
    config::CheckSecret("auth.client_keys[" + id + "]", secret, "", errors);
  }
  if (!auth.cluster_key.empty())
    config::CheckSecret("auth.cluster_key", auth.cluster_key, "", errors);
  if (auth.enabled && auth.client_keys.empty()) {
    errors->Add(
        "auth.enabled is true but no client key is configured, so no client could connect: "
        "add a key (auth.client_keys, auth.client_keys_file, --auth-client-key ID:SECRET or "
        "MEMDB_AUTH_CLIENT_KEYS=id:secret) or set auth.enabled=false explicitly "
        "(--auth-enabled=false, MEMDB_AUTH_ENABLED=false)");
  }
}

// The longest address gossip carries (cluster::kMaxAddressBytes; config does not link the
// cluster module). A longer one would make every gossip message of this node undecodable.
constexpr size_t kMaxAdvertiseBytes = 256;

constexpr char kHostPortRule[] =
    "host:port (a host name or IP address, [v6] in brackets; port 1-65535)";

void CheckCluster(const Config& config, config::Errors* errors) {
  const ClusterConfig& cluster = config.cluster;
  if (cluster.name.empty() || cluster.name.size() > 256) {
    errors->Add("cluster.name: " + config::Quote(cluster.name) +
                " is not a cluster name (1-256 characters)");
  }
  HostPort parsed;
  for (const std::string& seed : cluster.seeds) {
    if (!ParseHostPort(seed, &parsed)) {
      errors->Add("cluster.seeds: " + config::Quote(seed) + " is not " + kHostPortRule);
    }
  }
  if (!cluster.advertise.empty()) {
    if (!ParseHostPort(cluster.advertise, &parsed)) {
      errors->Add("cluster.advertise: " + config::Quote(cluster.advertise) + " is not " +
                  kHostPortRule);
    } else if (cluster.advertise.size() > kMaxAdvertiseBytes) {
      errors->Add("cluster.advertise: " + config::Quote(cluster.advertise) + " is " +
                  std::to_string(cluster.advertise.size()) +
                  " characters; gossip carries at most " + std::to_string(kMaxAdvertiseBytes));
    } else if (IsWildcardAddress(parsed.host)) {
      errors->Add("cluster.advertise: " + config::Quote(cluster.advertise) +
                  " is a wildcard address that other nodes cannot connect to; give this node's "
                  "reachable address");
    }
  } else if (IsWildcardAddress(config.server.bind)) {
    errors->Add("cluster.advertise must be set when server.bind is " +
                config::Quote(config.server.bind) +
                " (a wildcard): other nodes and clients need an address they can reach this "
                "node at, e.g. cluster.advertise: 10.0.0.5:" +
                std::to_string(config.server.port));
  }
  if (!cluster.seeds.empty() && config.auth.enabled && config.auth.cluster_key.empty()) {
    errors->Add(
        "cluster.seeds is set but auth.cluster_key is not: nodes authenticate to each other "
        "with the cluster key; set the same auth.cluster_key on every node "
        "(MEMDB_AUTH_CLUSTER_KEY)");
  }
}

// Every write the limits allow must fit one log record.
void CheckOplog(const Config& config, config::Errors* errors) {
  if (!config.oplog.enabled) return;
  const protocol::Limits& limits = config.limits;
  const uint64_t body =
      uint64_t{limits.max_key_bytes} + limits.max_value_bytes + oplog::kRecordBodyFixedSize;
  if (body > oplog::kMaxRecordBody) {
    errors->Add("limits.max_key_bytes (" + std::to_string(limits.max_key_bytes) +
                ") + limits.max_value_bytes (" + std::to_string(limits.max_value_bytes) +
                ") is too large for the operation log: a record holds at most " +
                std::to_string(oplog::kMaxRecordBody - oplog::kRecordBodyFixedSize) +
                " bytes of key and value; lower the limits (or set oplog.enabled=false)");
  }
}

// A deleted key must never come back: its tombstone has to outlive every way an older copy of
// the key can still travel — a hint, and a replica not yet repaired by anti-entropy.
void CheckReplication(const Config& config, config::Errors* errors) {
  const ReplicationConfig& r = config.replication;
  const uint64_t grace = config.oplog.tombstone_grace_ms;
  if (r.hints_enabled && r.hints_window_ms >= grace) {
    errors->Add("replication.hints.window_ms (" + std::to_string(r.hints_window_ms) +
                ") must be shorter than oplog.tombstone_grace_ms (" + std::to_string(grace) +
                "): a hint older than the grace period could bring a deleted key back");
  }
  // A write's REPLICA_WRITE may still be on its way to a replica for up to the deadline (then
  // the coordinator hints it): a restarted replica's catch-up window must reach back that far.
  if (r.catchup_margin_ms < r.request_timeout_ms) {
    errors->Add("replication.catchup.margin_ms (" + std::to_string(r.catchup_margin_ms) +
                ") must be at least replication.request_timeout_ms (" +
                std::to_string(r.request_timeout_ms) +
                "): a write can reach a replica up to a deadline after it was stamped, and a "
                "restarted replica must fetch everything it may not have received");
  }
  if (r.anti_entropy_interval_ms > 0 && r.anti_entropy_interval_ms >= grace) {
    errors->Add("replication.anti_entropy_interval_ms (" +
                std::to_string(r.anti_entropy_interval_ms) +
                ") must be shorter than oplog.tombstone_grace_ms (" + std::to_string(grace) +
                "): every replica must be repaired within the grace period, or a deleted key "
                "could come back");
  }
}

}  // namespace

Status ValidateConfig(const Config& config) {
  config::Errors errors;
  for (const config::Setting& setting : config::AllSettings()) {
    config::CheckTableValue(setting, config, &errors);
  }
  if (config.server.bind.empty()) {
    errors.Add(
        "server.bind: \"\" is not an address; use 127.0.0.1 (local only), 0.0.0.0 or :: "
        "(all interfaces) or a host name");
  }
  if (config.data_dir.empty()) errors.Add("data_dir: \"\" is not a directory path");
  CheckLimits(config.limits, &errors);
  CheckOplog(config, &errors);
  CheckReplication(config, &errors);
  CheckAuth(config.auth, &errors);
  CheckCluster(config, &errors);
  return errors.ToStatus();
}

}  // namespace memdb

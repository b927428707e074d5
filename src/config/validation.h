// ValidateConfig: the checks a Config must pass before the daemon uses it, whatever built it
// (LoadConfig runs them; code that builds a Config by hand, such as tests, should too).
#ifndef MEMDB_CONFIG_VALIDATION_H_
#define MEMDB_CONFIG_VALIDATION_H_

#include "config/config.h"
#include "memdb/status.h"

namespace memdb {

// OK, or kInvalidArgument listing every problem, one per line. Each line names the setting,
// the bad value (never a secret) and what is allowed. Checks:
//   - each number within its range (server.port 0-65535, server.max_connections >= 1,
//     server.handshake_timeout_ms >= 1, server.max_output_buffer_bytes >= 1, limits.* >= 1);
//   - limits.max_frame_bytes >= limits.max_key_bytes + limits.max_value_bytes + 64;
//   - server.bind and data_dir not empty; log.level a known level;
//   - client key ids and secrets well formed (the id "cluster" is reserved for peers);
//     cluster_key, when set, well formed;
//   - cluster.seeds and cluster.advertise of the form host:port; cluster.advertise required
//     when server.bind is a wildcard (0.0.0.0, ::); seeds with auth enabled need
//     auth.cluster_key;
//   - auth.enabled with no client key is refused (the server cannot accept anyone);
//   - with oplog.enabled, the largest key + value must fit one log record (64 MiB);
//     oplog.fsync and oplog.recovery_mode must be one of their words.
Status ValidateConfig(const Config& config);

// Bytes of a request frame body beyond its key and value (lengths, flags, timestamps) that
// limits.max_frame_bytes must leave room for.
inline constexpr uint32_t kFrameOverheadBytes = 64;

}  // namespace memdb

#endif  // MEMDB_CONFIG_VALIDATION_H_

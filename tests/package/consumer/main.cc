// Compiles against the installed headers and links the installed archives (the whole chain:
// client -> protocol -> auth -> OpenSSL, threads; ClusterClient -> ring). Runs without a
// server: connecting to a port nobody listens on must fail cleanly with CONNECTION_FAILED.
#include <chrono>
#include <cstdio>

#include "memdb/client.h"
#include "memdb/cluster_client.h"

int main() {
  memdb::ClientOptions options;
  options.host = "127.0.0.1";
  options.port = 1;  // privileged and unused: connection refused
  options.key_id = "consumer";
  options.secret = "not-a-real-secret";
  options.connect_timeout = std::chrono::milliseconds(2000);
  memdb::Client client(options);

  memdb::Status connect = client.Connect();
  memdb::Result<memdb::Version> set = client.Set("k", "v");
  std::printf("connect: %s\nset: %s\nlast seen timestamp: %llu\n", connect.ToString().c_str(),
              set.status().ToString().c_str(),
              static_cast<unsigned long long>(client.last_seen_timestamp()));
  if (connect.code() != memdb::Code::kConnectionFailed ||
      set.status().code() != memdb::Code::kConnectionFailed) {
    std::printf("FAIL: expected CONNECTION_FAILED\n");
    return 1;
  }

  memdb::ClusterClientOptions cluster_options;
  cluster_options.seeds = {"127.0.0.1:1"};
  cluster_options.client = options;
  memdb::ClusterClient cluster(cluster_options);
  memdb::Result<memdb::Version> routed = cluster.Set("k", "v");
  std::printf("cluster set: %s\n", routed.status().ToString().c_str());
  if (routed.status().code() != memdb::Code::kConnectionFailed) {
    std::printf("FAIL: expected CONNECTION_FAILED from the cluster client\n");
    return 1;
  }
  std::printf("OK\n");
  return 0;
}

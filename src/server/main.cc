// memdb — the node daemon: command line -> config -> logging -> node -> operation log recovery
// -> runtime.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "auth/key_ring.h"
#include "cluster/gossip_driver.h"
#include "cluster/membership.h"
#include "common/host_port.h"
#include "config/config_loader.h"
#include "io/posix_file_system.h"
#include "net/peer_pool.h"
#include "net/server.h"
#include "net/system_env.h"
#include "node/node.h"
#include "oplog/oplog_writer.h"
#include "oplog/recovery.h"

#ifndef MEMDB_VERSION_STRING
#define MEMDB_VERSION_STRING "0.0.0"
#endif

namespace {

constexpr const char* kVersion = MEMDB_VERSION_STRING;

std::string OplogDir(const memdb::Config& config) {
  if (!config.oplog.dir.empty()) return config.oplog.dir;
  return (std::filesystem::path(config.data_dir) / "oplog").string();
}

// Replays the log into `node` and attaches a writer to it. False (after logging why) when
// the node must not start.
bool OpenOplog(const memdb::Config& config, memdb::FileSystem* fs, memdb::Node* node) {
  namespace oplog = memdb::oplog;
  const memdb::OplogConfig& c = config.oplog;
  const std::string dir = OplogDir(config);
  auto policy = oplog::ParseFsyncPolicy(c.fsync);
  if (!policy.ok()) {
    spdlog::critical("{}", policy.status().message());
    return false;
  }
  const oplog::ReadMode mode =
      c.recovery_mode == "skip_corrupt" ? oplog::ReadMode::kSkipCorrupt : oplog::ReadMode::kStrict;
  if (memdb::Status s = fs->CreateDir(dir); !s.ok()) {
    spdlog::critical("operation log: {}", s.message());
    return false;
  }

  const auto start = std::chrono::steady_clock::now();
  auto report = node->Recover(fs, oplog::RecoveryOptions{dir, mode, /*repair=*/true});
  const uint64_t elapsed_ms =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - start)
                                .count());
  if (!report.ok()) {
    spdlog::critical("cannot start: the operation log in {} is damaged: {}", dir,
                     report.status().message());
    spdlog::critical(
        "memdb-check-log {} lists the damage; to start anyway, losing the damaged records, set "
        "oplog.recovery_mode: skip_corrupt (docs/oplog.md, section 7)",
        dir);
    return false;
  }
  for (const std::string& warning : report->warnings) {
    spdlog::warn("operation log: {}", warning);
  }
  if (report->created) {
    spdlog::info("operation log: new log in {}", dir);
  } else {
    const double seconds = static_cast<double>(elapsed_ms) / 1000.0;
    spdlog::info(
        "operation log: replayed {} records ({} applied) from {} segment(s), {} bytes, in {} ms "
        "({:.0f} records/s); {} keys; clock at {}",
        report->records_replayed, report->records_applied, report->segments_replayed,
        report->bytes_replayed, elapsed_ms,
        seconds > 0 ? static_cast<double>(report->records_replayed) / seconds : 0.0,
        node->store().size(), node->clock().Current());
  }
  node->oplog_counters().recovery_ms = elapsed_ms;

  oplog::OplogWriterOptions writer_options;
  writer_options.dir = dir;
  writer_options.segment_bytes = c.segment_bytes;
  writer_options.fsync = *policy;
  writer_options.fsync_interval_ms = c.fsync_interval_ms;
  memdb::MaintenanceOptions maintenance;
  maintenance.policy.max_log_ratio = c.compaction_max_log_ratio;
  maintenance.policy.min_log_bytes = c.compaction_min_log_bytes;
  maintenance.tombstone_grace_ms = c.tombstone_grace_ms;
  maintenance.read_mode = mode;
  node->AttachOplog(std::make_unique<oplog::OplogWriter>(writer_options, report->writer_start()),
                    maintenance);
  if (*policy == oplog::FsyncPolicy::kInterval) {
    spdlog::info(
        "operation log: fsync interval ({} ms): a write is acknowledged once written "
        "to the OS; a power loss can lose the last {} ms",
        c.fsync_interval_ms, c.fsync_interval_ms);
  } else {
    spdlog::info("operation log: fsync {}", oplog::FsyncPolicyName(*policy));
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    auto loaded = memdb::LoadConfig(argc, argv, memdb::CurrentEnvironment(), kVersion);
    if (!loaded.ok()) {
      const memdb::Status& s = loaded.status();
      if (s.code() == memdb::Code::kInvalidArgument) {
        // One problem per line, each naming the setting, the value and its source.
        std::string text = s.message();
        std::fprintf(stderr, "memdb: invalid configuration:\n");
        size_t start = 0;
        while (start < text.size()) {
          size_t end = text.find('\n', start);
          if (end == std::string::npos) end = text.size();
          std::fprintf(stderr, "  %s\n", text.substr(start, end - start).c_str());
          start = end + 1;
        }
      } else {
        std::fprintf(stderr, "memdb: %s\n", s.ToString().c_str());
      }
      return 2;
    }
    const memdb::CommandLine& cli = loaded.value();
    if (cli.action == memdb::CommandLine::Action::kExit) {
      std::fputs(cli.output.c_str(), cli.exit_code == 0 ? stdout : stderr);
      return cli.exit_code;
    }
    if (cli.action == memdb::CommandLine::Action::kPrintConfig) {
      for (const auto& w : cli.warnings) std::fprintf(stderr, "memdb: warning: %s\n", w.c_str());
      std::fputs(cli.output.c_str(), stdout);
      return 0;
    }
    const memdb::Config& config = cli.config;

    auto logger = spdlog::stderr_color_mt("memdb");
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    spdlog::set_level(spdlog::level::from_str(config.log_level));

    for (const auto& w : cli.warnings) spdlog::warn("{}", w);

    memdb::SystemClock clock;
    memdb::SteadyClock steady;
    memdb::SecureRandom random;
    memdb::PosixFileSystem fs;

    // Declaration order is destruction order reversed: the node and the membership outlive the
    // server (its connections point at the node); the peer pool and the gossip driver go before
    // it (their sockets and timers live on its io_context).
    std::unique_ptr<memdb::cluster::Membership> membership;
    std::unique_ptr<memdb::Node> node;
    // Listen first: the advertised address defaults to the bound one (port 0: the port bound).
    memdb::net::Server server(config.server);
    if (memdb::Status s = server.Listen(); !s.ok()) {
      spdlog::critical("{}", s.message());
      return 1;
    }
    const std::string advertise = config.cluster.advertise.empty()
                                      ? memdb::FormatHostPort(config.server.bind, server.port())
                                      : config.cluster.advertise;

    // Identity (id, tokens, generation bumped) and the members remembered from the last run.
    if (memdb::Status s = fs.CreateDir(config.data_dir); !s.ok()) {
      spdlog::critical("data_dir: {}", s.message());
      return 1;
    }
    memdb::cluster::MembershipOptions membership_options;
    membership_options.identity.data_dir = config.data_dir;
    membership_options.identity.tokens_per_node = config.cluster.tokens_per_node;
    membership_options.identity.requested_id = config.node_id;
    membership_options.gossip.cluster_name = config.cluster.name;
    membership_options.gossip.address = advertise;
    membership_options.gossip.seeds = config.cluster.seeds;
    membership_options.gossip.interval_ms = config.cluster.gossip_interval_ms;
    membership_options.gossip.failure_detector.phi_threshold = config.cluster.phi_threshold;
    membership_options.gossip.failure_detector.initial_interval_ms =
        config.cluster.gossip_interval_ms;
    // Longer gaps are outages, not the rhythm; heartbeats cannot be new more often than once a
    // round, so the mean never goes below it (failure_detector.h).
    membership_options.gossip.failure_detector.max_interval_ms =
        2 * uint64_t{config.cluster.gossip_interval_ms};
    membership_options.gossip.failure_detector.min_interval_ms = config.cluster.gossip_interval_ms;
    auto opened = memdb::cluster::Membership::Open(&fs, membership_options, &random);
    if (!opened.ok()) {
      spdlog::critical("cannot start: cluster identity: {}", opened.status().message());
      return 1;
    }
    membership = std::move(opened.value());
    const memdb::cluster::NodeIdentity& identity = membership->identity();
    const memdb::NodeId node_id = identity.id;

    memdb::NodeOptions options;
    options.node_id = node_id;
    options.limits = config.limits;
    options.auth_enabled = config.auth.enabled;
    options.server_name = std::string("memdb ") + kVersion;
    memdb::auth::KeyRing keys;
    for (const auto& [id, secret] : config.auth.client_keys) keys.Add(id, secret);
    keys.SetClusterSecret(config.auth.cluster_key);
    node = std::make_unique<memdb::Node>(options, std::move(keys), &clock, &random);

    memdb::net::OplogRuntimeOptions oplog_options;
    if (config.oplog.enabled) {
      if (!OpenOplog(config, &fs, node.get())) return 1;
      oplog_options.max_pending_bytes = config.oplog.max_pending_bytes;
      oplog_options.group_commit_wait_us = config.oplog.group_commit_wait_us;
    } else {
      spdlog::warn("operation log disabled (oplog.enabled=false): data lives in memory only");
    }
    server.AttachNode(node.get(), &fs, oplog_options);

    memdb::net::PeerPoolOptions pool_options;
    pool_options.cluster_key = config.auth.cluster_key;
    pool_options.client_name = "memdb node " + std::to_string(node_id);
    pool_options.connect_timeout_ms = config.cluster.peer_connect_timeout_ms;
    pool_options.request_timeout_ms = config.cluster.peer_timeout_ms;
    pool_options.limits = config.limits;
    memdb::net::PeerPool peer_pool(server.io(), pool_options);
    memdb::cluster::GossipDriver gossip(membership.get(), &peer_pool, &node->clock(), &steady);
    node->AttachCluster(&gossip, &steady);
    {
      const memdb::ReplicationConfig& r = config.replication;
      memdb::ReplicationOptions replication;
      replication.replication_factor = r.factor;
      replication.read_consistency =
          memdb::ParseConsistency(r.read_consistency).value_or(memdb::Consistency::kQuorum);
      replication.write_consistency =
          memdb::ParseConsistency(r.write_consistency).value_or(memdb::Consistency::kQuorum);
      replication.request_timeout_ms = r.request_timeout_ms;
      replication.tombstone_grace_ms = config.oplog.tombstone_grace_ms;
      replication.hints.enabled = r.hints_enabled;
      replication.hints.dir = config.data_dir + "/hints";
      replication.hints.window_ms = r.hints_window_ms;
      replication.hints.max_bytes = r.hints_max_bytes;
      replication.hints.max_in_flight = r.hints_max_in_flight;
      replication.catchup.margin_ms = r.catchup_margin_ms;
      replication.anti_entropy.interval_ms = r.anti_entropy_interval_ms;
      if (memdb::Status s = node->AttachReplication(&peer_pool, &fs, replication); !s.ok()) {
        spdlog::critical("cannot start: hints: {}", s.message());
        return 1;
      }
      spdlog::info("replication: factor {}, reads {}, writes {}, deadline {} ms, hints {}",
                   r.factor, r.read_consistency, r.write_consistency, r.request_timeout_ms,
                   r.hints_enabled ? "on" : "off");
      // After recovery the clock stands at the highest timestamp in the log (0 without one).
      if (!identity.first_start) node->StartCatchup(node->clock().Current());
    }
    server.AttachCluster(&gossip, &peer_pool, config.cluster.gossip_interval_ms);

    std::string seeds;
    for (const std::string& seed : config.cluster.seeds) {
      seeds += (seeds.empty() ? "" : ",") + seed;
    }
    spdlog::info(
        "cluster {}: node {} generation {} ({}), {} tokens, advertised as {}, seeds [{}]{}",
        config.cluster.name, node_id, identity.generation,
        identity.first_start ? "first start" : "restart", identity.tokens.size(), advertise, seeds,
        membership->gossiper().is_seed() ? " (this node is a seed)" : "");
    spdlog::info("memdb {} node {} listening on {}:{} ({} client key(s), auth {})", kVersion,
                 node_id, config.server.bind, server.port(), config.auth.client_keys.size(),
                 config.auth.enabled ? "on" : "OFF");
    std::printf("memdb listening on %s:%u\n", config.server.bind.c_str(), server.port());
    std::fflush(stdout);
    server.Run();
    if (server.exit_code() != 0) {
      spdlog::critical("memdb stopped after an error");
      return server.exit_code();
    }
    spdlog::info("memdb stopped");
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "memdb: fatal: %s\n", e.what());
    return 1;
  }
}

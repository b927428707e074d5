// memdb — the node daemon: command line -> config -> logging -> node -> operation log recovery
// -> runtime.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "auth/key_ring.h"
#include "config/config_loader.h"
#include "io/posix_file_system.h"
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

// The node id is generated at first start and kept in the data dir, durably (written, synced,
// renamed into place, directory synced): the log's records carry it.
memdb::Result<memdb::NodeId> LoadOrCreateNodeId(const std::string& data_dir, memdb::Random& random,
                                                memdb::FileSystem* fs) {
  if (memdb::Status s = fs->CreateDir(data_dir); !s.ok()) {
    return memdb::Status(memdb::Code::kIoError, "data_dir: " + s.message());
  }
  const std::string path = memdb::JoinPath(data_dir, "node_id");
  if (std::ifstream in(path); in) {
    uint64_t id = 0;
    if (in >> id && id > 0 && id <= UINT32_MAX) return static_cast<memdb::NodeId>(id);
    return memdb::Status(memdb::Code::kCorruption,
                         path + " does not hold a node id (1-4294967295)");
  }
  memdb::NodeId id = 0;
  while (id == 0) id = static_cast<memdb::NodeId>(random.Next64());
  const std::string tmp = path + ".tmp";
  auto file = fs->OpenWritable(tmp, memdb::OpenMode::kTruncate);
  if (!file.ok()) return file.status();
  memdb::Status s = (*file)->Append(std::to_string(id) + "\n");
  if (s.ok()) s = (*file)->Sync();
  if (s.ok()) s = (*file)->Close();
  if (s.ok()) s = fs->Rename(tmp, path);
  if (s.ok()) s = fs->SyncDir(data_dir);
  if (!s.ok()) return s;
  return id;
}

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
    memdb::SecureRandom random;
    memdb::PosixFileSystem fs;
    memdb::NodeId node_id = config.node_id;
    if (node_id == 0) {
      auto id = LoadOrCreateNodeId(config.data_dir, random, &fs);
      if (!id.ok()) {
        spdlog::critical("{}", id.status().message());
        return 1;
      }
      node_id = id.value();
    }

    memdb::NodeOptions options;
    options.node_id = node_id;
    options.limits = config.limits;
    options.auth_enabled = config.auth.enabled;
    options.server_name = std::string("memdb ") + kVersion;
    memdb::auth::KeyRing keys;
    for (const auto& [id, secret] : config.auth.client_keys) keys.Add(id, secret);
    memdb::Node node(options, std::move(keys), &clock, &random);

    memdb::net::OplogRuntimeOptions oplog_options;
    if (config.oplog.enabled) {
      if (!OpenOplog(config, &fs, &node)) return 1;
      oplog_options.max_pending_bytes = config.oplog.max_pending_bytes;
      oplog_options.group_commit_wait_us = config.oplog.group_commit_wait_us;
    } else {
      spdlog::warn("operation log disabled (oplog.enabled=false): data lives in memory only");
    }

    memdb::net::Server server(config.server, &node, &fs, oplog_options);
    if (memdb::Status s = server.Listen(); !s.ok()) {
      spdlog::critical("{}", s.message());
      return 1;
    }
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

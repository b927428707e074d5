// memdb — the node daemon: command line -> config -> logging -> node + runtime.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "auth/key_ring.h"
#include "config/config_loader.h"
#include "net/server.h"
#include "net/system_env.h"
#include "node/node.h"

#ifndef MEMDB_VERSION_STRING
#define MEMDB_VERSION_STRING "0.0.0"
#endif

namespace {

constexpr const char* kVersion = MEMDB_VERSION_STRING;

// The node id is generated at first start and kept in the data dir.
memdb::Result<memdb::NodeId> LoadOrCreateNodeId(const std::string& data_dir,
                                                memdb::Random& random) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) {
    return memdb::Status(memdb::Code::kIoError,
                         "data_dir: cannot create \"" + data_dir + "\": " + ec.message());
  }
  const fs::path path = fs::path(data_dir) / "node_id";
  if (std::ifstream in(path); in) {
    uint64_t id = 0;
    if (in >> id && id > 0 && id <= UINT32_MAX) return static_cast<memdb::NodeId>(id);
    return memdb::Status(memdb::Code::kCorruption,
                         path.string() + " does not hold a node id (1-4294967295)");
  }
  memdb::NodeId id = 0;
  while (id == 0) id = static_cast<memdb::NodeId>(random.Next64());
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << id << "\n";
    if (!out.flush()) {
      return memdb::Status(memdb::Code::kIoError, "cannot write " + tmp.string());
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) return memdb::Status(memdb::Code::kIoError, "cannot write " + path.string());
  return id;
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
    memdb::NodeId node_id = config.node_id;
    if (node_id == 0) {
      auto id = LoadOrCreateNodeId(config.data_dir, random);
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

    memdb::net::Server server(config.server, &node);
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
    spdlog::info("memdb stopped");
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "memdb: fatal: %s\n", e.what());
    return 1;
  }
}

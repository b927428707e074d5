#include "memdb_bench/options.h"

#include <CLI/CLI.hpp>
#include <charconv>
#include <optional>

#include "memdb/secret_file.h"

namespace memdb::bench {

namespace {

constexpr uint32_t kMaxConnections = 100000;
constexpr uint32_t kMaxPipeline = 65536;
constexpr uint32_t kMaxThreads = 1024;
constexpr uint64_t kMaxValueSize = 512ull << 20;

Status Invalid(std::string message) { return Status(Code::kInvalidArgument, std::move(message)); }

}  // namespace

bool ParseRatio(std::string_view text, uint32_t* sets, uint32_t* gets) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  const auto parse = [](std::string_view s, uint32_t* v) {
    if (s.empty()) return false;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
    return ec == std::errc() && end == s.data() + s.size();
  };
  uint32_t s = 0;
  uint32_t g = 0;
  if (!parse(text.substr(0, colon), &s) || !parse(text.substr(colon + 1), &g)) return false;
  if (s == 0 && g == 0) return false;
  if (uint64_t{s} + g > 1000000) return false;  // keeps the mix arithmetic far from overflow
  *sets = s;
  *gets = g;
  return true;
}

Result<CommandLine> ParseCommandLine(int argc, const char* const* argv, const EnvMap& env) {
  CommandLine cli;
  Options& o = cli.options;
  WorkloadSpec& w = o.workload;

  CLI::App app("memdb-bench: load generator for memdb (and Redis, with --protocol resp)",
               "memdb-bench");
  app.get_formatter()->column_width(34);
  app.footer(
      "The secret (memdb) or password (resp --auth) is read from --secret-file or $MEMDB_SECRET,\n"
      "never from the command line. Results go to stdout; the progress line to stderr.\n"
      "Exit status: 0 ok, 1 connection/protocol failure, 2 bad usage, 3 some requests failed.");

  std::string protocol = "memdb";
  std::string secret_file;
  std::string ratio = "1:10";
  std::string consistency = "default";
  app.add_option("--protocol", protocol, "memdb | resp (Redis)")
      ->check(CLI::IsMember({"memdb", "resp"}))
      ->capture_default_str();
  app.add_option("--host", o.host, "Server address")->capture_default_str();
  CLI::Option* port_option =
      app.add_option("-p,--port", o.port, "Server port (default 7379 memdb, 6379 resp)");
  app.add_option("--key-id", o.key_id, "memdb key id; with resp --auth: ACL user name");
  app.add_option("--secret-file", secret_file, "File holding the secret / password");
  app.add_flag("--auth", o.resp_auth, "resp: send AUTH [key-id] <secret> on every connection");
  CLI::Option* consistency_option =
      app.add_option("--consistency", consistency,
                     "memdb: one | quorum | all (GET_CL/SET_CL); default = plain GET/SET")
          ->capture_default_str();

  app.add_option("-c,--connections", o.connections, "Connections in total")->capture_default_str();
  app.add_option("-P,--pipeline", o.pipeline, "Requests in flight per connection")
      ->capture_default_str();
  app.add_option("-t,--threads", o.threads, "Threads (each runs an epoll loop)")
      ->capture_default_str();
  CLI::Option* requests_option =
      app.add_option("-n,--requests", o.requests, "Requests in total (default 100000)");
  CLI::Option* duration_option =
      app.add_option("--duration", o.duration_s, "Run for this many seconds instead");

  app.add_option("--keyspace", w.keyspace, "Key numbers are drawn from [0, keyspace)")
      ->capture_default_str();
  app.add_option("--key-prefix", w.key_prefix, "Key = prefix + zero-padded number")
      ->capture_default_str();
  app.add_option("--key-size", w.key_size,
                 "Exact key length in bytes (0 = prefix + digits of keyspace-1)")
      ->capture_default_str();
  app.add_option("--value-size", w.value_size, "SET value size in bytes")->capture_default_str();
  app.add_option("--ratio", ratio, "SET:GET mix (1:0 = SET only, 0:1 = GET only)")
      ->capture_default_str();
  app.add_flag("--sequential", w.sequential,
               "Walk the keyspace in order instead of random keys (default --requests = "
               "keyspace: every key once)");
  app.add_option("--seed", w.seed, "Seed of the random key choice")->capture_default_str();

  app.add_flag("--busy-poll", o.busy_poll,
               "Spin on epoll instead of sleeping while replies are due (one core per thread)");
  app.add_flag("--json", o.json, "Print one JSON object instead of the text report");
  app.add_flag("-q,--quiet", o.quiet, "No progress line");
  app.add_option("--timeout", o.timeout_s,
                 "Seconds allowed to connect and authenticate, and to wait for any reply")
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    cli.action = CommandLine::Action::kExit;
    cli.output = app.help();
    return cli;
  } catch (const CLI::ParseError& e) {
    return Invalid(e.what());
  }

  o.protocol = protocol == "resp" ? ProtocolKind::kResp : ProtocolKind::kMemdb;
  if (port_option->count() == 0) o.port = o.protocol == ProtocolKind::kResp ? 6379 : 7379;
  if (o.port == 0) return Invalid("--port must be 1-65535");
  if (!ParseRatio(ratio, &w.ratio_sets, &w.ratio_gets)) {
    return Invalid("--ratio \"" + ratio + "\": expected SET:GET, e.g. 1:10, 1:0 or 0:1");
  }

  if (std::optional<Consistency> level = ParseConsistency(consistency); level.has_value()) {
    o.consistency = *level;
  } else {
    return Invalid("--consistency \"" + consistency + "\": expected one, quorum, all or default");
  }
  if (consistency_option->count() > 0 && o.protocol != ProtocolKind::kMemdb) {
    return Invalid("--consistency is for --protocol memdb");
  }

  // Bounds: exactly one of --requests / --duration.
  if (requests_option->count() > 0 && duration_option->count() > 0) {
    return Invalid("--requests and --duration are exclusive");
  }
  if (duration_option->count() > 0) {
    if (!(o.duration_s > 0) || o.duration_s > 7 * 86400) {
      return Invalid("--duration must be > 0 seconds (and at most a week)");
    }
    o.requests = 0;
  } else {
    o.duration_s = 0;
    if (requests_option->count() == 0 && w.sequential) o.requests = w.keyspace;
    if (o.requests == 0) return Invalid("--requests must be at least 1");
  }

  if (o.connections == 0 || o.connections > kMaxConnections) {
    return Invalid("--connections must be 1-" + std::to_string(kMaxConnections));
  }
  if (o.pipeline == 0 || o.pipeline > kMaxPipeline) {
    return Invalid("--pipeline must be 1-" + std::to_string(kMaxPipeline));
  }
  if (o.threads == 0 || o.threads > kMaxThreads) {
    return Invalid("--threads must be 1-" + std::to_string(kMaxThreads));
  }
  if (o.threads > o.connections) {
    return Invalid("--threads (" + std::to_string(o.threads) + ") is more than --connections (" +
                   std::to_string(o.connections) + ")");
  }
  if (w.keyspace == 0) return Invalid("--keyspace must be at least 1");
  if (w.value_size > kMaxValueSize) {
    return Invalid("--value-size must be at most " + std::to_string(kMaxValueSize));
  }
  if (!(o.timeout_s > 0)) return Invalid("--timeout must be > 0 seconds");
  if (auto keys = KeyFormatter::Create(w.key_prefix, w.keyspace, w.key_size); !keys.ok()) {
    return Invalid("--key-size: " + keys.status().message());
  }

  // Credentials.
  const bool needs_secret = o.protocol == ProtocolKind::kMemdb || o.resp_auth;
  if (o.resp_auth && o.protocol != ProtocolKind::kResp) {
    return Invalid("--auth is for --protocol resp (memdb always authenticates)");
  }
  if (needs_secret) {
    if (!secret_file.empty()) {
      Result<std::string> secret = ReadSecretFile(secret_file);
      if (!secret.ok()) {
        return Invalid("--secret-file: " + secret.status().message());
      }
      o.secret = std::move(secret).value();
    } else if (auto it = env.find("MEMDB_SECRET"); it != env.end()) {
      o.secret = it->second;
    } else {
      return Invalid(std::string(o.protocol == ProtocolKind::kMemdb ? "memdb" : "--auth") +
                     " needs a secret: pass --secret-file FILE or set MEMDB_SECRET");
    }
    if (o.protocol == ProtocolKind::kMemdb && o.key_id.empty()) {
      return Invalid("memdb needs --key-id (the id of a key in the server's auth.client_keys)");
    }
  }
  return cli;
}

}  // namespace memdb::bench

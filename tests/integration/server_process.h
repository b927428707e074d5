// ServerProcess — runs the real `memdb` binary on an ephemeral port with a temp config, for
// integration tests. The process is killed (by its PID) if the test does not stop it.
//
// The temp directory (config, stdout/stderr, data_dir) lives as long as the object, so a
// server stopped (even with SIGKILL) and started again on the same object restarts on the
// same data: that is how the persistence tests restart a node.
#ifndef MEMDB_TESTS_INTEGRATION_SERVER_PROCESS_H_
#define MEMDB_TESTS_INTEGRATION_SERVER_PROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "memdb/client.h"

namespace memdb::testing {

struct ServerSpec {
  std::string key_id = "app";
  std::string secret = "integration-secret-0123456789";
  // Extra YAML appended to the generated config (top-level keys or sections).
  std::string extra_yaml;
  std::string server_yaml;  // extra lines inside `server:` (indented by the caller)
  std::string limits_yaml;  // lines inside `limits:`
  std::string auth_yaml;    // extra lines inside `auth:` (e.g. "  cluster_key: ...\n")
};

// Client options for the server on `port` started with `spec`: its client key.
inline ClientOptions ClientOptionsFor(uint16_t port, const ServerSpec& spec = {}) {
  ClientOptions options;
  options.port = port;
  options.key_id = spec.key_id;
  options.secret = spec.secret;
  return options;
}

class ServerProcess {
 public:
  explicit ServerProcess(ServerSpec spec = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts memdb and waits until it prints its listening line. False on failure (see log()
  // and exit_code()).
  bool Start() { return StartOnPort(0); }
  // Same, on a given port (e.g. to restart a server where its clients expect it).
  bool StartOnPort(uint16_t port);
  // Sends `signo` (0: none, just wait) and waits up to `timeout_ms` for exit; returns the exit
  // code, or -1 if it did not exit in time (then it is killed), or 128+signal if killed by a
  // signal.
  int Stop(int signo, int timeout_ms = 10000);

  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  const ServerSpec& spec() const { return spec_; }
  // Changed settings apply at the next start (e.g. extra_yaml with other oplog settings).
  ServerSpec& mutable_spec() { return spec_; }
  // The server's data_dir (its operation log is in data_dir()/oplog by default).
  std::string data_dir() const { return dir_ + "/data"; }
  // When a start failed because the process exited: its exit code (128+signal if killed);
  // -1 otherwise.
  int exit_code() const { return exit_code_; }
  // Milliseconds the last successful start took, from fork to the listening line.
  int64_t start_ms() const { return start_ms_; }
  // Everything the server wrote to stderr so far (its log).
  std::string log() const;
  // The log of the run before the last restart ("" if none).
  std::string previous_log() const;

 private:
  ServerSpec spec_;
  std::string dir_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  int exit_code_ = -1;
  int64_t start_ms_ = 0;
};

}  // namespace memdb::testing

#endif  // MEMDB_TESTS_INTEGRATION_SERVER_PROCESS_H_

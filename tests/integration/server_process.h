// ServerProcess — runs the real `memdb` binary on an ephemeral port with a temp config, for
// integration tests. The process is killed (by its PID) if the test does not stop it.
#ifndef MEMDB_TESTS_INTEGRATION_SERVER_PROCESS_H_
#define MEMDB_TESTS_INTEGRATION_SERVER_PROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace memdb::testing {

struct ServerSpec {
  std::string key_id = "app";
  std::string secret = "integration-secret-0123456789";
  // Extra YAML appended to the generated config (top-level keys or sections).
  std::string extra_yaml;
  std::string server_yaml;  // extra lines inside `server:` (indented by the caller)
  std::string limits_yaml;  // lines inside `limits:`
};

class ServerProcess {
 public:
  explicit ServerProcess(ServerSpec spec = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts memdb and waits until it prints its listening line. False on failure (see log()).
  bool Start() { return StartOnPort(0); }
  // Same, on a given port (e.g. to restart a server where its clients expect it).
  bool StartOnPort(uint16_t port);
  // Sends `signo` and waits up to `timeout_ms` for exit; returns the exit code, or -1 if it
  // did not exit in time (then it is killed), or 128+signal if killed by a signal.
  int Stop(int signo, int timeout_ms = 10000);

  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  const ServerSpec& spec() const { return spec_; }
  // Everything the server wrote to stderr so far (its log).
  std::string log() const;

 private:
  ServerSpec spec_;
  std::string dir_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

}  // namespace memdb::testing

#endif  // MEMDB_TESTS_INTEGRATION_SERVER_PROCESS_H_

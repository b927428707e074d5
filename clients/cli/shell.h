// The interactive shell: prompt with the server's address, line editing, history file, tab
// completion of command names (line_editor.h); each line runs through the Runner.
//
//   127.0.0.1:7379> SET greeting "hello, world"
//   OK
//   127.0.0.1:7379> GET greeting
//   "hello, world"
//
// Ctrl-C clears the line being typed, or stops waiting for a reply (the command may still be
// applied); Ctrl-D on an empty line, QUIT or EXIT leave. Errors never end the shell.
#ifndef MEMDB_CLIENTS_CLI_SHELL_H_
#define MEMDB_CLIENTS_CLI_SHELL_H_

#include <signal.h>

#include <atomic>
#include <ostream>
#include <string>

#include "clients/cli/backend.h"
#include "clients/cli/runner.h"

namespace memdb::cli {

// The flag Ctrl-C sets while an InterruptHandler is installed (pass it to ClientBackend).
std::atomic<bool>* InterruptFlag();

// While alive, SIGINT sets *InterruptFlag() and writes a byte to wake_fd() (a self-pipe, so a
// waiting poll wakes up) instead of ending the process. The previous disposition is restored
// on destruction. One at a time per process.
class InterruptHandler {
 public:
  InterruptHandler();
  ~InterruptHandler();
  InterruptHandler(const InterruptHandler&) = delete;
  InterruptHandler& operator=(const InterruptHandler&) = delete;

  // Readable after a Ctrl-C; -1 if the pipe could not be made (the flag still works).
  int wake_fd() const { return pipe_[0]; }
  // Forgets an earlier Ctrl-C: clears the flag and empties the pipe.
  void Clear();

 private:
  struct sigaction previous_;
  int pipe_[2] = {-1, -1};
};

struct ShellOptions {
  std::string address;       // "127.0.0.1:7379", shown in the prompt
  std::string key_id;        // shown in the greeting
  std::string history_path;  // "" = no history file
};

// Runs the shell on the terminal until QUIT, EXIT or Ctrl-D; returns the exit code (0).
// Connects first and says so on `err`; a failed connection is reported and retried by each
// command.
int RunShell(Runner& runner, Backend& backend, const ShellOptions& options, std::ostream& err);

}  // namespace memdb::cli

#endif  // MEMDB_CLIENTS_CLI_SHELL_H_

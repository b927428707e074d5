// ProgressSink — where a long-running memdb-cli command (REPAIR) shows its progress while it
// waits, before its reply. StreamProgress is the real one:
//   - on a terminal, one line rewritten in place ("\r", the line, erase to the end of the
//     line); Done() erases it, so the reply that follows takes its place;
//   - elsewhere (a pipe, a file), one line per update, kept: a log of the progress.
// The runner (runner.h) writes progress to stdout in human mode and to stderr with --json and
// --raw, so that stdout holds only the replies there.
//
// Threading: one thread (the CLI's main thread).
#ifndef MEMDB_CLIENTS_CLI_PROGRESS_H_
#define MEMDB_CLIENTS_CLI_PROGRESS_H_

#include <ostream>
#include <string_view>

namespace memdb::cli {

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  // Shows `line` (one line, without a newline) as the latest progress.
  virtual void Update(std::string_view line) = 0;
  // The command is done with progress: ends the display before its reply is written.
  virtual void Done() = 0;
};

class StreamProgress final : public ProgressSink {
 public:
  // `out` must outlive this object. `terminal`: `out` is a terminal (isatty).
  StreamProgress(std::ostream& out, bool terminal) : out_(out), terminal_(terminal) {}

  void Update(std::string_view line) override;
  void Done() override;

 private:
  std::ostream& out_;
  const bool terminal_;
  bool line_shown_ = false;  // terminal: a progress line is on screen
};

}  // namespace memdb::cli

#endif  // MEMDB_CLIENTS_CLI_PROGRESS_H_

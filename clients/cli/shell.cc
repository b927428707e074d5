#include "clients/cli/shell.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "clients/cli/escape.h"
#include "clients/cli/line_editor.h"

namespace memdb::cli {
namespace {

std::atomic<bool> g_interrupted{false};
std::atomic<int> g_wake_fd{-1};  // write end of the installed handler's self-pipe

void OnInterrupt(int /*signo*/) {
  const int saved_errno = errno;
  g_interrupted.store(true);
  if (const int fd = g_wake_fd.load(); fd >= 0) {
    [[maybe_unused]] ssize_t n = ::write(fd, "i", 1);  // full pipe: already awake
  }
  errno = saved_errno;
}

}  // namespace

std::atomic<bool>* InterruptFlag() { return &g_interrupted; }

InterruptHandler::InterruptHandler() {
  if (::pipe2(pipe_, O_CLOEXEC | O_NONBLOCK) != 0) pipe_[0] = pipe_[1] = -1;
  g_wake_fd.store(pipe_[1]);
  std::memset(&previous_, 0, sizeof(previous_));
  struct sigaction action;
  std::memset(&action, 0, sizeof(action));
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: blocking calls return EINTR
  sigaction(SIGINT, &action, &previous_);
}

InterruptHandler::~InterruptHandler() {
  sigaction(SIGINT, &previous_, nullptr);
  g_wake_fd.store(-1);
  for (int fd : pipe_) {
    if (fd >= 0) ::close(fd);
  }
}

void InterruptHandler::Clear() {
  g_interrupted.store(false);
  if (pipe_[0] < 0) return;
  char drain[64];
  while (::read(pipe_[0], drain, sizeof(drain)) > 0) {
  }
}

int RunShell(Runner& runner, Backend& backend, const ShellOptions& options, std::ostream& err) {
  InterruptHandler interrupt_handler;

  if (Status connected = backend.Connect(); connected.ok()) {
    err << "Connected to memdb at " << EscapeText(options.address) << " as '"
        << EscapeText(options.key_id) << "'. Type 'help' for the commands, Ctrl-D to leave.\n";
  } else {
    Reply failed = Reply::Error(ErrorFromStatus(connected));
    runner.Write(failed);
    err << "Not connected: each command tries again. Type 'help' for the commands, Ctrl-D to "
           "leave.\n";
  }
  err.flush();

  LineEditor editor(
      [&]() { return options.address + (backend.IsConnected() ? "> " : " (not connected)> "); },
      [](std::string_view before_cursor) { return CompleteCommandLine(before_cursor); },
      LineEditor::Interrupt{&g_interrupted, interrupt_handler.wake_fd()});
  std::string history_path = options.history_path;
  if (!history_path.empty()) {
    if (Status loaded = editor.LoadHistory(history_path); !loaded.ok()) {
      err << "memdb-cli: warning: " << EscapeText(loaded.message())
          << ": history will not be saved (set MEMDB_HISTFILE to another file)\n";
      history_path.clear();
    }
  }
  bool history_warning_shown = false;

  std::string line;
  for (;;) {
    interrupt_handler.Clear();
    const LineEditor::Event event = editor.ReadLine(&line);
    if (event == LineEditor::Event::kEndOfInput) {
      err << "\n";
      break;
    }
    if (event == LineEditor::Event::kInterrupted) {
      err << "^C\n";
      err.flush();
      continue;
    }
    const size_t last = line.find_last_not_of(" \t");
    if (last == std::string::npos) continue;
    editor.AddToHistory(line.substr(0, last + 1));
    if (!history_path.empty()) {
      if (Status saved = editor.SaveHistory(history_path); !saved.ok() && !history_warning_shown) {
        history_warning_shown = true;
        err << "memdb-cli: warning: " << EscapeText(saved.message())
            << " (set MEMDB_HISTFILE to another file, or to \"\" for none)\n";
      }
    }
    Reply reply = runner.RunLine(line);
    if (reply.quit) break;
  }
  err.flush();
  return kExitOk;
}

}  // namespace memdb::cli

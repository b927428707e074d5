// LineEditor — the terminal line editor of the interactive shell, on libedit (histedit.h):
// emacs key bindings (or whatever ~/.editrc says for "memdb-cli"), history with up/down and
// Ctrl-R, and a TAB key that calls the given completer.
//
// Ctrl-C: ReadLine returns kInterrupted, the line discarded, once `interrupt.flag` is set
// (by the process's SIGINT handler, see shell.h). Characters are read by our own function,
// which waits on the terminal and on `interrupt.wake_fd` (written by the handler) together and
// checks the flag before every wait, so a Ctrl-C that lands while libedit is busy redrawing
// is never lost. libedit's own signal handling (EL_SIGNAL) restores the terminal around
// job-control and fatal signals and follows window size changes.
//
// Threading: one thread; one LineEditor per process at a time (libedit's signal handling is
// process-wide).
#ifndef MEMDB_CLIENTS_CLI_LINE_EDITOR_H_
#define MEMDB_CLIENTS_CLI_LINE_EDITOR_H_

#include <atomic>
#include <cwchar>
#include <functional>
#include <string>
#include <string_view>

#include "clients/cli/command_table.h"
#include "memdb/status.h"

struct editline;
struct history;

namespace memdb::cli {

class LineEditor {
 public:
  using PromptFn = std::function<std::string()>;
  using CompleteFn = std::function<Completion(std::string_view before_cursor)>;
  struct Interrupt {
    const std::atomic<bool>* flag = nullptr;  // set on Ctrl-C; not owned
    int wake_fd = -1;                         // readable after Ctrl-C; not owned
  };

  // Edits lines on stdin/stdout. `prompt` is called before each line; `complete` on TAB.
  LineEditor(PromptFn prompt, CompleteFn complete, Interrupt interrupt);
  ~LineEditor();
  LineEditor(const LineEditor&) = delete;
  LineEditor& operator=(const LineEditor&) = delete;

  enum class Event {
    kLine,         // *line holds what was entered, without the newline
    kInterrupted,  // Ctrl-C: the line was discarded
    kEndOfInput,   // Ctrl-D on an empty line, or the terminal went away
  };
  Event ReadLine(std::string* line);

  // Adds a line to the in-memory history (consecutive duplicates are kept once).
  void AddToHistory(const std::string& line);
  // Reads a history file written by SaveHistory. OK when the file was read, is missing or is
  // empty; an error when it exists but is not a history file (then do not save over it).
  Status LoadHistory(const std::string& path);
  // Writes the history to `path`, created with mode 0600 (an existing file is set to 0600).
  Status SaveHistory(const std::string& path);

  static constexpr int kHistorySize = 1000;

 private:
  static char* PromptThunk(struct editline* el);
  static unsigned char CompleteThunk(struct editline* el, int ch);
  static int ReadCharThunk(struct editline* el, wchar_t* out);
  // One character from stdin (multibyte as the locale says); 0 at end of input; -1 with
  // errno EINTR after Ctrl-C, or another errno on a read error.
  int ReadChar(wchar_t* out);

  struct editline* el_ = nullptr;
  struct history* history_ = nullptr;
  PromptFn prompt_;
  CompleteFn complete_;
  Interrupt interrupt_;
  std::string prompt_text_;
};

}  // namespace memdb::cli

#endif  // MEMDB_CLIENTS_CLI_LINE_EDITOR_H_

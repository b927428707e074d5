#include "clients/cli/line_editor.h"

#include <fcntl.h>
#include <histedit.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <utility>

namespace memdb::cli {

LineEditor::LineEditor(PromptFn prompt, CompleteFn complete, Interrupt interrupt)
    : prompt_(std::move(prompt)), complete_(std::move(complete)), interrupt_(interrupt) {
  history_ = history_init();
  HistEvent ev;
  history(history_, &ev, H_SETSIZE, kHistorySize);
  history(history_, &ev, H_SETUNIQUE, 1);

  el_ = el_init("memdb-cli", stdin, stdout, stderr);
  el_set(el_, EL_CLIENTDATA, this);
  el_set(el_, EL_EDITOR, "emacs");
  el_set(el_, EL_SIGNAL, 1);
  el_set(el_, EL_HIST, history, history_);
  el_set(el_, EL_PROMPT, &LineEditor::PromptThunk);
  el_set(el_, EL_GETCFN, &LineEditor::ReadCharThunk);
  el_set(el_, EL_ADDFN, "memdb-complete", "complete a command name", &LineEditor::CompleteThunk);
  el_set(el_, EL_BIND, "^I", "memdb-complete", nullptr);
  el_set(el_, EL_BIND, "^R", "em-inc-search-prev", nullptr);
  el_source(el_, nullptr);  // ~/.editrc
}

LineEditor::~LineEditor() {
  el_end(el_);
  history_end(history_);
}

char* LineEditor::PromptThunk(struct editline* el) {
  void* data = nullptr;
  el_get(el, EL_CLIENTDATA, &data);
  auto* self = static_cast<LineEditor*>(data);
  self->prompt_text_ = self->prompt_();
  return self->prompt_text_.data();
}

unsigned char LineEditor::CompleteThunk(struct editline* el, int /*ch*/) {
  void* data = nullptr;
  el_get(el, EL_CLIENTDATA, &data);
  auto* self = static_cast<LineEditor*>(data);
  const LineInfo* info = el_line(el);
  const std::string_view before(info->buffer, static_cast<size_t>(info->cursor - info->buffer));
  Completion completion = self->complete_(before);
  if (!completion.insert.empty() && el_insertstr(el, completion.insert.c_str()) != 0) {
    return CC_ERROR;
  }
  if (!completion.candidates.empty() && completion.insert.empty()) {
    // Nothing more to type for sure: show the choices under the line, then redraw it.
    std::string list = "\n";
    for (const std::string& c : completion.candidates) list += c + "  ";
    list += "\n";
    std::fwrite(list.data(), 1, list.size(), stdout);
    std::fflush(stdout);
    return CC_REDISPLAY;
  }
  if (completion.insert.empty()) return CC_REFRESH_BEEP;
  return CC_REFRESH;
}

int LineEditor::ReadCharThunk(struct editline* el, wchar_t* out) {
  void* data = nullptr;
  el_get(el, EL_CLIENTDATA, &data);
  return static_cast<LineEditor*>(data)->ReadChar(out);
}

int LineEditor::ReadChar(wchar_t* out) {
  char bytes[MB_LEN_MAX];
  size_t count = 0;
  for (;;) {
    if (interrupt_.flag != nullptr && interrupt_.flag->load()) {
      errno = EINTR;
      return -1;
    }
    pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {interrupt_.wake_fd, POLLIN, 0}};
    const int ready = ::poll(fds, interrupt_.wake_fd >= 0 ? 2 : 1, -1);
    if (ready < 0) {
      if (errno == EINTR) continue;  // a signal: check the flag again
      return -1;
    }
    if (interrupt_.wake_fd >= 0 && fds[1].revents != 0) {
      char drain[64];
      while (::read(interrupt_.wake_fd, drain, sizeof(drain)) > 0) {
      }
      continue;
    }
    if (fds[0].revents == 0) continue;
    const ssize_t n = ::read(STDIN_FILENO, &bytes[count], 1);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return -1;
    }
    if (n == 0) return 0;
    ++count;
    std::mbstate_t state{};
    const size_t decoded = std::mbrtowc(out, bytes, count, &state);
    if (decoded == static_cast<size_t>(-2)) {  // incomplete: read on
      if (count < sizeof(bytes)) continue;
      errno = EILSEQ;
      return -1;
    }
    if (decoded == static_cast<size_t>(-1)) {  // invalid: drop what was read
      count = 0;
      continue;
    }
    return 1;
  }
}

LineEditor::Event LineEditor::ReadLine(std::string* line) {
  int count = 0;
  errno = 0;
  const char* text = el_gets(el_, &count);
  if (text == nullptr || count <= 0) {
    if (count < 0 && errno == EINTR) return Event::kInterrupted;
    return Event::kEndOfInput;
  }
  line->assign(text, static_cast<size_t>(count));
  while (!line->empty() && (line->back() == '\n' || line->back() == '\r')) line->pop_back();
  return Event::kLine;
}

void LineEditor::AddToHistory(const std::string& line) {
  HistEvent ev;
  history(history_, &ev, H_ENTER, line.c_str());
}

Status LineEditor::LoadHistory(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || (S_ISREG(st.st_mode) && st.st_size == 0)) {
    return Status::Ok();  // nothing yet: SaveHistory creates it
  }
  HistEvent ev;
  if (!S_ISREG(st.st_mode) || history(history_, &ev, H_LOAD, path.c_str()) < 0) {
    return Status(Code::kCorruption, path + " is not a memdb-cli history file");
  }
  return Status::Ok();
}

Status LineEditor::SaveHistory(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status(Code::kIoError,
                  "cannot write history file " + path + ": " + std::strerror(errno));
  }
  // An older file may have been created with a looser mode: what was typed stays private.
  ::fchmod(fd, 0600);
  FILE* file = ::fdopen(fd, "w");
  if (file == nullptr) {
    ::close(fd);
    return Status(Code::kIoError, "cannot write history file " + path);
  }
  HistEvent ev;
  const int saved = history(history_, &ev, H_SAVE_FP, file);
  const bool closed = std::fclose(file) == 0;
  if (saved < 0 || !closed) return Status(Code::kIoError, "cannot write history file " + path);
  return Status::Ok();
}

}  // namespace memdb::cli

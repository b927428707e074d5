#include "clients/cli/progress.h"

namespace memdb::cli {

namespace {
// Carriage return, then "erase from the cursor to the end of the line" (ECMA-48 EL).
constexpr std::string_view kRewind = "\r\x1b[K";
}  // namespace

void StreamProgress::Update(std::string_view line) {
  if (terminal_) {
    out_ << kRewind << line;
    line_shown_ = true;
  } else {
    out_ << line << '\n';
  }
  out_.flush();
}

void StreamProgress::Done() {
  if (!terminal_ || !line_shown_) return;
  out_ << kRewind;
  out_.flush();
  line_shown_ = false;
}

}  // namespace memdb::cli

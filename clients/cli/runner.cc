#include "clients/cli/runner.h"

#include <span>
#include <utility>

#include "clients/cli/escape.h"
#include "clients/cli/tokenizer.h"

namespace memdb::cli {

Runner::Runner(CommandContext context, RunnerOptions options, std::ostream& out, std::ostream& err)
    : context_(std::move(context)),
      options_(std::move(options)),
      out_(out),
      err_(err),
      progress_(options_.format.mode == OutputMode::kHuman ? out : err,
                options_.format.mode == OutputMode::kHuman ? options_.out_is_terminal
                                                           : options_.err_is_terminal) {}

Reply Runner::Execute(const std::vector<std::string>& words) {
  if (words.empty()) return Reply::None();
  const CommandSpec* spec = FindCommand(words[0]);
  if (spec == nullptr) {
    Reply reply = Reply::Error(
        UsageError("unknown command '" + words[0] + "' (type 'help' for the list of commands)"));
    reply.command = words[0];
    return reply;
  }
  const std::span<const std::string> args(words.data() + 1, words.size() - 1);
  Reply reply;
  if (Status arity = CheckArity(*spec, args.size()); !arity.ok()) {
    reply = Reply::Error(UsageError(arity.message()));
  } else {
    ProgressSink* const given = context_.progress;
    if (given == nullptr) context_.progress = &progress_;
    reply = spec->handler(context_, args);
    context_.progress = given;
  }
  reply.command = std::string(spec->name);
  return reply;
}

void Runner::Write(const Reply& reply) {
  Rendered rendered = RenderReply(reply, options_.format);
  if (!rendered.out.empty()) out_ << rendered.out;
  out_.flush();

  std::string hint;
  if (reply.kind == Reply::Kind::kError) {
    const std::string& code = reply.error.code;
    if ((code == "AUTH_FAILED" || code == "AUTH_REQUIRED") && !credentials_hint_shown_ &&
        !options_.credentials.empty()) {
      credentials_hint_shown_ = true;
      hint = "memdb-cli: " + options_.credentials + "\n";
    } else if (code == "CONNECTION_FAILED" && !connect_hint_shown_ &&
               reply.error.message.find("refused") != std::string::npos) {
      connect_hint_shown_ = true;
      hint = "memdb-cli: is memdb running at " + EscapeText(options_.address) +
             "? (./scripts/run.sh starts one; -h/-p choose another server)\n";
    }
  }
  if (!rendered.err.empty() || !hint.empty()) {
    err_ << rendered.err << hint;
    err_.flush();
  }
}

Reply Runner::Run(const std::vector<std::string>& words) {
  Reply reply = Execute(words);
  Write(reply);
  return reply;
}

Reply Runner::RunLine(std::string_view line) {
  const size_t first = line.find_first_not_of(" \t\r\n\v\f");
  if (first == std::string_view::npos || line[first] == '#') return Reply::None();
  Result<std::vector<std::string>> words = Tokenize(line);
  if (!words.ok()) {
    Reply reply = Reply::Error(UsageError(words.status().message()));
    Write(reply);
    return reply;
  }
  return Run(*words);
}

int Runner::RunOneShot(const std::vector<std::string>& words) { return Run(words).exit_code(); }

int Runner::RunScript(std::istream& in) {
  std::string line;
  size_t line_number = 0;
  size_t commands = 0;
  size_t failures = 0;
  size_t first_failed_line = 0;
  int first_failure = kExitOk;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    Reply reply = RunLine(line);
    if (reply.kind == Reply::Kind::kNone && !reply.quit) continue;
    ++commands;
    if (!reply.ok()) {
      ++failures;
      if (first_failure == kExitOk) {
        first_failure = reply.exit_code();
        first_failed_line = line_number;
      }
      if (!options_.continue_on_error) {
        err_ << "memdb-cli: stopped at line " << line_number
             << " (--continue-on-error runs every line)\n";
        err_.flush();
        return first_failure;
      }
    }
    if (reply.quit) break;
  }
  if (failures > 0) {
    err_ << "memdb-cli: " << failures << " of " << commands
         << " commands failed, the first at line " << first_failed_line << "\n";
    err_.flush();
  }
  return first_failure;
}

}  // namespace memdb::cli

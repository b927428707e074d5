#include "memdb_bench/resp_client.h"

#include <charconv>
#include <cstring>

namespace memdb::bench {

namespace {

using Status = ParseResult::Status;

ParseResult NeedMore() { return ParseResult(); }

ParseResult Fatal(std::string_view why) {
  ParseResult r;
  r.status = Status::kFatal;
  r.message = why;
  return r;
}

ParseResult Reply(ReplyKind kind, size_t consumed, std::string_view message = {}) {
  ParseResult r;
  r.status = Status::kReply;
  r.kind = kind;
  r.consumed = consumed;
  r.message = message;
  return r;
}

// Strict RESP integer: optional '-', then 1-18 digits (no '+', no spaces, no overflow).
bool ParseInteger(std::string_view text, int64_t* value) {
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  if (text.empty() || text.size() > 18) return false;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *value = negative ? -v : v;
  return true;
}

// Parses the reply starting at input[pos]: sets *end past it.
ParseResult ParseAt(std::string_view input, size_t pos, int depth, size_t* end) {
  if (pos >= input.size()) return NeedMore();
  const char type = input[pos];
  switch (type) {
    case '+':
    case '-':
    case ':':
    case '$':
    case '*':
      break;
    default:
      return Fatal("not a RESP2 reply (unexpected type byte)");
  }
  // The line after the type byte, up to CRLF.
  const size_t line_begin = pos + 1;
  const size_t search = std::min(input.size() - line_begin, kRespMaxLineBytes + 1);
  const void* cr = std::memchr(input.data() + line_begin, '\r', search);
  if (cr == nullptr) {
    return search > kRespMaxLineBytes ? Fatal("RESP line too long") : NeedMore();
  }
  const size_t cr_pos = static_cast<const char*>(cr) - input.data();
  if (cr_pos + 1 >= input.size()) return NeedMore();
  if (input[cr_pos + 1] != '\n') return Fatal("RESP line not terminated by CRLF");
  const std::string_view line = input.substr(line_begin, cr_pos - line_begin);
  const size_t after_line = cr_pos + 2;

  if (type == '+') {
    *end = after_line;
    return Reply(ReplyKind::kOk, 0, line);
  }
  if (type == '-') {
    *end = after_line;
    return Reply(ReplyKind::kError, 0, line);
  }
  int64_t n = 0;
  if (!ParseInteger(line, &n)) return Fatal("bad integer in RESP reply");
  if (type == ':') {
    *end = after_line;
    return Reply(ReplyKind::kOk, 0);
  }
  if (n == -1) {  // null bulk string / null array
    *end = after_line;
    return Reply(ReplyKind::kNil, 0);
  }
  if (n < 0) return Fatal("negative RESP length");
  if (type == '$') {
    if (n > kRespMaxBulkBytes) return Fatal("RESP bulk string too large");
    const size_t need = after_line + static_cast<size_t>(n) + 2;
    if (input.size() < need) return NeedMore();
    if (input[need - 2] != '\r' || input[need - 1] != '\n') {
      return Fatal("RESP bulk string not terminated by CRLF");
    }
    *end = need;
    return Reply(ReplyKind::kOk, 0);
  }
  // '*': an array of n replies.
  if (depth >= kRespMaxDepth) return Fatal("RESP array nested too deep");
  size_t at = after_line;
  for (int64_t i = 0; i < n; ++i) {
    ParseResult element = ParseAt(input, at, depth + 1, &at);
    if (element.status != Status::kReply) return element;
  }
  *end = at;
  return Reply(ReplyKind::kOk, 0);
}

void AppendBulk(std::string* out, std::string_view arg) {
  char header[24];
  header[0] = '$';
  char* p = std::to_chars(header + 1, header + sizeof header - 2, arg.size()).ptr;
  *p++ = '\r';
  *p++ = '\n';
  out->append(header, p - header);
  out->append(arg);
  out->append("\r\n", 2);
}

}  // namespace

ParseResult ParseRespReply(std::string_view input) {
  size_t end = 0;
  ParseResult r = ParseAt(input, 0, 0, &end);
  if (r.status == Status::kReply) r.consumed = end;
  return r;
}

void AppendRespCommand(std::string* out, std::initializer_list<std::string_view> args) {
  char header[24];
  header[0] = '*';
  char* p = std::to_chars(header + 1, header + sizeof header - 2, args.size()).ptr;
  *p++ = '\r';
  *p++ = '\n';
  out->append(header, p - header);
  for (std::string_view arg : args) AppendBulk(out, arg);
}

void RespClient::BeginHandshake(std::string* out) {
  if (!credentials_->auth) {
    AppendRespCommand(out, {"PING"});
  } else if (credentials_->username.empty()) {
    AppendRespCommand(out, {"AUTH", credentials_->password});
  } else {
    AppendRespCommand(out, {"AUTH", credentials_->username, credentials_->password});
  }
}

HandshakeResult RespClient::ContinueHandshake(std::string_view input, std::string* /*out*/) {
  HandshakeResult result;
  if (done_) {
    result.status = HandshakeResult::Status::kDone;
    return result;
  }
  ParseResult r = ParseRespReply(input);
  if (r.status == Status::kNeedMore) return result;
  result.status = HandshakeResult::Status::kFailed;
  const char* what = credentials_->auth ? "AUTH" : "PING";
  if (r.status == Status::kFatal) {
    result.error = std::string("the server does not speak RESP (") + std::string(r.message) + ")";
    return result;
  }
  result.consumed = r.consumed;
  if (r.kind == ReplyKind::kError) {
    result.error = std::string(what) + " refused: " + std::string(r.message);
    return result;
  }
  const std::string_view expected = credentials_->auth ? "OK" : "PONG";
  if (r.message != expected) {
    result.error = std::string("unexpected reply to ") + what;
    return result;
  }
  done_ = true;
  result.status = HandshakeResult::Status::kDone;
  return result;
}

void RespClient::AppendRequest(std::string* out, Command command, uint32_t /*request_id*/,
                               std::string_view key, std::string_view value) {
  if (command == Command::kSet) {
    out->append("*3\r\n$3\r\nSET\r\n", 13);
    AppendBulk(out, key);
    AppendBulk(out, value);
  } else {
    out->append("*2\r\n$3\r\nGET\r\n", 13);
    AppendBulk(out, key);
  }
}

}  // namespace memdb::bench

#include "clients/cli/tokenizer.h"

#include <utility>

namespace memdb::cli {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Status Error(std::string message, size_t index) {
  return Status(Code::kInvalidArgument, message + " (column " + std::to_string(index + 1) + ")");
}

// line[*i] is a backslash: appends the escaped byte to `out` and moves *i past the escape.
Status ReadEscape(std::string_view line, size_t* i, std::string* out) {
  const size_t at = *i;
  if (at + 1 >= line.size()) return Error("backslash at the end of the line", at);
  const char e = line[at + 1];
  char byte;
  switch (e) {
    case '\\':
    case '"':
    case '\'':
    case ' ':
      byte = e;
      break;
    case 'n':
      byte = '\n';
      break;
    case 'r':
      byte = '\r';
      break;
    case 't':
      byte = '\t';
      break;
    case '0':
      byte = '\0';
      break;
    case 'a':
      byte = '\a';
      break;
    case 'b':
      byte = '\b';
      break;
    case 'f':
      byte = '\f';
      break;
    case 'v':
      byte = '\v';
      break;
    case 'x': {
      const int hi = at + 2 < line.size() ? HexDigit(line[at + 2]) : -1;
      const int lo = at + 3 < line.size() ? HexDigit(line[at + 3]) : -1;
      if (hi < 0 || lo < 0) return Error("\\x needs two hex digits, as in \\x00 or \\xff", at);
      out->push_back(static_cast<char>(hi * 16 + lo));
      *i = at + 4;
      return Status::Ok();
    }
    default: {
      std::string shown(1, e);
      if (static_cast<unsigned char>(e) < 0x20 || static_cast<unsigned char>(e) >= 0x7f) {
        shown = "byte " + std::to_string(static_cast<unsigned char>(e));
      }
      return Error("unknown escape \\" + shown + " (use \\\\ for a backslash)", at);
    }
  }
  out->push_back(byte);
  *i = at + 2;
  return Status::Ok();
}

}  // namespace

Result<std::vector<std::string>> Tokenize(std::string_view line) {
  std::vector<std::string> words;
  std::string current;
  bool in_word = false;
  size_t i = 0;
  while (i < line.size()) {
    const char c = line[i];
    if (IsSpace(c)) {
      if (in_word) {
        words.push_back(std::move(current));
        current.clear();
        in_word = false;
      }
      ++i;
      continue;
    }
    in_word = true;
    if (c == '\'') {
      const size_t close = line.find('\'', i + 1);
      if (close == std::string_view::npos) return Error("unterminated single quote", i);
      current.append(line.substr(i + 1, close - i - 1));
      i = close + 1;
    } else if (c == '"') {
      const size_t open = i++;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '"') {
          closed = true;
          ++i;
          break;
        }
        if (line[i] == '\\') {
          if (Status s = ReadEscape(line, &i, &current); !s.ok()) return s;
        } else {
          current.push_back(line[i++]);
        }
      }
      if (!closed) return Error("unterminated double quote", open);
    } else if (c == '\\') {
      if (Status s = ReadEscape(line, &i, &current); !s.ok()) return s;
    } else {
      current.push_back(c);
      ++i;
    }
  }
  if (in_word) words.push_back(std::move(current));
  return words;
}

}  // namespace memdb::cli

// memdb-cli's --json output: every reply is one line of valid JSON, whatever the bytes, and
// decodes back to what the server returned. Checked with a strict little JSON parser.
#include <gtest/gtest.h>

#include <cctype>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include "clients/cli/escape.h"
#include "clients/cli/output.h"
#include "clients/cli/reply.h"

namespace memdb::cli {
namespace {

// ---- a strict JSON parser (RFC 8259), enough to check the output ----

struct Json;
using JsonObject = std::map<std::string, Json>;
struct Json {
  enum class Type { kNull, kBool, kNumber, kString, kObject, kArray } type = Type::kNull;
  bool boolean = false;
  std::string text;  // kNumber: as written; kString: decoded UTF-8
  std::shared_ptr<JsonObject> object;
  std::vector<Json> array;

  const Json& operator[](const std::string& key) const {
    static const Json kMissing;
    if (type != Type::kObject) return kMissing;
    auto it = object->find(key);
    return it == object->end() ? kMissing : it->second;
  }
  bool Has(const std::string& key) const { return type == Type::kObject && object->count(key); }
};

class Parser {
 public:
  explicit Parser(std::string_view in) : in_(in) {}

  bool Parse(Json* out) {
    SkipSpace();
    if (!Value(out)) return false;
    SkipSpace();
    return pos_ == in_.size();
  }

 private:
  void SkipSpace() {
    while (pos_ < in_.size() && std::strchr(" \t\r\n", in_[pos_]) != nullptr) ++pos_;
  }
  bool Literal(std::string_view word) {
    if (in_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  bool Value(Json* out) {
    if (pos_ >= in_.size()) return false;
    const char c = in_[pos_];
    if (c == '{') return Object(out);
    if (c == '[') return Array(out);
    if (c == '"') {
      out->type = Json::Type::kString;
      return String(&out->text);
    }
    if (c == 't' || c == 'f') {
      out->type = Json::Type::kBool;
      out->boolean = c == 't';
      return Literal(c == 't' ? "true" : "false");
    }
    if (c == 'n') return Literal("null");
    return Number(out);
  }
  bool Number(Json* out) {
    const size_t start = pos_;
    if (pos_ < in_.size() && in_[pos_] == '-') ++pos_;
    if (pos_ >= in_.size() || !std::isdigit(static_cast<unsigned char>(in_[pos_]))) return false;
    if (in_[pos_] == '0') {
      ++pos_;
    } else {
      while (pos_ < in_.size() && std::isdigit(static_cast<unsigned char>(in_[pos_]))) ++pos_;
    }
    if (pos_ < in_.size() && in_[pos_] == '.') {
      ++pos_;
      const size_t digits = pos_;
      while (pos_ < in_.size() && std::isdigit(static_cast<unsigned char>(in_[pos_]))) ++pos_;
      if (pos_ == digits) return false;
    }
    out->type = Json::Type::kNumber;
    out->text = std::string(in_.substr(start, pos_ - start));
    return true;
  }
  bool Hex4(uint32_t* v) {
    if (pos_ + 4 > in_.size()) return false;
    *v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = in_[pos_++];
      *v <<= 4;
      if (c >= '0' && c <= '9') {
        *v |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        *v |= c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        *v |= c - 'A' + 10;
      } else {
        return false;
      }
    }
    return true;
  }
  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  bool String(std::string* out) {
    ++pos_;  // '"'
    while (pos_ < in_.size()) {
      const unsigned char c = static_cast<unsigned char>(in_[pos_]);
      if (c == '"') {
        ++pos_;
        return IsValidUtf8(*out);
      }
      if (c < 0x20) return false;  // raw control characters are not allowed
      if (c != '\\') {
        out->push_back(static_cast<char>(c));
        ++pos_;
        continue;
      }
      if (++pos_ >= in_.size()) return false;
      const char e = in_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out->push_back(e);
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          uint32_t cp;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low;
            if (!Literal("\\u") || !Hex4(&low) || low < 0xDC00 || low > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return false;
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }
  bool Object(Json* out) {
    ++pos_;  // '{'
    out->type = Json::Type::kObject;
    out->object = std::make_shared<JsonObject>();
    SkipSpace();
    if (pos_ < in_.size() && in_[pos_] == '}') {
      ++pos_;
      return true;
    }
    for (;;) {
      SkipSpace();
      if (pos_ >= in_.size() || in_[pos_] != '"') return false;
      std::string key;
      if (!String(&key)) return false;
      SkipSpace();
      if (!Literal(":")) return false;
      SkipSpace();
      Json value;
      if (!Value(&value)) return false;
      if (!out->object->emplace(key, std::move(value)).second) return false;  // duplicate
      SkipSpace();
      if (Literal("}")) return true;
      if (!Literal(",")) return false;
    }
  }
  bool Array(Json* out) {
    ++pos_;  // '['
    out->type = Json::Type::kArray;
    SkipSpace();
    if (Literal("]")) return true;
    for (;;) {
      SkipSpace();
      Json value;
      if (!Value(&value)) return false;
      out->array.push_back(std::move(value));
      SkipSpace();
      if (Literal("]")) return true;
      if (!Literal(",")) return false;
    }
  }

  std::string_view in_;
  size_t pos_ = 0;
};

std::string Base64Decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    acc = (acc << 6) | static_cast<uint32_t>(value(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

// Renders `reply` as JSON and parses it: exactly one line, valid JSON, an object.
Json RenderAndParse(const Reply& reply) {
  FormatOptions options;
  options.mode = OutputMode::kJson;
  Rendered r = RenderReply(reply, options);
  EXPECT_EQ(r.err, "");
  EXPECT_FALSE(r.out.empty());
  EXPECT_EQ(r.out.back(), '\n');
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << "more than one line: " << r.out;
  Json json;
  EXPECT_TRUE(Parser(r.out).Parse(&json)) << "invalid JSON: " << r.out;
  EXPECT_EQ(json.type, Json::Type::kObject) << r.out;
  return json;
}

// The bytes of a GET reply's value, from whichever field holds them.
std::string ValueBytes(const Json& json) {
  EXPECT_NE(json.Has("value"), json.Has("value_base64"));
  if (json.Has("value")) return json["value"].text;
  return Base64Decode(json["value_base64"].text);
}

Reply Named(Reply reply, std::string command) {
  reply.command = std::move(command);
  return reply;
}

TEST(CliJsonOutput, GetOfTextValue) {
  const Version v{(uint64_t{1717245296789} << 16) | 5, 42};
  Json j = RenderAndParse(Named(Reply::Value("café", v), "GET"));
  EXPECT_TRUE(j["ok"].boolean);
  EXPECT_EQ(j["command"].text, "GET");
  EXPECT_TRUE(j["found"].boolean);
  EXPECT_EQ(j["value"].text, "café");
  EXPECT_FALSE(j.Has("value_base64"));
  // The 64-bit timestamp is a string (exact in every parser); its parts are numbers.
  EXPECT_EQ(j["version"]["timestamp"].type, Json::Type::kString);
  EXPECT_EQ(j["version"]["timestamp"].text, std::to_string(v.timestamp));
  EXPECT_EQ(j["version"]["millis"].text, "1717245296789");
  EXPECT_EQ(j["version"]["logical"].text, "5");
  EXPECT_EQ(j["version"]["node_id"].text, "42");
}

TEST(CliJsonOutput, GetOfBinaryValueUsesBase64) {
  const std::string bytes("\x00\xff\xfe\n\"", 5);
  Json j = RenderAndParse(Named(Reply::Value(bytes, Version{1, 1}), "GET"));
  EXPECT_FALSE(j.Has("value"));
  EXPECT_EQ(j["value_base64"].text, "AP/+CiI=");
  EXPECT_EQ(ValueBytes(j), bytes);
}

TEST(CliJsonOutput, MissingKey) {
  Json j = RenderAndParse(Named(Reply::Nil(), "GET"));
  EXPECT_TRUE(j["ok"].boolean);
  EXPECT_FALSE(j["found"].boolean);
  ASSERT_TRUE(j.Has("value"));
  EXPECT_EQ(j["value"].type, Json::Type::kNull);
}

TEST(CliJsonOutput, OtherReplies) {
  Reply set = Named(Reply::Word("OK"), "SET");
  set.version = Version{7, 3};
  Json s = RenderAndParse(set);
  EXPECT_EQ(s["reply"].text, "OK");
  EXPECT_EQ(s["version"]["timestamp"].text, "7");

  Json d = RenderAndParse(Named(Reply::Integer("deleted", 1), "DEL"));
  EXPECT_EQ(d["deleted"].text, "1");
  Json c = RenderAndParse(Named(Reply::Bool("present", false), "CONTAINS"));
  EXPECT_EQ(c["present"].type, Json::Type::kBool);
  EXPECT_FALSE(c["present"].boolean);

  Reply ping = Named(Reply::Word("PONG"), "PING");
  ping.latency_ms = 1.5;
  ping.session_clock = 123;
  Json p = RenderAndParse(ping);
  EXPECT_EQ(p["reply"].text, "PONG");
  EXPECT_EQ(p["latency_ms"].text, "1.500");
  EXPECT_EQ(p["session_clock"].text, "123");

  Json h = RenderAndParse(Named(Reply::Text("line 1\n\"line\" 2\n"), "HELP"));
  EXPECT_EQ(h["text"].text, "line 1\n\"line\" 2\n");
}

TEST(CliJsonOutput, StatsAreAnObjectWithExactValues) {
  const uint64_t clock = (uint64_t{1717245296789} << 16) | 3;  // above 2^53
  Json j = RenderAndParse(Named(Reply::Stats({{"node_id", 42},
                                              {"clock", clock},
                                              {"keys", 0},
                                              {"exact", (uint64_t{1} << 53) - 1},
                                              {"keys", 99}}),  // repeated: the first wins
                                "STATS"));
  EXPECT_TRUE(j["ok"].boolean);
  const Json& stats = j["stats"];
  ASSERT_EQ(stats.type, Json::Type::kObject);
  EXPECT_EQ(stats.object->size(), 4u);
  EXPECT_EQ(stats["node_id"].type, Json::Type::kNumber);
  EXPECT_EQ(stats["node_id"].text, "42");
  EXPECT_EQ(stats["keys"].text, "0");
  EXPECT_EQ(stats["exact"].type, Json::Type::kNumber);
  EXPECT_EQ(stats["clock"].type, Json::Type::kString);
  EXPECT_EQ(stats["clock"].text, std::to_string(clock));
  Json empty = RenderAndParse(Named(Reply::Stats({}), "STATS"));
  EXPECT_EQ(empty["stats"].object->size(), 0u);
}

TEST(CliJsonOutput, Errors) {
  Json j = RenderAndParse(
      Named(Reply::Error(CliError{"KEY_TOO_LARGE", "key is 9 bytes, limit 8", kExitCommandError}),
            "SET"));
  EXPECT_FALSE(j["ok"].boolean);
  EXPECT_EQ(j["command"].text, "SET");
  EXPECT_EQ(j["error"]["code"].text, "KEY_TOO_LARGE");
  EXPECT_EQ(j["error"]["message"].text, "key is 9 bytes, limit 8");
  // An unknown command's name, as typed, may be any bytes: still valid JSON.
  Json u = RenderAndParse(
      Named(Reply::Error(UsageError(std::string("unknown command '\xff\x01'"))), "\xff\x01"));
  EXPECT_EQ(u["command"].text, "\xef\xbf\xbd\x01");  // U+FFFD, then the control character
  EXPECT_EQ(u["error"]["code"].text, "USAGE");
}

TEST(CliJsonOutput, NothingForNoReply) {
  FormatOptions options;
  options.mode = OutputMode::kJson;
  EXPECT_EQ(RenderReply(Reply::None(), options).out, "");
}

// Any bytes: the output parses and the value decodes back exactly. Deterministic per seed;
// a failure prints its seed.
TEST(CliJsonOutput, RandomValuesRoundTrip) {
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 rng(seed);
    std::string value(rng() % 80, '\0');
    const bool text = seed % 2 == 0;
    for (char& c : value) c = static_cast<char>(text ? 1 + rng() % 127 : rng() % 256);
    if (seed % 5 == 0) value += "ü€𝄞\u2028";
    Json j = RenderAndParse(Named(Reply::Value(value, Version{seed, seed}), "GET"));
    EXPECT_EQ(ValueBytes(j), value);
    if (IsValidUtf8(value)) {
      EXPECT_TRUE(j.Has("value"));
    }
  }
}

}  // namespace
}  // namespace memdb::cli

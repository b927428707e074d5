// memdb-cli's escaping (QuoteBytes, EscapeText, JsonString, Base64Encode, UTF-8 checks) and
// its human and raw output formats.
#include <gtest/gtest.h>

#include <string>

#include "clients/cli/escape.h"
#include "clients/cli/output.h"
#include "clients/cli/reply.h"

namespace memdb::cli {
namespace {

using namespace std::string_literals;

TEST(CliEscape, QuoteBytesEscapesWhatIsNotPrintable) {
  EXPECT_EQ(QuoteBytes("hello world"), R"("hello world")");
  EXPECT_EQ(QuoteBytes(""), R"("")");
  EXPECT_EQ(QuoteBytes("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(QuoteBytes("l1\nl2\r\t"), R"("l1\nl2\r\t")");
  EXPECT_EQ(QuoteBytes("\x00\x01\x1b[2J\x7f\xff"s), R"("\x00\x01\x1b[2J\x7f\xff")");
}

TEST(CliEscape, QuoteBytesShowsUtf8OnlyWhenAsked) {
  EXPECT_EQ(QuoteBytes("café"), R"("caf\xc3\xa9")");
  EXPECT_EQ(QuoteBytes("café", EscapeOptions{true}), R"("café")");
  EXPECT_EQ(QuoteBytes("☕", EscapeOptions{true}), R"("☕")");
}

TEST(CliEscape, QuoteBytesEscapesInvalidUtf8AndInvisibleCharacters) {
  const EscapeOptions utf8{true};
  EXPECT_EQ(QuoteBytes("\xc3"s, utf8), R"("\xc3")");                 // truncated
  EXPECT_EQ(QuoteBytes("\xc0\xaf", utf8), R"("\xc0\xaf")");          // overlong '/'
  EXPECT_EQ(QuoteBytes("\xed\xa0\x80", utf8), R"("\xed\xa0\x80")");  // surrogate
  EXPECT_EQ(QuoteBytes("\xc2\x85", utf8), R"("\xc2\x85")");          // C1 control (NEL)
  EXPECT_EQ(QuoteBytes("a\u202eb", utf8), R"("a\xe2\x80\xaeb")");    // right-to-left override
  EXPECT_EQ(QuoteBytes("a\u200bb", utf8), R"("a\xe2\x80\x8bb")");    // zero-width space
  EXPECT_EQ(QuoteBytes("\ufeff", utf8), R"("\xef\xbb\xbf")");        // BOM
}

TEST(CliEscape, EscapeTextLeavesQuotesAlone) {
  EXPECT_EQ(EscapeText("key \"k\" is\n\x1b[31mred"), R"(key "k" is\n\x1b[31mred)");
}

TEST(CliEscape, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii \x01\x7f"));
  EXPECT_TRUE(IsValidUtf8("café ☕ 𝄞"));
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));   // U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\x80"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xbf\xbf"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation
  EXPECT_FALSE(IsValidUtf8("\xe2\x98"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xff"));
}

TEST(CliEscape, JsonStringEscapesControlsAndReplacesInvalidBytes) {
  EXPECT_EQ(JsonString("plain"), R"("plain")");
  EXPECT_EQ(JsonString("q\"b\\s/"), R"("q\"b\\s/")");
  EXPECT_EQ(JsonString("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(JsonString("\x00\x1f\x7f"s), R"("\u0000\u001f\u007f")");
  EXPECT_EQ(JsonString("café ☕"), R"("café ☕")");
  EXPECT_EQ(JsonString("\u2028\u2029"), R"("\u2028\u2029")");
  EXPECT_EQ(JsonString("a\xff"
                       "b\xc3"),
            R"("a\ufffdb\ufffd")");
}

TEST(CliEscape, Base64MatchesRfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("\x00\xff\xfe"s), "AP/+");
}

// ---- human output ----

Version V(uint64_t millis, uint32_t logical, NodeId node) {
  return Version{(millis << kHlcLogicalBits) | logical, node};
}

std::string Human(const Reply& reply, bool verbose = false) {
  FormatOptions options;
  options.verbose = verbose;
  Rendered r = RenderReply(reply, options);
  EXPECT_EQ(r.err, "");
  return r.out;
}

TEST(CliHumanOutput, EachKindOfReply) {
  EXPECT_EQ(Human(Reply::Word("OK")), "OK\n");
  EXPECT_EQ(Human(Reply::Nil()), "(nil)\n");
  EXPECT_EQ(Human(Reply::Value("v\x01", V(1, 0, 1))), "\"v\\x01\"\n");
  EXPECT_EQ(Human(Reply::Integer("deleted", 1)), "(integer) 1\n");
  EXPECT_EQ(Human(Reply::Bool("present", true)), "true\n");
  EXPECT_EQ(Human(Reply::Bool("present", false)), "false\n");
  EXPECT_EQ(Human(Reply::Text("some help\n")), "some help\n");
  EXPECT_EQ(Human(Reply::None()), "");
}

TEST(CliHumanOutput, ErrorsShowCodeAndEscapedMessage) {
  EXPECT_EQ(Human(Reply::Error(CliError{"KEY_TOO_LARGE", "key is 70000 bytes", kExitCommandError})),
            "(error) KEY_TOO_LARGE: key is 70000 bytes\n");
  EXPECT_EQ(Human(Reply::Error(UsageError("unknown command '\x1b[2J'"))),
            "(error) USAGE: unknown command '\\x1b[2J'\n");
}

TEST(CliHumanOutput, VerboseShowsVersions) {
  const Version v = V(1717245296789, 5, 42);
  EXPECT_EQ(DescribeTimestamp(v.timestamp), "2024-06-01 12:34:56.789 UTC +5");
  const std::string described =
      std::to_string(v.timestamp) + " = 2024-06-01 12:34:56.789 UTC +5, node 42";
  EXPECT_EQ(DescribeVersion(v), described);
  EXPECT_EQ(Human(Reply::Value("v", v)), "\"v\"\n");
  EXPECT_EQ(Human(Reply::Value("v", v), true), "\"v\" (version " + described + ")\n");
  Reply ok = Reply::Word("OK");
  ok.version = v;
  EXPECT_EQ(Human(ok), "OK\n");
  EXPECT_EQ(Human(ok, true), "OK (version " + described + ")\n");
}

TEST(CliHumanOutput, VerbosePingShowsTiming) {
  Reply pong = Reply::Word("PONG");
  pong.latency_ms = 0.25;
  pong.session_clock = V(1717245296789, 0, 0).timestamp;
  EXPECT_EQ(Human(pong), "PONG\n");
  EXPECT_EQ(Human(pong, true), "PONG (0.250 ms, session clock " +
                                   std::to_string(*pong.session_clock) +
                                   " = 2024-06-01 12:34:56.789 UTC +0)\n");
}

TEST(CliHumanOutput, StatsAreAlignedAndTheClockIsDated) {
  const Timestamp clock = V(1717245296789, 3, 0).timestamp;
  Reply stats = Reply::Stats({{"node_id", 42}, {"clock", clock}, {"bad\nname", 7}});
  EXPECT_EQ(Human(stats),
            "node_id    42\n"
            "clock      " +
                std::to_string(clock) +
                " (2024-06-01 12:34:56.789 UTC +3)\n"
                "bad\\nname  7\n");
}

// ---- raw output ----

TEST(CliRawOutput, ValuesAreExactBytes) {
  FormatOptions options;
  options.mode = OutputMode::kRaw;
  const std::string bytes = "\x00\n\xff\"\\"s;
  EXPECT_EQ(RenderReply(Reply::Value(bytes, V(1, 0, 1)), options).out, bytes + "\n");
  EXPECT_EQ(RenderReply(Reply::Nil(), options).out, "\n");
  options.raw_value_newline = false;  // one-shot
  EXPECT_EQ(RenderReply(Reply::Value(bytes, V(1, 0, 1)), options).out, bytes);
  EXPECT_EQ(RenderReply(Reply::Nil(), options).out, "");
  EXPECT_EQ(RenderReply(Reply::Word("OK"), options).out, "OK\n");
  EXPECT_EQ(RenderReply(Reply::Integer("deleted", 0), options).out, "0\n");
  EXPECT_EQ(RenderReply(Reply::Bool("present", true), options).out, "true\n");
  EXPECT_EQ(RenderReply(Reply::Stats({{"keys", 3}, {"requests", 10}}), options).out,
            "keys\t3\nrequests\t10\n");
}

TEST(CliRawOutput, ErrorsGoToStderr) {
  FormatOptions options;
  options.mode = OutputMode::kRaw;
  Rendered r = RenderReply(Reply::Error(CliError{"TIMEOUT", "no reply", kExitConnection}), options);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "(error) TIMEOUT: no reply\n");
}

TEST(CliReply, ErrorsMapToExitCodes) {
  EXPECT_EQ(ErrorFromStatus(Status(Code::kKeyTooLarge, "k")).exit_code, kExitCommandError);
  EXPECT_EQ(ErrorFromStatus(Status(Code::kKeyTooLarge, "k")).code, "KEY_TOO_LARGE");
  EXPECT_EQ(ErrorFromStatus(Status(Code::kValueTooLarge, "v")).exit_code, kExitCommandError);
  EXPECT_EQ(ErrorFromStatus(Status(Code::kInvalidArgument, "big")).exit_code, kExitCommandError);
  EXPECT_EQ(ErrorFromStatus(Status(Code::kConnectionFailed, "c")).exit_code, kExitConnection);
  EXPECT_EQ(ErrorFromStatus(Status(Code::kAuthFailed, "a")).exit_code, kExitConnection);
  EXPECT_EQ(ErrorFromStatus(Status(Code::kTimeout, "t")).exit_code, kExitConnection);
  EXPECT_EQ(UsageError("x").exit_code, kExitUsage);
  EXPECT_EQ(Reply::Nil().exit_code(), kExitOk);
  EXPECT_EQ(Reply::Error(UsageError("x")).exit_code(), kExitUsage);
}

}  // namespace
}  // namespace memdb::cli

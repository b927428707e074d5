// memdb-cli's tokenizer: splitting, both quote styles, every escape, error columns, and the
// round trip QuoteBytes -> Tokenize for every byte and for random byte strings.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "clients/cli/escape.h"
#include "clients/cli/tokenizer.h"

namespace memdb::cli {
namespace {

using Words = std::vector<std::string>;

Words Tok(std::string_view line) {
  Result<Words> words = Tokenize(line);
  EXPECT_TRUE(words.ok()) << line << ": " << words.status().ToString();
  return words.ok() ? *words : Words{};
}

std::string TokError(std::string_view line) {
  Result<Words> words = Tokenize(line);
  EXPECT_FALSE(words.ok()) << line;
  EXPECT_EQ(words.status().code(), Code::kInvalidArgument);
  return words.status().message();
}

TEST(CliTokenizer, SplitsOnWhitespace) {
  EXPECT_EQ(Tok("SET k v"), (Words{"SET", "k", "v"}));
  EXPECT_EQ(Tok("  GET\t\tkey  "), (Words{"GET", "key"}));
  EXPECT_EQ(Tok("a\r\nb\vc\fd"), (Words{"a", "b", "c", "d"}));
}

TEST(CliTokenizer, BlankLineHasNoWords) {
  EXPECT_TRUE(Tok("").empty());
  EXPECT_TRUE(Tok("   \t ").empty());
}

TEST(CliTokenizer, DoubleQuotesKeepSpacesAndInterpretEscapes) {
  EXPECT_EQ(Tok(R"(SET k "hello world")"), (Words{"SET", "k", "hello world"}));
  EXPECT_EQ(Tok(R"("a\"b" "c\\d" "e\nf\tg\rh")"), (Words{"a\"b", "c\\d", "e\nf\tg\rh"}));
  EXPECT_EQ(Tok(R"("it\'s")"), (Words{"it's"}));
}

TEST(CliTokenizer, SingleQuotesAreLiteral) {
  EXPECT_EQ(Tok(R"('a b' 'c\x00\n' '"')"), (Words{"a b", R"(c\x00\n)", "\""}));
}

TEST(CliTokenizer, EmptyQuotesAreEmptyArguments) {
  EXPECT_EQ(Tok(R"(SET k "")"), (Words{"SET", "k", ""}));
  EXPECT_EQ(Tok("SET k ''"), (Words{"SET", "k", ""}));
  EXPECT_EQ(Tok(R"("" '')"), (Words{"", ""}));
}

TEST(CliTokenizer, AdjacentPiecesJoin) {
  EXPECT_EQ(Tok(R"(a"b c"'d e'f)"), (Words{"ab cd ef"}));
  EXPECT_EQ(Tok(R"(key" "x)"), (Words{"key x"}));
}

TEST(CliTokenizer, UnquotedEscapes) {
  EXPECT_EQ(Tok(R"(a\ b c)"), (Words{"a b", "c"}));
  EXPECT_EQ(Tok(R"(\x00\x01\xfF)"), (Words{std::string("\x00\x01\xff", 3)}));
  EXPECT_EQ(Tok(R"(\"quoted\")"), (Words{"\"quoted\""}));
}

TEST(CliTokenizer, EveryNamedEscape) {
  EXPECT_EQ(Tok(R"("\\\"\'\ \n\r\t\0\a\b\f\v")"),
            (Words{std::string("\\\"' \n\r\t\0\a\b\f\v", 12)}));
}

TEST(CliTokenizer, HexEscapesCoverEveryByte) {
  for (int b = 0; b < 256; ++b) {
    char hex[8];
    std::snprintf(hex, sizeof(hex), "\\x%02x", b);
    EXPECT_EQ(Tok(hex), (Words{std::string(1, static_cast<char>(b))})) << hex;
  }
}

TEST(CliTokenizer, UnterminatedQuotesNameTheirColumn) {
  EXPECT_EQ(TokError(R"(SET k "abc)"), "unterminated double quote (column 7)");
  EXPECT_EQ(TokError("SET 'abc"), "unterminated single quote (column 5)");
  // An escaped quote does not close the string.
  EXPECT_EQ(TokError(R"("abc\")"), "unterminated double quote (column 1)");
}

TEST(CliTokenizer, BadEscapesAreErrorsNotGuesses) {
  EXPECT_EQ(TokError(R"(a\q)"), R"(unknown escape \q (use \\ for a backslash) (column 2))");
  EXPECT_EQ(TokError(R"("\x4")"), R"(\x needs two hex digits, as in \x00 or \xff (column 2))");
  EXPECT_EQ(TokError(R"(\xzz)"), R"(\x needs two hex digits, as in \x00 or \xff (column 1))");
  EXPECT_EQ(TokError("abc\\"), "backslash at the end of the line (column 4)");
  EXPECT_NE(TokError("a\\\x01").find("byte 1"), std::string::npos);
}

TEST(CliTokenizer, NonAsciiPassesThrough) {
  EXPECT_EQ(Tok("SET k café"), (Words{"SET", "k", "café"}));
  EXPECT_EQ(Tok(std::string("a\xff\x80 b", 5)), (Words{std::string("a\xff\x80", 3), "b"}));
}

TEST(CliTokenizer, QuoteBytesRoundTripsEveryByte) {
  for (int b = 0; b < 256; ++b) {
    const std::string value(1, static_cast<char>(b));
    for (bool utf8 : {false, true}) {
      EXPECT_EQ(Tok(QuoteBytes(value, EscapeOptions{utf8})), (Words{value})) << b;
    }
  }
}

// Random byte strings survive QuoteBytes -> Tokenize. Deterministic per seed; a failure
// prints its seed.
TEST(CliTokenizer, QuoteBytesRoundTripsRandomBytes) {
  for (uint32_t seed = 1; seed <= 200; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 rng(seed);
    std::string value(rng() % 64, '\0');
    for (char& c : value) c = static_cast<char>(rng() % 256);
    if (seed % 3 == 0) value += "café ☕ \xe2\x80\xae";  // UTF-8, a bidi override
    for (bool utf8 : {false, true}) {
      const std::string line = "SET " + QuoteBytes("k\n", EscapeOptions{utf8}) + " " +
                               QuoteBytes(value, EscapeOptions{utf8});
      EXPECT_EQ(Tok(line), (Words{"SET", "k\n", value}));
    }
  }
}

}  // namespace
}  // namespace memdb::cli

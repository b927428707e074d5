// Showing arbitrary bytes to people (escaped, quoted) and to JSON parsers (valid JSON always).
//
// Pure functions, no I/O.
#ifndef MEMDB_CLIENTS_CLI_ESCAPE_H_
#define MEMDB_CLIENTS_CLI_ESCAPE_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace memdb::cli {

struct EscapeOptions {
  // Show valid UTF-8 text beyond ASCII as is (for a UTF-8 terminal). Invisible and
  // direction-changing characters (zero-width spaces, bidi overrides, U+2028/9, BOM) are still
  // escaped. When false, every byte outside printable ASCII is escaped.
  bool utf8 = false;
};

// `bytes` as a double-quoted string that Tokenize (tokenizer.h) reads back to the same bytes:
// printable ASCII as is, \" \\ \n \r \t, every other byte \xHH (lower-case hex).
//   QuoteBytes("a\"b\x00") == R"("a\"b\x00")"
std::string QuoteBytes(std::string_view bytes, EscapeOptions options = {});

// The same escaping without the surrounding quotes, leaving '"' alone: for one-line text such
// as an error message from the server, so it cannot move the cursor or change the terminal.
std::string EscapeText(std::string_view text, EscapeOptions options = {});

// True when `bytes` is well-formed UTF-8 (no overlong forms, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

// A JSON string literal, quotes included. Valid UTF-8 passes through; '"', '\\', control
// characters, DEL and U+2028/U+2029 are escaped. Each byte that is not part of a valid UTF-8
// sequence becomes U+FFFD: use this for text, and Base64Encode for bytes that must survive.
std::string JsonString(std::string_view text);

// A u64 as JSON: a number when a double holds it exactly (< 2^53, so JSON parsers that use
// doubles read it right), else a decimal string, as STATS does.
std::string JsonU64(uint64_t v);
std::string JsonBool(bool b);

// RFC 4648 base64 (standard alphabet, '=' padding).
std::string Base64Encode(std::string_view bytes);

// Length of the valid UTF-8 sequence at bytes[i] (1-4) with its code point in *code_point,
// or 0 when the bytes there are not a valid sequence.
size_t DecodeUtf8(std::string_view bytes, size_t i, uint32_t* code_point);

}  // namespace memdb::cli

#endif  // MEMDB_CLIENTS_CLI_ESCAPE_H_

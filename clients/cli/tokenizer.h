// Tokenize — splits one memdb-cli command line into its arguments, binary-safe.
//
// The rules (docs/cli.md, "Typing arguments"):
//   - Arguments are separated by unquoted whitespace (space, tab, CR, LF, VT, FF).
//   - Unquoted text and "double-quoted" text interpret backslash escapes:
//       \\  \"  \'  \<space>  \n \r \t \0 \a \b \f \v  and \xHH (exactly two hex digits:
//       any byte, so binary values can be typed). Any other character after a backslash is
//       an error, so that a typo never silently becomes different bytes.
//   - 'Single-quoted' text is taken byte for byte up to the next single quote (no escapes).
//   - Pieces with no whitespace between them make one argument: a"b c"'d' is `ab cd`.
//   - "" and '' are empty arguments.
// QuoteBytes (escape.h) writes double-quoted text that Tokenize reads back to the same bytes.
//
// Pure: no I/O, no global state.
#ifndef MEMDB_CLIENTS_CLI_TOKENIZER_H_
#define MEMDB_CLIENTS_CLI_TOKENIZER_H_

#include <string>
#include <string_view>
#include <vector>

#include "memdb/result.h"

namespace memdb::cli {

// The arguments (none for a blank line), or kInvalidArgument with a message naming the
// 1-based column of the problem ("unterminated double quote (opened at column 5)").
Result<std::vector<std::string>> Tokenize(std::string_view line);

}  // namespace memdb::cli

#endif  // MEMDB_CLIENTS_CLI_TOKENIZER_H_

// The table of every daemon setting: its YAML key, flag, environment variable, type, allowed
// range and help text. The YAML reader, the environment and flag parsers, validation, --help
// and RenderConfig are all driven by this one table, so a setting added here is available
// everywhere at once.
//
// Naming: YAML key "server.max_connections" <-> flag "--server-max-connections" <-> environment
// variable "MEMDB_SERVER_MAX_CONNECTIONS" ('.' and '_' become '-' in flags, '_' in env names).
// The only exception is auth.client_keys, whose flag is the repeatable "--auth-client-key".
//
// Internal to memdb_config. The table is constant: everything here is safe from any thread.
#ifndef MEMDB_CONFIG_SETTINGS_H_
#define MEMDB_CONFIG_SETTINGS_H_

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config.h"
#include "memdb/status.h"

namespace memdb::config {

// The placeholder RenderConfig prints instead of a secret. Validation refuses it as a secret,
// so a --print-config output fed back as a config file cannot run with a known secret.
inline constexpr std::string_view kRedacted = "<redacted>";

enum class Kind {
  kString,      // any text
  kSecret,      // text that is never printed
  kBool,        // true/false, yes/no, on/off, 1/0 (any case)
  kUint,        // decimal integer in [min, max]
  kLogLevel,    // one of kLogLevels
  kClientKeys,  // id -> secret map
  kChoice,      // one of the space-separated words in `noun` (any case; stored lower case)
  kRatio,       // decimal number in [min, max]
  kStringList,  // YAML sequence of strings; env and flags: comma-separated
};

using ClientKeys = std::map<std::string, std::string>;
// Where a setting lives inside Config.
using StringList = std::vector<std::string>;
using FieldRef = std::variant<std::string*, bool*, uint16_t*, uint32_t*, uint64_t*, double*,
                              ClientKeys*, StringList*>;

struct Setting {
  std::string_view key;    // YAML path: "server.port"
  std::string_view alias;  // extra flag name ("--port"), or empty
  Kind kind;
  uint64_t min;                // kUint, kRatio only
  uint64_t max;                // kUint, kRatio only
  std::string_view noun;       // kUint: "a valid port" -> `"x" is not a valid port (0-65535)`;
                               // kChoice: the allowed words, "always interval never"
  std::string_view type_name;  // placeholder shown by --help: "PORT"
  std::string_view help;
  FieldRef (*field)(Config*);
};

inline constexpr std::string_view kLogLevels[] = {"trace", "debug",    "info", "warn",
                                                  "error", "critical", "off"};

// Every setting, grouped by YAML section in the order config/memdb.yaml lists them.
std::span<const Setting> AllSettings();
// nullptr when `key` is not a setting.
const Setting* FindSetting(std::string_view key);
// True for "server", "limits", "auth", "cluster", "oplog", "oplog.compaction", "log": YAML
// mappings that
// hold settings.
bool IsSection(std::string_view key);
std::span<const std::string_view> AllSections();

std::string FlagName(const Setting& setting);  // "--server-port"
std::string EnvName(const Setting& setting);   // "MEMDB_SERVER_PORT"

// One value for one setting as a source gave it, before it is parsed.
struct RawValue {
  std::string text;      // every kind but kClientKeys (kStringList: comma-separated)
  ClientKeys keys;       // kClientKeys: already split and checked by the source
  bool is_list = false;  // kStringList from a YAML sequence: `items`, not `text`
  StringList items;
  std::string origin;  // for messages: "flag --server-port", "env MEMDB_SERVER_PORT", "f.yaml:3"
};
// One source's values, by setting key. Sources are applied in order of precedence.
using Layer = std::map<std::string_view, RawValue>;

// Collects error messages so that one run reports every problem, not just the first.
class Errors {
 public:
  void Add(std::string message) { messages_.push_back(std::move(message)); }
  bool empty() const { return messages_.empty(); }
  size_t size() const { return messages_.size(); }
  // kInvalidArgument with every message, one per line; OK when there are none.
  Status ToStatus() const;

 private:
  std::vector<std::string> messages_;
};

// What `setting` accepts, completing "... is not <this>": "a valid port (0-65535)".
std::string AllowedValues(const Setting& setting);

// Parses `value` for `setting` and stores it in `config`. On a bad value adds an error that
// names the setting, the value (never for secrets), what is allowed and the value's origin.
void ApplyValue(const Setting& setting, const RawValue& value, Config* config, Errors* errors);

// Checks the value `config` holds for `setting` against the table (range, level names).
// Adds an error without an origin. Client keys and secrets are checked in validation.cc.
void CheckTableValue(const Setting& setting, const Config& config, Errors* errors);

// The value as YAML-ish text for --help and RenderConfig. Secrets come out as kRedacted when
// set, "" when empty; client keys as a count; string lists comma-separated.
std::string FormatValue(const Setting& setting, const Config& config);

// `value` in double quotes for an error message: escaped, cut to 64 characters.
std::string Quote(std::string_view value);

// " (did you mean \"x\"?)" for the candidate closest to `name`, or "" when none is close.
std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates);

// "a, b,,c" -> {"a", "b", "c"}: entries separated by ',', whitespace around them trimmed,
// empty ones skipped.
StringList SplitList(std::string_view text);

// "yes"/"no"/... -> bool. False when `text` is not a boolean.
bool ParseBool(std::string_view text, bool* out);

}  // namespace memdb::config

#endif  // MEMDB_CONFIG_SETTINGS_H_

// Reading settings from a YAML config file (config/memdb.yaml documents the layout).
//
// Strict on purpose: an unknown key, a key given twice, a mapping where a value belongs (or the
// reverse), a key with no value and a malformed client key are all errors that name the key and
// the file:line, so a typo can never be silently ignored. A section left empty ("server:" with
// every line under it commented out) is fine.
#ifndef MEMDB_CONFIG_YAML_SOURCE_H_
#define MEMDB_CONFIG_YAML_SOURCE_H_

#include <string>
#include <string_view>

#include "config/settings.h"

namespace memdb::config {

// The settings in `text`, a YAML document; `path` names it in messages ("path:line").
Layer ParseYamlConfig(std::string_view text, std::string_view path, Errors* errors);

// Reads the file at `path`, then ParseYamlConfig. A file that cannot be read is an error.
Layer ReadYamlConfigFile(const std::string& path, Errors* errors);

}  // namespace memdb::config

#endif  // MEMDB_CONFIG_YAML_SOURCE_H_

// Rendering a Config as YAML (--print-config), secrets redacted.
#ifndef MEMDB_CONFIG_RENDER_H_
#define MEMDB_CONFIG_RENDER_H_

#include <map>
#include <string>
#include <string_view>

#include "config/config.h"

namespace memdb::config {

// Setting key -> where its value came from ("env MEMDB_SERVER_PORT"). Settings not listed
// have their default.
using Origins = std::map<std::string_view, std::string>;

// `config` as YAML; with `origins`, each value not at its default carries a
// "# from <origin>" comment.
std::string Render(const Config& config, const Origins* origins);

}  // namespace memdb::config

#endif  // MEMDB_CONFIG_RENDER_H_

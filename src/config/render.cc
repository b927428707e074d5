#include "config/render.h"

#include <yaml-cpp/yaml.h>

#include <string_view>
#include <vector>

#include "config/settings.h"

namespace memdb::config {

namespace {

void EmitValue(const Setting& setting, const Config& config, YAML::Emitter* out) {
  Config copy = config;
  FieldRef field = setting.field(&copy);
  switch (setting.kind) {
    case Kind::kString:
    case Kind::kLogLevel:
    case Kind::kChoice:
      *out << *std::get<std::string*>(field);
      return;
    case Kind::kRatio:
      *out << FormatValue(setting, config);
      return;
    case Kind::kSecret:
      *out << (std::get<std::string*>(field)->empty() ? std::string() : std::string(kRedacted));
      return;
    case Kind::kBool:
      *out << *std::get<bool*>(field);
      return;
    case Kind::kUint:
      if (auto* u16 = std::get_if<uint16_t*>(&field)) {
        *out << static_cast<uint32_t>(**u16);
      } else if (auto* u64 = std::get_if<uint64_t*>(&field)) {
        *out << **u64;
      } else {
        *out << *std::get<uint32_t*>(field);
      }
      return;
    case Kind::kClientKeys: {
      const ClientKeys& keys = *std::get<ClientKeys*>(field);
      if (keys.empty()) *out << YAML::Flow;
      *out << YAML::BeginMap;
      for (const auto& [id, secret] : keys) {
        *out << YAML::Key << id << YAML::Value << std::string(kRedacted);
      }
      *out << YAML::EndMap;
      return;
    }
    case Kind::kStringList: {
      *out << YAML::Flow << YAML::BeginSeq;
      for (const std::string& item : *std::get<StringList*>(field)) *out << item;
      *out << YAML::EndSeq;
      return;
    }
  }
}

}  // namespace

std::string Render(const Config& config, const Origins* origins) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  // The sections currently open, outermost first ("oplog", "compaction").
  std::vector<std::string_view> open;
  for (const Setting& setting : AllSettings()) {
    std::vector<std::string_view> path;
    std::string_view rest = setting.key;
    for (size_t dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
      path.push_back(rest.substr(0, dot));
      rest.remove_prefix(dot + 1);
    }
    const std::string_view leaf = rest;
    size_t common = 0;
    while (common < open.size() && common < path.size() && open[common] == path[common]) {
      ++common;
    }
    for (size_t i = open.size(); i > common; --i) out << YAML::EndMap;
    open.resize(common);
    for (size_t i = common; i < path.size(); ++i) {
      out << YAML::Key << std::string(path[i]) << YAML::Value << YAML::BeginMap;
      open.push_back(path[i]);
    }
    std::string comment;
    if (origins != nullptr) {
      auto it = origins->find(setting.key);
      if (it != origins->end()) comment = "from " + it->second;
    }
    out << YAML::Key << std::string(leaf) << YAML::Value;
    // A mapping's comment goes on its key's line, a value's after the value.
    bool block_map = setting.kind == Kind::kClientKeys && !config.auth.client_keys.empty();
    if (block_map && !comment.empty()) out << YAML::Comment(comment);
    EmitValue(setting, config, &out);
    if (!block_map && !comment.empty()) out << YAML::Comment(comment);
  }
  for (size_t i = open.size(); i > 0; --i) out << YAML::EndMap;
  out << YAML::EndMap;

  std::string text = "# memdb effective configuration; secrets are shown as ";
  text += kRedacted;
  text += "\n";
  text += config.config_path.empty() ? "# no config file was loaded\n"
                                     : "# config file: " + config.config_path + "\n";
  text += out.c_str();
  text += "\n";
  return text;
}

}  // namespace memdb::config

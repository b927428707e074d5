#include "config/render.h"

#include <yaml-cpp/yaml.h>

#include "config/settings.h"

namespace memdb::config {

namespace {

void EmitValue(const Setting& setting, const Config& config, YAML::Emitter* out) {
  Config copy = config;
  FieldRef field = setting.field(&copy);
  switch (setting.kind) {
    case Kind::kString:
    case Kind::kLogLevel:
      *out << *std::get<std::string*>(field);
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
  }
}

}  // namespace

std::string Render(const Config& config, const Origins* origins) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  std::string_view section;
  for (const Setting& setting : AllSettings()) {
    size_t dot = setting.key.find('.');
    std::string_view this_section =
        dot == std::string_view::npos ? std::string_view() : setting.key.substr(0, dot);
    std::string_view leaf =
        dot == std::string_view::npos ? setting.key : setting.key.substr(dot + 1);
    if (this_section != section) {
      if (!section.empty()) out << YAML::EndMap;
      if (!this_section.empty()) {
        out << YAML::Key << std::string(this_section) << YAML::Value << YAML::BeginMap;
      }
      section = this_section;
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
  if (!section.empty()) out << YAML::EndMap;
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

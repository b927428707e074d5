#include "config/yaml_source.h"

#include <yaml-cpp/yaml.h>

#include <map>
#include <vector>

#include "config/client_keys.h"
#include "config/read_file.h"

namespace memdb::config {

namespace {

std::string ShapeName(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a sequence";
    case YAML::NodeType::Scalar:
      return "a single value";  // not shown: it could be a misplaced secret
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return "nothing";
  }
  return "something else";
}

std::vector<std::string> KnownKeys() {
  std::vector<std::string> keys;
  for (const Setting& setting : AllSettings()) keys.emplace_back(setting.key);
  for (std::string_view section : AllSections()) keys.emplace_back(section);
  return keys;
}

class Reader {
 public:
  Reader(std::string_view path, Layer* layer, Errors* errors)
      : path_(path), layer_(layer), errors_(errors) {}

  void ReadMapping(const YAML::Node& map, const std::string& prefix) {
    std::map<std::string, int> lines;  // key -> line it was first seen on
    for (const auto& entry : map) {    // by value: it->first would dangle
      const YAML::Node key = entry.first;
      const YAML::Node value = entry.second;
      int line = key.Mark().line + 1;
      if (!key.IsScalar()) {
        errors_->Add(Where(line) + ": keys must be plain names" +
                     (prefix.empty() ? "" : " (in " + prefix + ")"));
        continue;
      }
      std::string name = prefix.empty() ? key.Scalar() : prefix + "." + key.Scalar();
      auto [seen, inserted] = lines.emplace(name, line);
      if (!inserted) {
        errors_->Add(name + " is given twice (" + Where(seen->second) + " and line " +
                     std::to_string(line) + ")");
        continue;
      }
      if (const Setting* setting = FindSetting(name)) {
        ReadSetting(*setting, value, line);
      } else if (IsSection(name)) {
        if (value.IsMap()) {
          ReadMapping(value, name);
        } else if (!value.IsNull()) {
          errors_->Add(name + ": expected a mapping of settings, got " + ShapeName(value) +
                       " (from " + Where(line) + ")");
        }
      } else {
        errors_->Add("unknown setting " + Quote(name) + " (from " + Where(line) + ")" +
                     DidYouMean(name, KnownKeys()));
      }
    }
  }

 private:
  std::string Where(int line) const { return std::string(path_) + ":" + std::to_string(line); }

  void ReadSetting(const Setting& setting, const YAML::Node& value, int line) {
    RawValue raw;
    raw.origin = Where(line);
    if (setting.kind == Kind::kClientKeys) {
      if (!ReadClientKeys(value, &raw.keys)) return;
    } else if (setting.kind == Kind::kStringList && value.IsSequence()) {
      raw.is_list = true;
      for (const auto& item : value) {
        if (!item.IsScalar()) {
          errors_->Add(std::string(setting.key) + ": expected a list of strings, got an entry " +
                       "that is " + ShapeName(item) + " (from " + Where(item.Mark().line + 1) +
                       ")");
          return;
        }
        raw.items.push_back(item.Scalar());
      }
    } else if (value.IsScalar()) {
      raw.text = value.Scalar();
    } else if (value.IsNull()) {
      errors_->Add(std::string(setting.key) + ": no value given (from " + raw.origin +
                   "); remove the line to use the default");
      return;
    } else {
      errors_->Add(std::string(setting.key) + ": expected " + AllowedValues(setting) + ", got " +
                   ShapeName(value) + " (from " + raw.origin + ")");
      return;
    }
    (*layer_)[setting.key] = std::move(raw);
  }

  bool ReadClientKeys(const YAML::Node& value, ClientKeys* keys) {
    if (value.IsNull()) return true;  // "client_keys:" with every entry commented out
    if (!value.IsMap()) {
      // Not ShapeName: a scalar here may well be a secret.
      errors_->Add("auth.client_keys: expected a mapping of key id to secret (id: secret), got " +
                   std::string(value.IsSequence() ? "a sequence" : "a single value") + " (from " +
                   Where(value.Mark().line + 1) + ")");
      return false;
    }
    size_t before = errors_->size();
    for (const auto& entry : value) {
      const YAML::Node key = entry.first;
      const YAML::Node secret = entry.second;
      int line = key.Mark().line + 1;
      if (!key.IsScalar()) {
        errors_->Add("auth.client_keys: keys must be plain key ids (from " + Where(line) + ")");
        continue;
      }
      const std::string id = key.Scalar();
      if (secret.IsMap() || secret.IsSequence()) {
        std::string name = IsValidKeyId(id) ? "auth.client_keys[" + id + "]" : "auth.client_keys";
        errors_->Add(name + ": expected a secret string, got " + ShapeName(secret) + " (from " +
                     Where(line) + ")");
        continue;
      }
      AddClientKey(id, secret.IsNull() ? "" : secret.Scalar(), Where(line), keys, errors_);
    }
    return errors_->size() == before;
  }

  std::string_view path_;
  Layer* layer_;
  Errors* errors_;
};

}  // namespace

Layer ParseYamlConfig(std::string_view text, std::string_view path, Errors* errors) {
  Layer layer;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    // e.msg is yaml-cpp's description of the syntax error; it does not quote the input.
    errors->Add(std::string(path) + ":" + std::to_string(e.mark.line + 1) + ":" +
                std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg);
    return layer;
  }
  if (root.IsNull()) return layer;  // empty file, or only comments
  if (!root.IsMap()) {
    errors->Add(std::string(path) +
                ": expected a mapping of settings at the top level (server:, limits:, auth:, "
                "cluster:, data_dir:, node_id:, oplog:, log:)");
    return layer;
  }
  Reader(path, &layer, errors).ReadMapping(root, "");
  return layer;
}

Layer ReadYamlConfigFile(const std::string& path, Errors* errors) {
  std::string text;
  std::string error;
  if (!ReadTextFile(path, &text, &error)) {
    errors->Add("config file " + Quote(path) + ": cannot read: " + error);
    return {};
  }
  return ParseYamlConfig(text, path, errors);
}

}  // namespace memdb::config

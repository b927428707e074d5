#include "config/config_loader.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "config/client_keys.h"
#include "config/read_file.h"
#include "config/render.h"
#include "config/settings.h"
#include "config/yaml_source.h"

extern char** environ;

namespace memdb {

namespace {

using config::Errors;
using config::Kind;
using config::Layer;
using config::RawValue;
using config::Setting;

constexpr std::string_view kEnvPrefix = "MEMDB_";
constexpr std::string_view kConfigEnv = "MEMDB_CONFIG";
constexpr size_t kMinSecretBytes = 16;

// ---------------------------------------------------------------------------------------------
// Flags
// ---------------------------------------------------------------------------------------------

// What CLI11 parsed; strings are parsed and checked later, like every other source.
struct Flags {
  std::vector<std::string> values;  // by index in AllSettings()
  std::vector<std::string> client_keys;
  std::vector<CLI::Option*> options;  // by index in AllSettings()
  std::string config_path;
  CLI::Option* config_option = nullptr;
  bool print_config = false;
};

std::string GroupOf(const Setting& setting) {
  if (setting.key.starts_with("server.")) return "Server";
  if (setting.key.starts_with("limits.")) return "Limits";
  if (setting.key.starts_with("auth.")) return "Authentication";
  if (setting.key.starts_with("cluster.")) return "Cluster";
  if (setting.key.starts_with("oplog.")) return "Operation log";
  if (setting.key.starts_with("log.")) return "Logging";
  return "Node";
}

std::string FlagNames(const Setting& setting) {
  std::string names = config::FlagName(setting);
  if (!setting.alias.empty()) names += "," + std::string(setting.alias);
  return names;
}

std::string FlagOrigin(const Setting& setting) {
  std::string origin = "flag " + config::FlagName(setting);
  if (!setting.alias.empty()) origin += "/" + std::string(setting.alias);
  return origin;
}

void DefineFlags(CLI::App* app, std::string_view version, std::string_view default_config_path,
                 Flags* flags) {
  app->set_version_flag("--version", std::string(version), "Print the version and exit");
  app->allow_extras(true);  // unknown flags are reported by ReportExtras, without values
  app->get_formatter()->column_width(42);
  app->footer(
      "Every setting can be given in the YAML config file, as a MEMDB_* environment variable or\n"
      "as a flag: a flag beats the environment, which beats the file, which beats the default.\n"
      "YAML server.max_connections = env MEMDB_SERVER_MAX_CONNECTIONS = flag\n"
      "--server-max-connections. config/memdb.yaml documents every setting.\n"
      "Secrets on the command line are visible to other local users: prefer\n"
      "MEMDB_AUTH_CLIENT_KEYS, MEMDB_AUTH_CLUSTER_KEY or auth.client_keys_file.");

  flags->config_option =
      app->add_option("-c,--config", flags->config_path,
                      "YAML config file; \"\" = none\n  env MEMDB_CONFIG, default " +
                          std::string(default_config_path) + " if it exists")
          ->type_name("PATH")
          ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app->add_flag("--print-config", flags->print_config,
                "Print the effective configuration as YAML (secrets redacted) and exit");

  const Config defaults;
  auto settings = config::AllSettings();
  flags->values.resize(settings.size());
  flags->options.resize(settings.size());
  for (size_t i = 0; i < settings.size(); ++i) {
    const Setting& setting = settings[i];
    // Second line: where else the setting can be given, and its default.
    std::string description = std::string(setting.help) + "\n  YAML " + std::string(setting.key) +
                              ", env " + config::EnvName(setting);
    if (setting.kind != Kind::kSecret && setting.kind != Kind::kClientKeys) {
      std::string value = config::FormatValue(setting, defaults);
      description += ", default " + (value.empty() ? "\"\"" : value);
    }
    CLI::Option* option = nullptr;
    if (setting.kind == Kind::kClientKeys) {
      option = app->add_option(FlagNames(setting), flags->client_keys, description)
                   ->allow_extra_args(false);  // one ID:SECRET per --auth-client-key
    } else {
      option = app->add_option(FlagNames(setting), flags->values[i], description)
                   ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
      if (setting.kind == Kind::kBool) option->expected(0, 1);
    }
    option->type_name(std::string(setting.type_name))->group(GroupOf(setting));
    flags->options[i] = option;
  }
}

std::vector<std::string> AllFlagNames() {
  std::vector<std::string> names = {"--config", "--print-config", "--help", "--version"};
  for (const Setting& setting : config::AllSettings()) {
    names.push_back(config::FlagName(setting));
    if (!setting.alias.empty()) names.emplace_back(setting.alias);
  }
  return names;
}

// Arguments CLI11 did not recognize. Only flag names are shown: a stray value may be a secret
// (the value of a misspelled --auth-cluster-key, a broken quote).
void ReportExtras(const std::vector<std::string>& extras, Errors* errors) {
  bool previous_was_unknown_flag = false;
  size_t positionals = 0;
  for (const std::string& arg : extras) {
    if (arg.size() > 1 && arg[0] == '-') {
      std::string name = arg.substr(0, arg.find('='));
      errors->Add("unknown flag " + config::Quote(name) + config::DidYouMean(name, AllFlagNames()) +
                  "; see --help");
      previous_was_unknown_flag = arg.find('=') == std::string::npos;
    } else {
      if (!previous_was_unknown_flag) ++positionals;
      previous_was_unknown_flag = false;
    }
  }
  if (positionals > 0) {
    errors->Add("unexpected argument(s): memdb takes no positional arguments (" +
                std::to_string(positionals) +
                " given; not shown in case one is a secret); every setting is a --flag");
  }
}

Layer FlagLayer(const Flags& flags, Errors* errors) {
  Layer layer;
  auto settings = config::AllSettings();
  for (size_t i = 0; i < settings.size(); ++i) {
    const Setting& setting = settings[i];
    if (flags.options[i]->count() == 0) continue;
    RawValue raw;
    raw.origin = FlagOrigin(setting);
    if (setting.kind == Kind::kClientKeys) {
      for (size_t j = 0; j < flags.client_keys.size(); ++j) {
        config::AddClientKeyEntry(flags.client_keys[j], raw.origin + " #" + std::to_string(j + 1),
                                  &raw.keys, errors);
      }
    } else if (setting.kind == Kind::kBool && flags.values[i].empty()) {
      raw.text = "true";  // "--auth-enabled" alone
    } else {
      raw.text = flags.values[i];
    }
    layer[setting.key] = std::move(raw);
  }
  return layer;
}

// ---------------------------------------------------------------------------------------------
// Environment
// ---------------------------------------------------------------------------------------------

const Setting* FindSettingByEnv(std::string_view name) {
  for (const Setting& setting : config::AllSettings()) {
    if (config::EnvName(setting) == name) return &setting;
  }
  return nullptr;
}

Layer EnvLayer(const EnvMap& env, Errors* errors, std::vector<std::string>* warnings) {
  std::vector<std::string> known = {std::string(kConfigEnv)};
  for (const Setting& setting : config::AllSettings()) known.push_back(config::EnvName(setting));
  Layer layer;
  for (const auto& [name, value] : env) {
    if (!name.starts_with(kEnvPrefix) || name == kConfigEnv) continue;
    const Setting* setting = FindSettingByEnv(name);
    if (setting == nullptr) {
      // A warning, not an error: other memdb tools (memdb-cli, scripts) may use MEMDB_* too.
      warnings->push_back("ignoring environment variable " + name + ": not a memdb setting" +
                          config::DidYouMean(name, known));
      continue;
    }
    RawValue raw;
    raw.origin = "env " + name;
    if (setting->kind == Kind::kClientKeys) {
      config::AddClientKeyList(value, raw.origin, &raw.keys, errors);
    } else {
      raw.text = value;
    }
    layer[setting->key] = std::move(raw);
  }
  return layer;
}

// ---------------------------------------------------------------------------------------------
// The config file
// ---------------------------------------------------------------------------------------------

// Reads the config file chosen by --config, MEMDB_CONFIG or the default path. Sets *path to the
// file read, "" when none.
Layer FileLayer(const Flags& flags, const EnvMap& env, std::string_view default_config_path,
                std::string* path, Errors* errors) {
  std::string origin;
  if (flags.config_option->count() > 0) {
    *path = flags.config_path;
    origin = "flag --config";
  } else if (auto it = env.find(std::string(kConfigEnv)); it != env.end()) {
    *path = it->second;
    origin = "env " + std::string(kConfigEnv);
  } else {
    *path = std::string(default_config_path);
  }
  if (path->empty()) return {};  // explicitly no file
  std::error_code ec;
  bool exists = std::filesystem::exists(*path, ec);
  if (!exists && !ec) {
    if (origin.empty()) {  // the default file is optional
      path->clear();
      return {};
    }
    errors->Add("config file " + config::Quote(*path) + " does not exist (from " + origin + ")");
    path->clear();
    return {};
  }
  return config::ReadYamlConfigFile(*path, errors);
}

// ---------------------------------------------------------------------------------------------
// Warnings
// ---------------------------------------------------------------------------------------------

std::string OctalMode(unsigned mode) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%04o", mode);
  return buf;
}

void CollectWarnings(const Config& config, const Layer& file_layer, const Layer& flag_layer,
                     std::vector<std::string>* warnings) {
  if (!config.auth.enabled) {
    warnings->push_back(
        "*** AUTHENTICATION IS DISABLED (auth.enabled=false): any client that "
        "can reach " +
        config.server.bind + ":" + std::to_string(config.server.port) +
        " can read and write every key without a key ***");
  }
  for (std::string_view key : {"auth.client_keys", "auth.cluster_key"}) {
    if (flag_layer.contains(key)) {
      warnings->push_back(std::string(key) +
                          " was given on the command line, where other local users can "
                          "see it (ps); prefer MEMDB_AUTH_CLIENT_KEYS / MEMDB_AUTH_CLUSTER_KEY or "
                          "auth.client_keys_file");
    }
  }
  unsigned mode = 0;
  bool file_has_secrets =
      file_layer.contains("auth.client_keys") || file_layer.contains("auth.cluster_key");
  if (file_has_secrets && config::IsReadableByOthers(config.config_path, &mode)) {
    warnings->push_back("config file " + config.config_path + " holds secrets and is readable " +
                        "by other users (mode " + OctalMode(mode) + "); chmod 600 it");
  }
  if (!config.auth.client_keys_file.empty() &&
      config::IsReadableByOthers(config.auth.client_keys_file, &mode)) {
    warnings->push_back("auth.client_keys_file " + config.auth.client_keys_file +
                        " is readable by other users (mode " + OctalMode(mode) + "); chmod 600 it");
  }
  for (const auto& [id, secret] : config.auth.client_keys) {
    if (secret.size() < kMinSecretBytes) {
      warnings->push_back("auth.client_keys[" + id + "]: the secret is shorter than " +
                          std::to_string(kMinSecretBytes) +
                          " characters; use a long random one (openssl rand -base64 32)");
    }
  }
  if (!config.auth.cluster_key.empty() && config.auth.cluster_key.size() < kMinSecretBytes) {
    warnings->push_back("auth.cluster_key is shorter than " + std::to_string(kMinSecretBytes) +
                        " characters; use a long random one (openssl rand -base64 32)");
  }
}

// ---------------------------------------------------------------------------------------------
// LoadConfig
// ---------------------------------------------------------------------------------------------

Result<CommandLine> Load(int argc, const char* const* argv, const EnvMap& env,
                         std::string_view version, std::string_view default_config_path) {
  CommandLine result;
  CLI::App app("memdb: in-memory replicated key-value store (node daemon)", "memdb");
  Flags flags;
  DefineFlags(&app, version, default_config_path, &flags);

  const char* const no_args[] = {"memdb"};
  if (argc < 1 || argv == nullptr) {
    argc = 1;
    argv = no_args;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    result.action = CommandLine::Action::kExit;
    result.output = app.help();
    return result;
  } catch (const CLI::CallForAllHelp&) {
    result.action = CommandLine::Action::kExit;
    result.output = app.help("", CLI::AppFormatMode::All);
    return result;
  } catch (const CLI::CallForVersion& e) {
    result.action = CommandLine::Action::kExit;
    result.output = std::string(e.what()) + "\n";
    return result;
  } catch (const CLI::ParseError& e) {
    // Missing values and the like; CLI11 names the option, never its value.
    return Status(Code::kInvalidArgument, std::string(e.what()) + "; see --help");
  }

  Errors errors;
  ReportExtras(app.remaining(), &errors);
  if (!errors.empty()) return errors.ToStatus();

  std::string config_path;
  Layer file_layer = FileLayer(flags, env, default_config_path, &config_path, &errors);
  Layer env_layer = EnvLayer(env, &errors, &result.warnings);
  Layer flag_layer = FlagLayer(flags, &errors);

  // Lowest precedence first: each layer overwrites what the one before set.
  Config& config = result.config;
  config::Origins origins;
  for (const Layer* layer : {&file_layer, &env_layer, &flag_layer}) {
    for (const auto& [key, raw] : *layer) {
      config::ApplyValue(*config::FindSetting(key), raw, &config, &errors);
      origins[key] = raw.origin;
    }
  }
  config.config_path = config_path;
  if (!config.auth.client_keys_file.empty() && errors.empty()) {
    config::AddClientKeysFile(config.auth.client_keys_file, origins["auth.client_keys_file"],
                              &config.auth.client_keys, &errors);
  }
  if (!errors.empty()) return errors.ToStatus();

  if (Status status = ValidateConfig(config); !status.ok()) return status;
  CollectWarnings(config, file_layer, flag_layer, &result.warnings);

  if (flags.print_config) {
    result.action = CommandLine::Action::kPrintConfig;
    result.output = config::Render(config, &origins);
  }
  return result;
}

}  // namespace

EnvMap CurrentEnvironment() {
  EnvMap env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    if (!text.starts_with(kEnvPrefix)) continue;
    size_t equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    env.emplace(text.substr(0, equals), text.substr(equals + 1));
  }
  return env;
}

Result<CommandLine> LoadConfig(int argc, const char* const* argv, const EnvMap& env,
                               std::string_view version, std::string_view default_config_path) {
  try {
    return Load(argc, argv, env, version, default_config_path);
  } catch (const std::exception& e) {
    // Not expected: parse errors are reported above. Kept from escaping, as promised.
    return Status(Code::kInternal,
                  std::string("unexpected error while loading the configuration: ") + e.what());
  } catch (...) {
    return Status(Code::kInternal, "unexpected error while loading the configuration");
  }
}

std::string RenderConfig(const Config& config) { return config::Render(config, nullptr); }

}  // namespace memdb

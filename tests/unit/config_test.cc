// Tests for memdb_config: precedence of flags > env > YAML file > defaults, validation errors,
// the oplog section, secret redaction, key files, and the --help / --version / --print-config
// actions. The cluster and replication sections: config_cluster_test.cc.
#include "config_test_util.h"

namespace memdb::config_test {
namespace {

// ---- defaults and precedence -----------------------------------------------------------------

TEST_F(ConfigTest, DefaultsWhenNothingIsGiven) {
  Result<CommandLine> result = Load({"--auth-enabled=false"});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const Config& config = result->config;
  Config defaults;
  EXPECT_EQ(result->action, CommandLine::Action::kRun);
  EXPECT_EQ(config.server.bind, defaults.server.bind);
  EXPECT_EQ(config.server.port, defaults.server.port);
  EXPECT_EQ(config.server.max_connections, defaults.server.max_connections);
  EXPECT_EQ(config.limits.max_frame_bytes, defaults.limits.max_frame_bytes);
  EXPECT_EQ(config.data_dir, defaults.data_dir);
  EXPECT_EQ(config.log_level, defaults.log_level);
  EXPECT_FALSE(config.auth.enabled);
  EXPECT_EQ(config.config_path, "");
}

TEST_F(ConfigTest, PrecedenceFlagOverEnvOverFileOverDefault) {
  std::string path = Write("memdb.yaml",
                           "server:\n"
                           "  bind: 10.0.0.1\n"
                           "  port: 1000\n"
                           "  max_connections: 10\n"
                           "  idle_timeout_ms: 111\n"
                           "limits:\n"
                           "  max_value_bytes: 1000\n"
                           "  max_key_bytes: 100\n"
                           "auth:\n"
                           "  enabled: false\n"
                           "data_dir: /from/yaml\n"
                           "log:\n"
                           "  level: warn\n");
  EnvMap env = {{"MEMDB_SERVER_PORT", "2000"},
                {"MEMDB_SERVER_MAX_CONNECTIONS", "20"},
                {"MEMDB_LIMITS_MAX_VALUE_BYTES", "2000"},
                {"MEMDB_LOG_LEVEL", "error"},
                {"MEMDB_NODE_ID", "7"},
                {"HOME", "/root"}};
  Result<CommandLine> result = Load({"--config", path, "--server-port", "3000",
                                     "--limits-max-value-bytes=3000", "--node-id", "9"},
                                    env);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const Config& config = result->config;
  EXPECT_EQ(config.server.port, 3000);                   // flag > env > file
  EXPECT_EQ(config.limits.max_value_bytes, 3000u);       // flag > env > file
  EXPECT_EQ(config.node_id, 9u);                         // flag > env
  EXPECT_EQ(config.server.max_connections, 20u);         // env > file
  EXPECT_EQ(config.log_level, "error");                  // env > file
  EXPECT_EQ(config.server.bind, "10.0.0.1");             // file > default
  EXPECT_EQ(config.server.idle_timeout_ms, 111u);        // file > default
  EXPECT_EQ(config.limits.max_key_bytes, 100u);          // file > default
  EXPECT_EQ(config.data_dir, "/from/yaml");              // file > default
  EXPECT_FALSE(config.auth.enabled);                     // file > default
  EXPECT_EQ(config.server.handshake_timeout_ms, 5000u);  // default
  EXPECT_EQ(config.config_path, path);
}

TEST_F(ConfigTest, ShortAliasesAndLastFlagWins) {
  Result<CommandLine> result = Load({"--auth-enabled=false", "--bind", "::", "--port", "1",
                                     "--port=2", "--cluster-advertise=[fd00::1]:2"});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->config.server.bind, "::");
  EXPECT_EQ(result->config.server.port, 2);
}

TEST_F(ConfigTest, BooleansAcceptCommonSpellings) {
  auto enabled = [&](std::vector<std::string> args, EnvMap env) {
    args.push_back("--auth-client-key=ops:" + std::string(kSecret1));
    Result<CommandLine> result = Load(std::move(args), env);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() && result->config.auth.enabled;
  };
  EXPECT_FALSE(enabled({}, {{"MEMDB_AUTH_ENABLED", "off"}}));
  EXPECT_FALSE(enabled({}, {{"MEMDB_AUTH_ENABLED", "No"}}));
  EXPECT_FALSE(enabled({}, {{"MEMDB_AUTH_ENABLED", "0"}}));
  EXPECT_TRUE(enabled({"--auth-enabled"}, {{"MEMDB_AUTH_ENABLED", "false"}}));
  EXPECT_TRUE(enabled({"--auth-enabled", "yes"}, {}));
  EXPECT_FALSE(enabled({"--auth-enabled=FALSE"}, {}));
}

TEST_F(ConfigTest, DefaultConfigPathIsReadWhenPresentAndOptionalOtherwise) {
  std::string path = Write("default.yaml", "server:\n  port: 4242\nauth:\n  enabled: false\n");
  Result<CommandLine> result = Load({}, {}, path);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->config.server.port, 4242);
  EXPECT_EQ(result->config.config_path, path);

  result = Load({"--auth-enabled=false"}, {}, (dir_ / "absent.yaml").string());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->config.config_path, "");

  // --config "" means no file, even when the default exists.
  result = Load({"--config", "", "--auth-enabled=false"}, {}, path);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->config.server.port, 7379);
}

TEST_F(ConfigTest, ConfigFlagOverridesConfigEnvOverridesDefaultPath) {
  std::string default_path = Write("default.yaml", "server: {port: 1}\nauth: {enabled: no}\n");
  std::string env_path = Write("env.yaml", "server: {port: 2}\nauth: {enabled: no}\n");
  std::string flag_path = Write("flag.yaml", "server: {port: 3}\nauth: {enabled: no}\n");
  Result<CommandLine> result = Load({}, {{"MEMDB_CONFIG", env_path}}, default_path);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->config.server.port, 2);
  result = Load({"-c", flag_path}, {{"MEMDB_CONFIG", env_path}}, default_path);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->config.server.port, 3);
}

TEST_F(ConfigTest, ClientKeysComeWhollyFromTheHighestSourceThatSetsThem) {
  std::string path =
      Write("memdb.yaml", "auth:\n  client_keys:\n    yaml: " + std::string(kSecret1) + "\n");
  EnvMap env = {{"MEMDB_AUTH_CLIENT_KEYS",
                 "env1:" + std::string(kSecret1) + ", env2:" + std::string(kSecret2)}};

  Result<CommandLine> result = Load({"-c", path});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->config.auth.client_keys,
            (std::map<std::string, std::string>{{"yaml", kSecret1}}));

  result = Load({"-c", path}, env);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->config.auth.client_keys,
            (std::map<std::string, std::string>{{"env1", kSecret1}, {"env2", kSecret2}}));

  result = Load({"-c", path, "--auth-client-key", "f1:" + std::string(kSecret2),
                 "--auth-client-key=f2:a:b,c-0123456789abcdef"},
                env);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(
      result->config.auth.client_keys,
      (std::map<std::string, std::string>{{"f1", kSecret2}, {"f2", "a:b,c-0123456789abcdef"}}));
}

// ---- validation errors -----------------------------------------------------------------------

TEST_F(ConfigTest, BadPortNamesSettingValueRangeAndSource) {
  std::string message = LoadError({"--auth-enabled=false", "--server-port", "70000"});
  EXPECT_THAT(message, HasSubstr("server.port: \"70000\" is not a valid port (0-65535)"));
  EXPECT_THAT(message, HasSubstr("flag --server-port"));

  message = LoadError({"--auth-enabled=false"}, {{"MEMDB_SERVER_PORT", "http"}});
  EXPECT_THAT(message, HasSubstr("server.port: \"http\" is not a valid port (0-65535)"));
  EXPECT_THAT(message, HasSubstr("env MEMDB_SERVER_PORT"));

  std::string path = Write("memdb.yaml", "auth:\n  enabled: false\nserver:\n  port: -1\n");
  message = LoadError({"-c", path});
  EXPECT_THAT(message, HasSubstr("server.port: \"-1\" is not a valid port (0-65535)"));
  EXPECT_THAT(message, HasSubstr(path + ":4"));
}

TEST_F(ConfigTest, BadLogLevelListsTheLevels) {
  std::string message = LoadError({"--auth-enabled=false", "--log-level", "loud"});
  EXPECT_THAT(message, HasSubstr("log.level: \"loud\" is not one of trace, debug, info, warn, "
                                 "error, critical, off"));
}

TEST_F(ConfigTest, UnknownYamlKeyIsAnErrorNamingTheKey) {
  std::string path = Write("memdb.yaml", "auth:\n  enabled: false\nserver:\n  prot: 7000\n");
  std::string message = LoadError({"-c", path});
  EXPECT_THAT(message, HasSubstr("unknown setting \"server.prot\""));
  EXPECT_THAT(message, HasSubstr(path + ":4"));
  EXPECT_THAT(message, HasSubstr("did you mean \"server.port\""));

  path = Write("toplevel.yaml", "auth:\n  enabled: false\nport: 7000\nbogus: 1\n");
  message = LoadError({"-c", path});
  EXPECT_THAT(message, HasSubstr("unknown setting \"port\""));
  EXPECT_THAT(message, HasSubstr("did you mean \"server.port\""));
  EXPECT_THAT(message, HasSubstr("unknown setting \"bogus\""));
}

TEST_F(ConfigTest, WrongTypesAreErrors) {
  struct Case {
    std::string yaml;
    std::string expected;
  };
  const Case cases[] = {
      {"server:\n  port: [1, 2]\n", "server.port: expected a valid port (0-65535), got a sequence"},
      {"server: 5\n", "server: expected a mapping of settings, got a single value"},
      {"server:\n  max_connections: {a: 1}\n", "server.max_connections: expected"},
      {"server:\n  port: 12.5\n", "server.port: \"12.5\" is not a valid port"},
      {"server:\n  idle_timeout_ms: 5s\n",
       "server.idle_timeout_ms: \"5s\" is not a duration in milliseconds (0-4294967295)"},
      {"auth:\n  enabled: maybe\n", "auth.enabled: \"maybe\" is not a boolean"},
      {"log: debug\n", "log: expected a mapping of settings"},
      {"data_dir:\n", "data_dir: no value given"},
      {"auth:\n  client_keys: [a, b]\n", "auth.client_keys: expected a mapping of key id"},
      {"- a\n- b\n", "expected a mapping of settings at the top level"},
  };
  for (const Case& c : cases) {
    std::string path = Write("memdb.yaml", c.yaml);
    EXPECT_THAT(LoadError({"-c", path, "--auth-enabled=false"}), HasSubstr(c.expected)) << c.yaml;
  }
}

TEST_F(ConfigTest, DuplicateKeysAndYamlSyntaxErrorsAreReported) {
  std::string path = Write("dup.yaml", "server:\n  port: 1\n  port: 2\n");
  EXPECT_THAT(LoadError({"-c", path}), HasSubstr("server.port is given twice"));

  path = Write("syntax.yaml", "server:\n  port: [1\n");
  std::string message = LoadError({"-c", path});
  EXPECT_THAT(message, HasSubstr(path + ":"));
  EXPECT_THAT(message, HasSubstr("invalid YAML"));
}

TEST_F(ConfigTest, InconsistentLimitsAreRejected) {
  std::string message = LoadError({"--auth-enabled=false", "--limits-max-frame-bytes=1000"});
  EXPECT_THAT(message, HasSubstr("limits.max_frame_bytes: \"1000\" cannot hold"));
  EXPECT_THAT(message, HasSubstr("limits.max_key_bytes (65536) + limits.max_value_bytes "
                                 "(8388608) + 64 = 8454208"));

  // Exactly key + value + 64 is enough.
  Result<CommandLine> result = Load({"--auth-enabled=false", "--limits-max-key-bytes=10",
                                     "--limits-max-value-bytes=20", "--limits-max-frame-bytes=94"});
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  message = LoadError({"--auth-enabled=false", "--limits-max-key-bytes=10",
                       "--limits-max-value-bytes=20", "--limits-max-frame-bytes=93"});
  EXPECT_THAT(message, HasSubstr("at least"));

  message = LoadError({"--auth-enabled=false"}, {{"MEMDB_LIMITS_MAX_KEY_BYTES", "0"}});
  EXPECT_THAT(message,
              HasSubstr("limits.max_key_bytes: \"0\" is not a size in bytes (1-4294967295)"));
  message = LoadError({"--auth-enabled=false", "--limits-max-value-bytes=4294967296"});
  EXPECT_THAT(message, HasSubstr("limits.max_value_bytes: \"4294967296\" is not a size"));
}

TEST_F(ConfigTest, ZeroMaxConnectionsIsRejected) {
  EXPECT_THAT(LoadError({"--auth-enabled=false", "--server-max-connections=0"}),
              HasSubstr("server.max_connections: \"0\" is not a valid connection count"));
}

// ---- oplog ------------------------------------------------------------------------------------

TEST_F(ConfigTest, OplogDefaults) {
  Result<CommandLine> result = Load({"--auth-enabled=false"});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const OplogConfig& oplog = result->config.oplog;
  EXPECT_TRUE(oplog.enabled);
  EXPECT_EQ(oplog.dir, "");
  EXPECT_EQ(oplog.fsync, "always");
  EXPECT_EQ(oplog.fsync_interval_ms, 1000u);
  EXPECT_EQ(oplog.segment_bytes, uint64_t{64} << 20);
  EXPECT_EQ(oplog.max_pending_bytes, uint64_t{64} << 20);
  EXPECT_EQ(oplog.recovery_mode, "strict");
  EXPECT_EQ(oplog.tombstone_grace_ms, 864'000'000u);
  EXPECT_EQ(oplog.compaction_max_log_ratio, 2.0);
  EXPECT_EQ(oplog.compaction_min_log_bytes, uint64_t{64} << 20);
}

TEST_F(ConfigTest, OplogSettingsFromEverySourceIncludingTheNestedCompactionSection) {
  std::string path = Write("memdb.yaml",
                           "auth:\n"
                           "  enabled: false\n"
                           "oplog:\n"
                           "  dir: /logs\n"
                           "  fsync: never\n"
                           "  segment_bytes: 8589934592\n"
                           "  compaction:\n"
                           "    max_log_ratio: 1.5\n"
                           "    min_log_bytes: 1000\n");
  Result<CommandLine> result =
      Load({"-c", path, "--oplog-fsync=INTERVAL", "--oplog-compaction-max-log-ratio", "3"},
           {{"MEMDB_OPLOG_RECOVERY_MODE", "skip_corrupt"},
            {"MEMDB_OPLOG_TOMBSTONE_GRACE_MS", "10000000000"}});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const OplogConfig& oplog = result->config.oplog;
  EXPECT_EQ(oplog.dir, "/logs");
  EXPECT_EQ(oplog.fsync, "interval");                 // flag > file, stored lower case
  EXPECT_EQ(oplog.segment_bytes, uint64_t{8} << 30);  // over 32 bits
  EXPECT_EQ(oplog.compaction_max_log_ratio, 3.0);     // flag > file
  EXPECT_EQ(oplog.compaction_min_log_bytes, 1000u);
  EXPECT_EQ(oplog.recovery_mode, "skip_corrupt");
  EXPECT_EQ(oplog.tombstone_grace_ms, 10'000'000'000u);
}

TEST_F(ConfigTest, BadOplogValuesNameTheSettingAndWhatIsAllowed) {
  EXPECT_THAT(LoadError({"--auth-enabled=false", "--oplog-fsync=sometimes"}),
              HasSubstr("oplog.fsync: \"sometimes\" is not one of always, interval, never"));
  EXPECT_THAT(LoadError({"--auth-enabled=false", "--oplog-recovery-mode=yolo"}),
              HasSubstr("oplog.recovery_mode: \"yolo\" is not one of strict, skip_corrupt"));
  for (const char* ratio : {"0.5", "-1", "abc", "1e3", "nan", "1001", "1.2.3"}) {
    EXPECT_THAT(LoadError({"--auth-enabled=false",
                           std::string("--oplog-compaction-max-log-ratio=") + ratio}),
                HasSubstr("oplog.compaction.max_log_ratio: \"" + std::string(ratio) +
                          "\" is not a ratio (a decimal number, 1-1000)"));
  }
  EXPECT_THAT(LoadError({"--auth-enabled=false", "--oplog-fsync-interval-ms=0"}),
              HasSubstr("oplog.fsync_interval_ms: \"0\" is not a duration"));
  EXPECT_THAT(LoadError({"--auth-enabled=false", "--oplog-segment-bytes=100"}),
              HasSubstr("oplog.segment_bytes: \"100\" is not a size in bytes"));
  std::string path = Write("memdb.yaml", "auth:\n  enabled: false\noplog:\n  compaction: 3\n");
  EXPECT_THAT(LoadError({"-c", path}), HasSubstr("oplog.compaction: expected a mapping"));
  path = Write("typo.yaml", "auth:\n  enabled: false\noplog:\n  fsynk: always\n");
  EXPECT_THAT(LoadError({"-c", path}), HasSubstr("did you mean \"oplog.fsync\""));
}

TEST_F(ConfigTest, WritesTheLimitsAllowMustFitOneLogRecord) {
  std::vector<std::string> big = {"--auth-enabled=false", "--limits-max-value-bytes=100000000",
                                  "--limits-max-frame-bytes=200000000"};
  EXPECT_THAT(LoadError(big), HasSubstr("too large for the operation log"));
  big.push_back("--oplog-enabled=false");
  Result<CommandLine> result = Load(big);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
}

TEST_F(ConfigTest, RenderedOplogSectionLoadsBack) {
  Result<CommandLine> first = Load(
      {"--auth-enabled=false", "--oplog-fsync=interval", "--oplog-compaction-max-log-ratio=2.5",
       "--oplog-compaction-min-log-bytes=5", "--oplog-tombstone-grace-ms=864000007"});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const std::string yaml = RenderConfig(first->config);
  EXPECT_THAT(yaml, HasSubstr("oplog:\n"));
  EXPECT_THAT(yaml, HasSubstr("  compaction:\n    max_log_ratio: 2.5\n    min_log_bytes: 5"));
  std::string path = Write("rendered.yaml", yaml);
  Result<CommandLine> second = Load({"-c", path});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  second->config.config_path.clear();
  EXPECT_EQ(RenderConfig(second->config), yaml);
  EXPECT_EQ(second->config.oplog.compaction_max_log_ratio, 2.5);
}

TEST_F(ConfigTest, AuthEnabledWithoutKeysIsRefused) {
  std::string message = LoadError({});
  EXPECT_THAT(message, HasSubstr("auth.enabled is true but no client key is configured"));
  EXPECT_THAT(message, HasSubstr("set auth.enabled=false explicitly"));

  Config config;
  Status status = ValidateConfig(config);
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("no client key"));
  config.auth.client_keys["ops"] = kSecret1;
  EXPECT_TRUE(ValidateConfig(config).ok()) << ValidateConfig(config).ToString();
}

TEST_F(ConfigTest, ValidateConfigChecksHandBuiltConfigs) {
  Config config;
  config.auth.client_keys = {{"bad id", kSecret1}, {"ops", "<redacted>"}, {"app", kSecret2}};
  config.server.max_connections = 0;
  config.limits.max_frame_bytes = 100;
  config.log_level = "verbose";
  config.data_dir = "";
  Status status = ValidateConfig(config);
  ASSERT_FALSE(status.ok());
  const std::string& message = status.message();
  EXPECT_THAT(message, HasSubstr("auth.client_keys: a key id is not valid"));
  EXPECT_THAT(message, HasSubstr("auth.client_keys[ops]: the secret is the placeholder"));
  EXPECT_THAT(message, HasSubstr("server.max_connections: \"0\""));
  EXPECT_THAT(message, HasSubstr("limits.max_frame_bytes: \"100\" cannot hold"));
  EXPECT_THAT(message, HasSubstr("log.level: \"verbose\" is not one of"));
  EXPECT_THAT(message, HasSubstr("data_dir:"));
  EXPECT_THAT(message, Not(HasSubstr(kSecret1)));
  EXPECT_THAT(message, Not(HasSubstr(kSecret2)));
}

TEST_F(ConfigTest, ExplicitConfigFileThatDoesNotExistIsAnError) {
  std::string missing = (dir_ / "missing.yaml").string();
  std::string message = LoadError({"--config", missing, "--auth-enabled=false"});
  EXPECT_THAT(message, HasSubstr("\"" + missing + "\" does not exist"));
  EXPECT_THAT(message, HasSubstr("flag --config"));
  message = LoadError({"--auth-enabled=false"}, {{"MEMDB_CONFIG", missing}});
  EXPECT_THAT(message, HasSubstr("env MEMDB_CONFIG"));
}

TEST_F(ConfigTest, EveryProblemIsReportedAtOnce) {
  std::string message = LoadError({"--port=99999", "--log-level=loud", "--node-id=x"});
  EXPECT_THAT(message, HasSubstr("server.port"));
  EXPECT_THAT(message, HasSubstr("log.level"));
  EXPECT_THAT(message, HasSubstr("node_id"));
}

TEST_F(ConfigTest, UnknownFlagIsAnErrorThatDoesNotShowItsValue) {
  std::string message = LoadError({"--auth-clster-key", kSecret1, "--auth-enabled=false"});
  EXPECT_THAT(message, HasSubstr("unknown flag \"--auth-clster-key\""));
  EXPECT_THAT(message, HasSubstr("did you mean \"--auth-cluster-key\""));
  EXPECT_THAT(message, Not(HasSubstr(kSecret1)));

  message = LoadError({"--auth-enabled=false", kSecret2});
  EXPECT_THAT(message, HasSubstr("no positional arguments"));
  EXPECT_THAT(message, Not(HasSubstr(kSecret2)));
}

TEST_F(ConfigTest, UnknownMemdbEnvironmentVariablesOnlyWarn) {
  Result<CommandLine> result =
      Load({"--auth-enabled=false"}, {{"MEMDB_SERVER_PROT", "1"}, {"PATH", "/bin"}});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  bool warned = false;
  for (const std::string& warning : result->warnings) {
    if (warning.find("MEMDB_SERVER_PROT") != std::string::npos &&
        warning.find("MEMDB_SERVER_PORT") != std::string::npos) {
      warned = true;
    }
  }
  EXPECT_TRUE(warned);
}

// ---- secrets ---------------------------------------------------------------------------------

TEST_F(ConfigTest, SecretsNeverAppearInErrors) {
  // A key without ':' (the whole entry may be a secret), a swapped secret:id, an empty secret.
  std::vector<std::pair<std::vector<std::string>, EnvMap>> cases = {
      {{"--auth-client-key", kSecret1}, {}},
      {{"--auth-client-key", std::string(kSecret1) + "+/=:ops"}, {}},
      {{}, {{"MEMDB_AUTH_CLIENT_KEYS", "ops:" + std::string(kSecret2) + "," + kSecret1}}},
      {{}, {{"MEMDB_AUTH_CLIENT_KEYS", "ops:" + std::string(kSecret1) + ",ops:" + kSecret2}}},
      {{"--auth-cluster-key", " " + std::string(kSecret1)}, {}},
      {{"--auth-client-key=ops:" + std::string(kSecret1), "--port=x"}, {}},
  };
  for (const auto& [args, env] : cases) {
    std::string message = LoadError(args, env);
    EXPECT_THAT(message, Not(HasSubstr(kSecret1)));
    EXPECT_THAT(message, Not(HasSubstr(kSecret2)));
  }
  std::string path = Write("memdb.yaml", "auth:\n  client_keys: " + std::string(kSecret1) + "\n");
  EXPECT_THAT(LoadError({"-c", path}), Not(HasSubstr(kSecret1)));
  path = Write("auth.yaml", "auth: " + std::string(kSecret1) + "\n");
  EXPECT_THAT(LoadError({"-c", path}), Not(HasSubstr(kSecret1)));
}

TEST_F(ConfigTest, BadClientKeyErrorsNameTheKeyId) {
  EXPECT_THAT(LoadError({"--auth-client-key", "ops:"}),
              HasSubstr("auth.client_keys[ops]: the secret is empty"));
  EXPECT_THAT(LoadError({"--auth-client-key", "ops:<redacted>"}),
              HasSubstr("auth.client_keys[ops]: the secret is the placeholder"));
  EXPECT_THAT(LoadError({"--auth-client-key", "bad id:" + std::string(kSecret1)}),
              HasSubstr("invalid key id"));
}

TEST_F(ConfigTest, RenderConfigRedactsSecrets) {
  Config config;
  config.auth.client_keys = {{"ops", kSecret1}, {"app", kSecret2}};
  config.auth.cluster_key = "cluster-secret-0123456789";
  std::string yaml = RenderConfig(config);
  EXPECT_THAT(yaml, Not(HasSubstr(kSecret1)));
  EXPECT_THAT(yaml, Not(HasSubstr(kSecret2)));
  EXPECT_THAT(yaml, Not(HasSubstr("cluster-secret")));
  EXPECT_THAT(yaml, HasSubstr("ops: <redacted>"));
  EXPECT_THAT(yaml, HasSubstr("app: <redacted>"));
  EXPECT_THAT(yaml, HasSubstr("cluster_key: <redacted>"));
  EXPECT_THAT(yaml, HasSubstr("port: 7379"));
}

TEST_F(ConfigTest, RenderedConfigLoadsBackToTheSameConfig) {
  Result<CommandLine> first =
      Load({"--auth-enabled=false", "--port=1234", "--bind=0.0.0.0", "--data-dir=/var/lib/memdb",
            "--log-level=debug", "--cluster-advertise=db1.example:1234",
            "--cluster-seeds=db1.example:1234,db2.example:1234"});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  std::string path = Write("rendered.yaml", RenderConfig(first->config));
  Result<CommandLine> second = Load({"-c", path});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  second->config.config_path.clear();
  EXPECT_EQ(RenderConfig(second->config), RenderConfig(first->config));
}

TEST_F(ConfigTest, RenderedSecretPlaceholderIsRefusedWhenLoadedBack) {
  Config config;
  config.auth.client_keys = {{"ops", kSecret1}};
  std::string path = Write("rendered.yaml", RenderConfig(config));
  EXPECT_THAT(LoadError({"-c", path}), HasSubstr("auth.client_keys[ops]: the secret is the "
                                                 "placeholder"));
}

// ---- client_keys_file ------------------------------------------------------------------------

TEST_F(ConfigTest, ClientKeysFileIsParsedAndAddedToInlineKeys) {
  std::string keys = Write("keys",
                           "# client keys\n"
                           "\n"
                           "app:" +
                               std::string(kSecret2) +
                               "\r\n"
                               "  # indented comment\n"
                               "batch:with:colons-0123456789\n");
  std::string path =
      Write("memdb.yaml", "auth:\n  client_keys:\n    ops: " + std::string(kSecret1) +
                              "\n  client_keys_file: " + keys + "\n");
  Result<CommandLine> result = Load({"-c", path});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->config.auth.client_keys,
            (std::map<std::string, std::string>{
                {"ops", kSecret1}, {"app", kSecret2}, {"batch", "with:colons-0123456789"}}));
  EXPECT_EQ(result->config.auth.client_keys_file, keys);

  // The file alone, named by a flag.
  result = Load({"--auth-client-keys-file", keys});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->config.auth.client_keys.size(), 2u);
}

TEST_F(ConfigTest, MalformedClientKeysFileLineGivesFileAndLineButNotTheSecret) {
  std::string keys = Write("keys", "ops:" + std::string(kSecret1) + "\n\n" + kSecret2 + "\n");
  std::string message = LoadError({"--auth-client-keys-file", keys});
  EXPECT_THAT(message, HasSubstr(keys + ":3: expected ID:SECRET"));
  EXPECT_THAT(message, Not(HasSubstr(kSecret1)));
  EXPECT_THAT(message, Not(HasSubstr(kSecret2)));

  keys = Write("keys2", "ops:\n");
  EXPECT_THAT(LoadError({"--auth-client-keys-file", keys}),
              HasSubstr("auth.client_keys[ops]: the secret is empty (from " + keys + ":1)"));
}

TEST_F(ConfigTest, KeyIdInBothInlineKeysAndFileIsAnError) {
  std::string keys = Write("keys", "ops:" + std::string(kSecret2) + "\n");
  std::string message = LoadError(
      {"--auth-client-keys-file", keys, "--auth-client-key=ops:" + std::string(kSecret1)});
  EXPECT_THAT(message, HasSubstr("auth.client_keys[ops] is given more than once"));
  EXPECT_THAT(message, HasSubstr(keys + ":1"));
  EXPECT_THAT(message, Not(HasSubstr(kSecret1)));
  EXPECT_THAT(message, Not(HasSubstr(kSecret2)));
}

TEST_F(ConfigTest, MissingClientKeysFileIsAnError) {
  std::string missing = (dir_ / "nope").string();
  std::string message = LoadError({}, {{"MEMDB_AUTH_CLIENT_KEYS_FILE", missing}});
  EXPECT_THAT(message, HasSubstr("auth.client_keys_file: cannot read \"" + missing + "\""));
  EXPECT_THAT(message, HasSubstr("env MEMDB_AUTH_CLIENT_KEYS_FILE"));
}

TEST_F(ConfigTest, ReadableSecretFilesAndCommandLineSecretsWarn) {
  std::string keys = Write("keys", "ops:" + std::string(kSecret1) + "\n");
  ::chmod(keys.c_str(), 0644);
  Result<CommandLine> result =
      Load({"--auth-client-keys-file", keys, "--auth-cluster-key", kSecret2});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  std::string all;
  for (const std::string& warning : result->warnings) all += warning + "\n";
  EXPECT_THAT(all, HasSubstr("readable by other users (mode 0644)"));
  EXPECT_THAT(all, HasSubstr("auth.cluster_key was given on the command line"));
  EXPECT_THAT(all, Not(HasSubstr(kSecret1)));
  EXPECT_THAT(all, Not(HasSubstr(kSecret2)));
}

// ---- actions ---------------------------------------------------------------------------------

TEST_F(ConfigTest, PrintConfigRendersTheEffectiveConfigWithOrigins) {
  Result<CommandLine> result = Load(
      {"--print-config", "--server-port=3000", "--auth-client-key=ops:" + std::string(kSecret1)},
      {{"MEMDB_LOG_LEVEL", "warn"}});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->action, CommandLine::Action::kPrintConfig);
  EXPECT_THAT(result->output, HasSubstr("port: 3000  # from flag --server-port"));
  EXPECT_THAT(result->output, HasSubstr("level: warn  # from env MEMDB_LOG_LEVEL"));
  EXPECT_THAT(result->output, HasSubstr("ops: <redacted>"));
  EXPECT_THAT(result->output, Not(HasSubstr(kSecret1)));
  EXPECT_EQ(result->config.server.port, 3000);
}

TEST_F(ConfigTest, PrintConfigStillValidates) {
  EXPECT_THAT(LoadError({"--print-config"}), HasSubstr("no client key"));
}

TEST_F(ConfigTest, HelpExitsZeroAndListsEveryFlagWithItsEnvName) {
  Result<CommandLine> result = Load({"--help"});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->action, CommandLine::Action::kExit);
  EXPECT_EQ(result->exit_code, 0);
  for (const char* text : {"--server-port", "--port", "MEMDB_SERVER_PORT", "--auth-client-key",
                           "--auth-client-keys-file", "--log-level", "--print-config", "--config",
                           "MEMDB_CONFIG", "default 7379"}) {
    EXPECT_THAT(result->output, HasSubstr(text));
  }
  result = Load({"-h"});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->action, CommandLine::Action::kExit);
}

TEST_F(ConfigTest, VersionPrintsTheCallersVersion) {
  Result<CommandLine> result = Load({"--version"});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->action, CommandLine::Action::kExit);
  EXPECT_EQ(result->exit_code, 0);
  EXPECT_EQ(result->output, "memdb 1.2.3\n");
}

TEST_F(ConfigTest, MissingFlagValueIsAnError) {
  EXPECT_THAT(LoadError({"--server-port"}), HasSubstr("--server-port"));
}

// ---- the environment and the sample file -----------------------------------------------------

TEST_F(ConfigTest, CurrentEnvironmentHoldsOnlyMemdbVariables) {
  for (const auto& [name, value] : CurrentEnvironment()) {
    EXPECT_EQ(name.rfind("MEMDB_", 0), 0u) << name;
  }
}

#ifdef MEMDB_VECTORS_DIR
// config/memdb.yaml documents the defaults: loading it must give exactly the built-in ones.
TEST_F(ConfigTest, SampleConfigFileParsesAndMatchesTheDefaults) {
  std::filesystem::path sample =
      std::filesystem::path(MEMDB_VECTORS_DIR).parent_path().parent_path() / "config" /
      "memdb.yaml";
  ASSERT_TRUE(std::filesystem::exists(sample)) << sample;
  Result<CommandLine> result = Load({"-c", sample.string(), "--print-config"});
  ASSERT_FALSE(result.ok());  // auth on, no key: refused, as documented
  EXPECT_THAT(result.status().message(), HasSubstr("no client key"));

  result = Load({"-c", sample.string(), "--auth-client-key=ops:" + std::string(kSecret1)});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  Config expected;
  expected.auth.client_keys = {{"ops", kSecret1}};
  expected.config_path = sample.string();
  EXPECT_EQ(RenderConfig(result->config), RenderConfig(expected));
}
#endif

}  // namespace
}  // namespace memdb::config_test

// The ConfigTest fixture: a temp dir for YAML and key files, and LoadConfig with a chosen argv
// and environment (the process environment is never read or changed).
#ifndef MEMDB_TESTS_UNIT_CONFIG_TEST_UTIL_H_
#define MEMDB_TESTS_UNIT_CONFIG_TEST_UTIL_H_

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "config/config_loader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace memdb::config_test {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSecret1[] = "ops-secret-0123456789abcdef";
constexpr char kSecret2[] = "app-secret-fedcba9876543210";

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "memdb_config_test_XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Writes `text` to `name` in the temp dir (mode 0600) and returns its path.
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    ::chmod(path.c_str(), 0600);
    return path;
  }

  // LoadConfig with argv = {"memdb", args...}; the default config path does not exist unless
  // `default_path` is given.
  Result<CommandLine> Load(std::vector<std::string> args, const EnvMap& env = {},
                           std::string default_path = "") {
    if (default_path.empty()) default_path = (dir_ / "no-default.yaml").string();
    std::vector<const char*> argv = {"memdb"};
    for (const std::string& arg : args) argv.push_back(arg.c_str());
    return LoadConfig(static_cast<int>(argv.size()), argv.data(), env, "memdb 1.2.3", default_path);
  }

  // The error message of a load that must fail.
  std::string LoadError(std::vector<std::string> args, const EnvMap& env = {}) {
    Result<CommandLine> result = Load(std::move(args), env);
    EXPECT_FALSE(result.ok()) << "expected an error";
    if (result.ok()) return "";
    EXPECT_EQ(result.status().code(), Code::kInvalidArgument) << result.status().ToString();
    return result.status().message();
  }

  std::filesystem::path dir_;
};

}  // namespace memdb::config_test

#endif  // MEMDB_TESTS_UNIT_CONFIG_TEST_UTIL_H_

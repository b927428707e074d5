#include "integration/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace memdb::testing {

namespace fs = std::filesystem;

ServerProcess::ServerProcess(ServerSpec spec) : spec_(std::move(spec)) {
  char tmpl[] = "/tmp/memdb-it-XXXXXX";
  const char* d = mkdtemp(tmpl);
  dir_ = d ? d : "/tmp";
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Stop(SIGKILL, 5000);
  std::error_code ec;
  if (dir_ != "/tmp") fs::remove_all(dir_, ec);
}

bool ServerProcess::StartOnPort(uint16_t port) {
  if (pid_ > 0) Stop(SIGKILL, 5000);  // never leak a server still running
  const std::string config_path = dir_ + "/memdb.yaml";
  {
    std::ofstream cfg(config_path);
    cfg << "server:\n  bind: 127.0.0.1\n  port: " << port << "\n" << spec_.server_yaml;
    if (!spec_.limits_yaml.empty()) cfg << "limits:\n" << spec_.limits_yaml;
    cfg << "auth:\n  client_keys:\n    " << spec_.key_id << ": \"" << spec_.secret << "\"\n";
    cfg << spec_.auth_yaml;
    cfg << "data_dir: " << dir_ << "/data\n";
    cfg << "log:\n  level: debug\n";
    cfg << spec_.extra_yaml;
  }
  const std::string out_path = dir_ + "/stdout";
  const std::string err_path = dir_ + "/stderr";
  exit_code_ = -1;
  // A restart must not find the previous run's listening line before the child truncates.
  std::error_code ignored;
  fs::remove(out_path, ignored);
  fs::rename(err_path, err_path + ".previous", ignored);
  const auto started = std::chrono::steady_clock::now();
  pid_ = fork();
  if (pid_ < 0) return false;
  if (pid_ == 0) {
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, 1);
    dup2(err, 2);
    execl(MEMDB_BINARY, MEMDB_BINARY, "--config", config_path.c_str(), (char*)nullptr);
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(out_path);
    std::string line;
    while (std::getline(in, line)) {
      auto pos = line.find("listening on ");
      if (pos == std::string::npos) continue;
      auto colon = line.rfind(':');
      port_ = static_cast<uint16_t>(std::stoi(line.substr(colon + 1)));
      start_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
      return true;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      if (WIFEXITED(status)) exit_code_ = WEXITSTATUS(status);
      if (WIFSIGNALED(status)) exit_code_ = 128 + WTERMSIG(status);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return false;
}

int ServerProcess::Stop(int signo, int timeout_ms) {
  if (pid_ <= 0) return -1;
  kill(pid_, signo);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

namespace {

std::string ReadWhole(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string ServerProcess::log() const { return ReadWhole(dir_ + "/stderr"); }

std::string ServerProcess::previous_log() const { return ReadWhole(dir_ + "/stderr.previous"); }

}  // namespace memdb::testing

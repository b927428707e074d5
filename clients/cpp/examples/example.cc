// memdb-example — a tour of the C++ client: connect, SET / GET / DEL, then a pipelined batch.
//
//   memdb-example --host 127.0.0.1 --port 7379 --key-id app --secret-file app.secret
//   MEMDB_SECRET=... memdb-example --key-id app
//
// The secret comes from --secret-file (first line, trailing newline ignored) or the
// MEMDB_SECRET environment variable, never from the command line (where `ps` would show it).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/client.h"
#include "memdb/secret_file.h"

namespace {

void Usage() {
  std::cerr << "usage: memdb-example [--host H] [--port P] --key-id ID "
               "[--secret-file FILE]   (else $MEMDB_SECRET)\n";
}

std::string Describe(const memdb::Version& v) {
  return "version{ts=" + std::to_string(memdb::HlcMillis(v.timestamp)) + "ms+" +
         std::to_string(memdb::HlcLogical(v.timestamp)) + ", node=" + std::to_string(v.node_id) +
         "}";
}

}  // namespace

int main(int argc, char** argv) {
  memdb::ClientOptions options;
  options.client_name = "memdb-example";
  std::string secret_file;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* value = nullptr;
    if (arg == "--help" || arg == "-h") {
      Usage();
      return 0;
    } else if (arg == "--host" && (value = next())) {
      options.host = value;
    } else if (arg == "--port" && (value = next())) {
      options.port = static_cast<uint16_t>(std::strtoul(value, nullptr, 10));
    } else if (arg == "--key-id" && (value = next())) {
      options.key_id = value;
    } else if (arg == "--secret-file" && (value = next())) {
      secret_file = value;
    } else {
      Usage();
      return 2;
    }
  }
  if (!secret_file.empty()) {
    memdb::Result<std::string> secret = memdb::ReadSecretFile(secret_file);
    if (!secret.ok()) {
      std::cerr << secret.status().message() << "\n";
      return 2;
    }
    options.secret = std::move(secret).value();
  } else if (const char* env = std::getenv("MEMDB_SECRET")) {
    options.secret = env;
  } else {
    std::cerr << "no secret: pass --secret-file or set MEMDB_SECRET\n";
    return 2;
  }

  memdb::Client client(options);
  if (memdb::Status s = client.Connect(); !s.ok()) {
    std::cerr << "connect " << options.host << ":" << options.port << ": " << s.ToString() << "\n";
    return 1;
  }
  std::cout << "connected to " << options.host << ":" << options.port << "\n";

  // ---- synchronous CRUD ----
  memdb::Result<memdb::Version> set = client.Set("greeting", "hello, memdb");
  if (!set.ok()) {
    std::cerr << "SET failed: " << set.status().ToString() << "\n";
    return 1;
  }
  std::cout << "SET greeting -> " << Describe(*set) << "\n";

  memdb::Result<std::optional<memdb::VersionedValue>> got = client.Get("greeting");
  if (!got.ok()) {
    std::cerr << "GET failed: " << got.status().ToString() << "\n";
    return 1;
  }
  if (got->has_value()) {
    std::cout << "GET greeting -> \"" << (*got)->value << "\" " << Describe((*got)->version)
              << "\n";
  } else {
    std::cout << "GET greeting -> (not found)\n";
  }

  memdb::Result<bool> del = client.Del("greeting");
  if (!del.ok()) {
    std::cerr << "DEL failed: " << del.status().ToString() << "\n";
    return 1;
  }
  std::cout << "DEL greeting -> " << (*del ? "deleted" : "was absent") << "\n";

  memdb::Result<bool> present = client.Contains("greeting");
  if (present.ok()) {
    std::cout << "CONTAINS greeting -> " << (*present ? "yes" : "no") << "\n";
  }

  // ---- pipelined batch: all requests in flight at once on the one connection ----
  constexpr int kBatch = 1000;
  auto start = std::chrono::steady_clock::now();
  std::vector<std::future<memdb::Result<memdb::Version>>> writes;
  writes.reserve(kBatch);
  for (int i = 0; i < kBatch; ++i) {
    writes.push_back(client.SetAsync("batch:" + std::to_string(i), "value " + std::to_string(i)));
  }
  int failed = 0;
  for (auto& w : writes) {
    memdb::Result<memdb::Version> r = w.get();
    if (!r.ok() && failed++ == 0) std::cerr << "batch SET: " << r.status().ToString() << "\n";
  }
  std::vector<std::future<memdb::Result<std::optional<memdb::VersionedValue>>>> reads;
  reads.reserve(kBatch);
  for (int i = 0; i < kBatch; ++i) reads.push_back(client.GetAsync("batch:" + std::to_string(i)));
  int found = 0;
  for (auto& r : reads) {
    auto value = r.get();
    if (value.ok() && value->has_value()) ++found;
  }
  auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - start);
  std::cout << "pipelined " << kBatch << " SET + " << kBatch << " GET in "
            << elapsed.count() / 1000.0 << " ms: " << (kBatch - failed) << " written, " << found
            << " read back\n";
  std::cout << "session clock: " << client.last_seen_timestamp() << "\n";
  return failed == 0 && found == kBatch ? 0 : 1;
}

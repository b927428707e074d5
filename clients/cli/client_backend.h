// ClientBackend — the Backend of a real server, on memdb::Client (one connection).
//
// Interrupting: the shell points `interrupted` at the flag its SIGINT handler sets. A call
// waiting for its reply checks the flag every few milliseconds and, once it is set, stops
// waiting and returns Code::kTimeout ("interrupted"): like a timeout, the request may or may
// not have been applied. Connecting is not interruptible; it is bounded by connect_timeout.
//
// Threading: one thread calls this object (memdb::Client's own threads are internal).
#ifndef MEMDB_CLIENTS_CLI_CLIENT_BACKEND_H_
#define MEMDB_CLIENTS_CLI_CLIENT_BACKEND_H_

#include <atomic>
#include <future>

#include "clients/cli/backend.h"
#include "memdb/client.h"
#include "memdb/client_options.h"

namespace memdb::cli {

class ClientBackend final : public Backend {
 public:
  // `interrupted` may be null (nothing interrupts); not owned, must outlive this object.
  ClientBackend(const ClientOptions& options, const std::atomic<bool>* interrupted);

  Status Connect() override;
  bool IsConnected() const override;
  Status Ping() override;
  Result<std::optional<VersionedValue>> Get(std::string_view key,
                                            const RequestOptions& options) override;
  Result<Version> Set(std::string_view key, std::string_view value,
                      const RequestOptions& options) override;
  Result<bool> Del(std::string_view key, const RequestOptions& options) override;
  Result<bool> Contains(std::string_view key, const RequestOptions& options) override;
  Result<StatList> Stats() override;
  Result<CompactOutcome> Compact() override;
  Result<ClusterView> ClusterInfo() override;
  Result<RepairProgress> Repair(RepairAction action) override;
  Timestamp SessionClock() const override;

 private:
  // Waits for `future` unless *interrupted_ becomes true first.
  template <typename T>
  T Await(std::future<T> future);

  Client client_;
  const std::atomic<bool>* interrupted_;
};

}  // namespace memdb::cli

#endif  // MEMDB_CLIENTS_CLI_CLIENT_BACKEND_H_

// History — what the simulated clients of the replication scenario did and saw: one Op per
// request, with its invocation and completion times (simulated ms), the level, the key, the
// value written, and the outcome as the client saw it. The replication invariants
// (replication_invariants.h) are functions of a History (and of the replicas' final state),
// so a test can feed them a doctored one.
#ifndef MEMDB_TESTS_SIM_HISTORY_H_
#define MEMDB_TESTS_SIM_HISTORY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "memdb/consistency.h"
#include "memdb/status.h"
#include "memdb/version.h"

namespace memdb::sim {

enum class OpKind : uint8_t { kGet, kSet, kDel };
const char* OpKindName(OpKind kind);

enum class Outcome : uint8_t {
  kPending,  // no answer yet
  kOk,       // answered OK
  kFailed,   // answered an error that says nothing was written (UNAVAILABLE)
  kUnknown,  // TIMEOUT, a lost connection, no answer in time, any other error: a write may
             // or may not have been applied, with a version nobody reported
};
const char* OutcomeName(Outcome outcome);

struct Op {
  uint64_t id = 0;  // index in the history
  uint32_t client = 0;
  uint32_t node = 0;  // 0-based index of the node the request went to
  OpKind kind = OpKind::kGet;
  Consistency level = Consistency::kQuorum;
  std::string key;
  std::string value;  // SET: the value written (unique per write)
  uint64_t invoke_ms = 0;
  uint64_t complete_ms = 0;  // when the answer (or the client's timeout) came
  Outcome outcome = Outcome::kPending;
  Code code = Code::kOk;  // the error, when not kOk
  std::string message;
  // OK answers: SET the version written; DEL the tombstone's version and `existed`; GET
  // `found`, and when found the version and value.
  Version version;
  bool found = false;
  bool existed = false;
  std::string read_value;

  bool is_write() const { return kind != OpKind::kGet; }
  // QUORUM or ALL: the levels whose reads and writes overlap.
  bool strong() const { return level == Consistency::kQuorum || level == Consistency::kAll; }
  std::string Describe() const;
};

using History = std::vector<Op>;

}  // namespace memdb::sim

#endif  // MEMDB_TESTS_SIM_HISTORY_H_

// memdb::CompactOutcome — what a COMPACT request did. Shared by the protocol (the values are
// the wire byte, docs/protocol.md), the node and the client library.
#ifndef MEMDB_COMPACT_OUTCOME_H_
#define MEMDB_COMPACT_OUTCOME_H_

#include <cstdint>

namespace memdb {

enum class CompactOutcome : uint8_t {
  kStarted = 0,           // a compaction of the operation log started now
  kAlreadyRunning = 1,    // one was running already; nothing new was started
  kQueued = 2,            // a seal job is running; the compaction starts when it finishes
  kNothingToCompact = 3,  // the log has no complete segment yet (only the one being written)
};

// "started", "already_running", "queued", "nothing_to_compact"; "?" for anything else.
constexpr const char* CompactOutcomeName(CompactOutcome outcome) {
  switch (outcome) {
    case CompactOutcome::kStarted:
      return "started";
    case CompactOutcome::kAlreadyRunning:
      return "already_running";
    case CompactOutcome::kQueued:
      return "queued";
    case CompactOutcome::kNothingToCompact:
      return "nothing_to_compact";
  }
  return "?";
}

}  // namespace memdb

#endif  // MEMDB_COMPACT_OUTCOME_H_

// HintStore — writes kept for a replica that was down, to hand off when it is seen up again
// (docs/cluster.md, "Hinted handoff").
//
// Files: one append-only file per target node, `<dir>/<node-id>.hints`:
//
//   file    := magic "memdbHT1" (8 bytes), then entries
//   entry   := u32 crc      masked CRC32C of the next 9 bytes (kind + value)
//              u8  kind     1 HINT, 2 DELIVERED
//              u64 value    HINT: when it was stored (the caller's now_ms, see "Time" below)
//                           DELIVERED: offset in this file of the first hint not yet
//                           acknowledged (every hint before it was delivered)
//              HINT only: one oplog record (oplog/record.h framing, its own CRC)
//
// Durability: Add() writes the entry to the OS at once; Flush() appends a DELIVERED entry when
// delivery progressed, syncs every file written to and the directory (new / removed files).
// A crash keeps what was flushed; hints acknowledged after the last Flush are delivered again
// (harmless: REPLICA_WRITE is idempotent by version). A file whose hints are all acknowledged
// is removed at the next Flush; a file whose delivered prefix is at least as large as its live
// part (and kCompactMinDeadBytes) is rewritten with only the live part (temp file + rename).
//
// Reload (Open): every `<id>.hints` file is scanned. An incomplete entry at the end (a torn
// write) or a corrupt entry (bad CRC, bad framing) ends the file there: it is truncated to the
// entries before it and counted (hints_torn_tails / hints_corrupt); the hints after a corrupt
// entry are lost (their replica relies on catch-up / anti-entropy). The last DELIVERED entry
// says where delivery resumes.
//
// Bounds: no new hints for a target whose oldest undelivered hint is older than window_ms
// (counted dropped_window: that replica must catch up from the logs / anti-entropy instead),
// and none once all hint files together would exceed max_bytes (dropped_full).
//
// Time: `now_ms` is the node's monotonic clock, also across restarts of the process on the same
// machine (CLOCK_MONOTONIC). After a reboot the stored times are from another time base: a
// reloaded hint stored "in the future" marks its target's window as closed until every hint of
// that target is delivered (conservative: no hints for longer than the window).
//
// Memory: per target a few counters and the hints being delivered (at most a few times
// max_in_flight small entries); hint bytes stay on disk and are read in batches for delivery.
//
// Sans-IO: files through the injected FileSystem; time is passed in.
// Threading: the node's event-loop thread.
#ifndef MEMDB_REPLICATION_HINT_STORE_H_
#define MEMDB_REPLICATION_HINT_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/file_system.h"
#include "memdb/result.h"
#include "oplog/record.h"
#include "protocol/messages.h"
#include "replication/replication_options.h"

namespace memdb {

struct HintCounters {
  uint64_t stored = 0;             // hints written
  uint64_t reloaded = 0;           // undelivered hints found by Open
  uint64_t dropped_window = 0;     // refused: the target was down longer than the window
  uint64_t dropped_full = 0;       // refused: max_bytes reached
  uint64_t write_errors = 0;       // refused: the hint file could not be written
  uint64_t delivered = 0;          // acknowledged by their target
  uint64_t delivery_failures = 0;  // sends that failed (retried later)
  uint64_t read_errors = 0;        // hint files that could not be read during delivery
  uint64_t torn_tails = 0;         // incomplete last entries dropped at reload
  uint64_t corrupt = 0;            // files cut at a corrupt entry (reload or delivery)
  uint64_t bytes = 0;              // in hint files now
  uint64_t pending = 0;            // hints not yet delivered
  uint64_t in_flight = 0;          // hints sent, not yet answered
  uint64_t targets = 0;            // nodes with a hint file
};

// A hint handed out for delivery. `record` views the store's read buffer: valid until the next
// call on the store.
struct HintToSend {
  uint64_t id = 0;  // for OnDelivered / OnDeliveryFailed
  oplog::Record record;
};

class HintStore {
 public:
  static constexpr char kFileSuffix[] = ".hints";
  static constexpr char kMagic[] = "memdbHT1";  // 8 bytes, without the terminating NUL
  static constexpr size_t kMagicSize = 8;
  static constexpr size_t kEntryPrefixSize = 13;  // crc + kind + value
  // A file is rewritten when its delivered prefix is at least this large and at least as
  // large as its undelivered part.
  static constexpr uint64_t kCompactMinDeadBytes = uint64_t{4} << 20;

  // Opens (creating) options.dir and reloads hints left by an earlier run. Errors: the
  // directory or a hint file cannot be read (kIoError naming it).
  static Result<std::unique_ptr<HintStore>> Open(FileSystem* fs, const HintOptions& options,
                                                 uint64_t now_ms);
  ~HintStore();
  HintStore(const HintStore&) = delete;
  HintStore& operator=(const HintStore&) = delete;

  // Keeps `record` for `target`; false (counted) when disabled, over the window, full, or the
  // file cannot be written.
  bool Add(NodeId target, const oplog::Record& record, uint64_t now_ms);
  // Targets with hints not yet delivered, ascending.
  std::vector<NodeId> Targets() const;
  // Records delivery progress, removes or rewrites fully / mostly delivered files, and syncs
  // what was written (the runtime calls it every gossip interval). Returns the first error;
  // the rest is still attempted.
  Status Flush();

  // ---- delivery (hint_delivery.h) ----
  // The next hint of `target` to send — one whose send failed first, then the oldest never
  // sent — now counted in flight. false when there is none (or too many are outstanding).
  // Errors: the file cannot be read; a corrupt entry also cuts the file there (counted).
  Result<bool> NextHint(NodeId target, HintToSend* out);
  // The hint was acknowledged by its target / its send failed (it will be sent again).
  void OnDelivered(NodeId target, uint64_t id);
  void OnDeliveryFailed(NodeId target, uint64_t id);
  // Hints of `target` sent and not yet answered.
  uint64_t InFlight(NodeId target) const;

  const HintCounters& counters() const { return counters_; }
  void AppendStats(std::vector<protocol::Stat>* out) const;

 private:
  struct Target;
  enum class EntryKind : uint8_t { kHint = 1, kDelivered = 2 };
  struct Entry;
  struct ReadBuffer;
  struct Outstanding;
  enum class ParseResult { kOk, kEnd, kTorn, kCorrupt, kIoError };

  HintStore(FileSystem* fs, const HintOptions& options);

  std::string PathOf(NodeId target) const;
  static void EncodeEntryPrefix(EntryKind kind, uint64_t value, std::string* out);
  // Reads the entry at `offset` of a file of `size` bytes; an I/O error goes to `*error`.
  static ParseResult ReadEntry(const RandomAccessFile& file, uint64_t size, uint64_t offset,
                               ReadBuffer* buffer, Entry* out, Status* error);
  Status Load(NodeId target, const std::string& path, uint64_t now_ms);
  Status OpenWriter(Target* t, OpenMode mode);
  // Appends to `t`'s file (creating it when it has no magic yet); a failed append is cut off.
  Status Append(Target* t, std::string_view data);
  Status OpenReader(Target* t);
  // Reads the entry at logical offset `offset` of `t`; cuts the file at a corrupt entry when
  // `cut_if_corrupt`.
  Status ReadAt(Target* t, uint64_t offset, bool cut_if_corrupt, Entry* out);
  // Cuts `t`'s file at logical `offset` (a corrupt entry found during delivery).
  Status CutAt(Target* t, uint64_t offset);
  // Advances the delivered prefix over acknowledged hints and refreshes the oldest time.
  void AdvanceDelivered(Target* t);
  Status FlushTarget(Target* t);
  Status Compact(Target* t);

  FileSystem* fs_;
  HintOptions options_;
  std::map<NodeId, std::unique_ptr<Target>> targets_;
  bool dir_dirty_ = false;  // a file was created, renamed or removed since the last SyncDir
  HintCounters counters_;
};

}  // namespace memdb

#endif  // MEMDB_REPLICATION_HINT_STORE_H_

// Helpers shared by the oplog tests: a log on a SimFileSystem driven like the runtime drives
// it (writer core + inline flusher), and a comparable snapshot of a Store.
#ifndef MEMDB_TESTS_UNIT_OPLOG_TEST_UTIL_H_
#define MEMDB_TESTS_UNIT_OPLOG_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>

#include "common/sim_file_system.h"
#include "oplog/oplog_writer.h"
#include "oplog/recovery.h"
#include "oplog/segment_flusher.h"
#include "store/store.h"

namespace memdb::oplog::testing {

inline constexpr const char* kDir = "/db/oplog";

struct Entry {
  std::string value;
  Version version;
  bool tombstone = false;
  friend bool operator==(const Entry&, const Entry&) = default;
};
using StoreMap = std::map<std::string, Entry>;

inline StoreMap Snapshot(const Store& store) {
  StoreMap m;
  store.ForEach([&](std::string_view key, const StoredValue& v) {
    m[std::string(key)] = Entry{std::string(v.value), v.version, v.tombstone};
  });
  return m;
}

// Drops tombstones older than `cutoff`: what compaction may legitimately forget.
inline StoreMap WithoutExpiredTombstones(StoreMap m, Timestamp cutoff) {
  std::erase_if(m, [&](const auto& kv) {
    return kv.second.tombstone && kv.second.version.timestamp < cutoff;
  });
  return m;
}

inline std::string Describe(const StoreMap& m) {
  std::string s;
  for (const auto& [k, e] : m) {
    s += k + "=" + (e.tombstone ? "<del>" : e.value) + "@" + std::to_string(e.version.timestamp) +
         "/" + std::to_string(e.version.node_id) + " ";
  }
  return s;
}

// A node's log as the runtime drives it, on a simulated disk.
class TestLog {
 public:
  explicit TestLog(SimFileSystem* fs, OplogWriterOptions options = {},
                   ReadMode mode = ReadMode::kStrict)
      : fs_(fs), options_(std::move(options)), mode_(mode) {
    if (options_.dir.empty()) options_.dir = kDir;
  }

  // Recovers into a fresh store and starts a writer.
  Status Open() {
    store_ = std::make_unique<Store>();
    auto report = Recover(fs_, RecoveryOptions{options_.dir, mode_, true}, store_.get());
    if (!report.ok()) return report.status();
    report_ = std::move(report).value();
    writer_ = std::make_unique<OplogWriter>(options_, report_.writer_start());
    flusher_ = std::make_unique<SegmentFlusher>(fs_, options_.dir);
    return Status::Ok();
  }

  // Applies to the store and logs, like a node does (only writes that changed the store).
  Lsn Put(const std::string& key, const std::string& value, Timestamp ts, NodeId node = 1) {
    Record r{RecordType::kPut, Version{ts, node}, key, value};
    if (!ApplyToStore(r, store_.get())) return 0;
    auto lsn = writer_->Append(r);
    EXPECT_TRUE(lsn.ok()) << lsn.status().ToString();
    return lsn.ok() ? *lsn : 0;
  }
  Lsn Del(const std::string& key, Timestamp ts, NodeId node = 1) {
    Record r{RecordType::kDelete, Version{ts, node}, key, {}};
    if (!ApplyToStore(r, store_.get())) return 0;
    auto lsn = writer_->Append(r);
    EXPECT_TRUE(lsn.ok()) << lsn.status().ToString();
    return lsn.ok() ? *lsn : 0;
  }

  Status Flush(uint64_t now_ms = 0) { return FlushInline(writer_.get(), flusher_.get(), now_ms); }

  // The machine dies (unsynced data lost) and the node restarts.
  Status CrashAndReopen() {
    flusher_.reset();
    writer_.reset();
    fs_->Crash();
    return Open();
  }

  // The process dies (kill -9) but the machine does not: written data stays in the page cache.
  Status KillAndReopen() {
    flusher_.reset();
    writer_.reset();
    return Open();
  }

  Store& store() { return *store_; }
  OplogWriter& writer() { return *writer_; }
  SegmentFlusher& flusher() { return *flusher_; }
  const RecoveryReport& report() const { return report_; }
  const OplogWriterOptions& options() const { return options_; }
  void set_mode(ReadMode mode) { mode_ = mode; }

 private:
  SimFileSystem* fs_;
  OplogWriterOptions options_;
  ReadMode mode_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<OplogWriter> writer_;
  std::unique_ptr<SegmentFlusher> flusher_;
  RecoveryReport report_;
};

}  // namespace memdb::oplog::testing

#endif  // MEMDB_TESTS_UNIT_OPLOG_TEST_UTIL_H_

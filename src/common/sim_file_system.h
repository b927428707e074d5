// SimFileSystem — an in-memory FileSystem for tests and the simulator that models what a crash
// keeps, and injects faults. Deterministic: it has no randomness or clock of its own.
//
// Crash model (what Crash() keeps):
//   - File content: each file remembers the content it had at its last Sync (or Truncate).
//     Crash() puts every file back to that content, so every byte appended but not synced is
//     lost — unless SetCrashKeep() asked to keep a prefix of the unsynced tail (a write that
//     was torn: its first bytes reached the platter, the rest did not).
//   - Directory entries: a create, rename or remove is durable only once SyncDir() ran on the
//     file's directory afterwards. Crash() restores each directory to its entries as of its
//     last SyncDir: a created file whose directory was not synced vanishes, a rename not
//     followed by SyncDir is undone (the old name comes back, the destination gets its old
//     file back), a remove not followed by SyncDir is undone (the file returns with its
//     durable content).
//   - Directories themselves are created durably (CreateDir needs no SyncDir of the parent).
//   - Every handle opened before Crash() becomes stale: its operations fail.
//
// Faults:
//   - FailAtOperation(n): the n-th mutating operation from now (OpenWritable, Append, Sync,
//     SyncDir, Rename, Remove, Truncate, CreateDir) fails with kIoError, and from then on the
//     file system is "dead": every operation fails until Crash(). This is how a test crashes
//     at every step of a procedure: run it with n = 1, 2, ... and recover after each.
//   - SetFaultHook(fn): fn sees every operation (reads too) and returns true to fail it (the
//     file system does not go dead).
//   - TearLastWrite(path, keep): the last Append to `path` keeps only its first `keep` bytes —
//     a process killed in the middle of a write.
//   - CorruptByte(path, offset, mask): flips bits in both the written and the durable content.
//
// Threading: not thread-safe; one thread (the test's, or the simulator's) drives it.
#ifndef MEMDB_COMMON_SIM_FILE_SYSTEM_H_
#define MEMDB_COMMON_SIM_FILE_SYSTEM_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/file_system.h"

namespace memdb {

class SimFileSystem final : public FileSystem {
 public:
  enum class OpKind {
    kOpenWritable,
    kAppend,
    kSync,
    kSyncDir,
    kRename,
    kRemove,
    kTruncate,
    kCreateDir,
    // Not mutating: never counted by FailAtOperation.
    kOpenReadable,
    kRead,
    kListDir,
    kFileSize,
  };
  struct Op {
    OpKind kind;
    std::string path;
    uint64_t index;  // 1-based count of mutating operations so far (this one included, if
                     // mutating)
  };

  SimFileSystem();
  ~SimFileSystem() override;

  // ---- FileSystem ----
  Result<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path,
                                                     OpenMode mode) override;
  Result<std::unique_ptr<RandomAccessFile>> OpenReadable(const std::string& path) override;
  Status ReadFile(const std::string& path, std::string* out) override;
  Status SyncDir(const std::string& dir) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status Remove(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& dir) override;
  Result<uint64_t> FileSize(const std::string& path) override;
  Status Truncate(const std::string& path, uint64_t size) override;
  Status CreateDir(const std::string& dir) override;

  // ---- crash ----
  // Loses everything not durable (see the model above), revives a dead file system and makes
  // every open handle stale.
  void Crash();
  // At the next Crash(), `path` keeps the first `keep_bytes` of its unsynced appended tail.
  void SetCrashKeep(const std::string& path, uint64_t keep_bytes);

  // ---- faults ----
  void FailAtOperation(uint64_t n);
  void ClearFaults();
  void SetFaultHook(std::function<bool(const Op&)> hook);
  bool dead() const { return dead_; }
  uint64_t mutating_ops() const { return mutating_ops_; }
  Status TearLastWrite(const std::string& path, uint64_t keep_bytes);
  Status CorruptByte(const std::string& path, uint64_t offset, uint8_t xor_mask);

  // ---- inspection (never faulted, never counted) ----
  bool Exists(const std::string& path) const;
  // The content as written (what a reader sees now) / as a crash would leave it.
  std::string Contents(const std::string& path) const;
  std::string DurableContents(const std::string& path) const;
  // Replaces a file's content, durably (entry and data), creating it if needed.
  void SetContents(const std::string& path, std::string data);
  // Every file path, sorted.
  std::vector<std::string> Files() const;

 private:
  struct Inode {
    std::string data;     // as written
    std::string durable;  // as of the last Sync / Truncate
    uint64_t last_append_offset = 0;
    uint64_t last_append_size = 0;
  };
  class Writable;
  class Readable;

  // Counts the operation and applies faults: an error if it must fail.
  Status Check(OpKind kind, const std::string& path);
  std::shared_ptr<Inode> Lookup(const std::string& path) const;
  static Status NotFound(const std::string& path);
  static Status Stale(const std::string& path);

  std::map<std::string, std::shared_ptr<Inode>> entries_;  // current namespace
  std::map<std::string, std::shared_ptr<Inode>> durable_entries_;
  std::set<std::string> dirs_;
  std::map<std::string, uint64_t> crash_keep_;
  uint64_t epoch_ = 0;  // bumped by Crash(); handles from older epochs are stale
  uint64_t mutating_ops_ = 0;
  uint64_t fail_at_ = 0;  // absolute mutating-op index to fail; 0 = none
  bool dead_ = false;
  std::function<bool(const Op&)> hook_;
};

}  // namespace memdb

#endif  // MEMDB_COMMON_SIM_FILE_SYSTEM_H_

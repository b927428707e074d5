// FileSystem — the only way core code touches the disk.
//
// Core modules (the operation log first) are handed a FileSystem at construction. The daemon
// passes PosixFileSystem (src/io/posix_file_system.h); tests and the simulator pass
// SimFileSystem (src/common/sim_file_system.h), which keeps everything in memory, loses what was
// never synced when it "crashes", and injects faults.
//
// Durability contract (what callers may rely on, and what both implementations provide):
//   - WritableFile::Append hands bytes to the OS (they survive the process dying, not a power
//     loss). WritableFile::Sync makes the file's content and size durable.
//   - A file created (or renamed, or removed) is durable in its directory only after SyncDir on
//     that directory: until then a crash may undo the create / rename / remove.
//   - Rename is atomic: after a crash the destination names either the old or the new file.
//   - Truncate is durable when it returns (it syncs the file).
//
// Errors: every failure is a Status with code kIoError (or kNotFound when the path does not
// exist) and a message naming the path and the OS error.
//
// Threading: a FileSystem may be used from several threads at once (PosixFileSystem is
// stateless; SimFileSystem is documented as single-threaded). A file handle is used by one
// thread at a time.
#ifndef MEMDB_COMMON_FILE_SYSTEM_H_
#define MEMDB_COMMON_FILE_SYSTEM_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/result.h"
#include "memdb/status.h"

namespace memdb {

// A file open for appending. Not copyable; closing is implicit on destruction (without a sync).
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Appends all of `data` (retrying short writes). Not durable until Sync.
  virtual Status Append(std::string_view data) = 0;
  // Makes everything appended so far durable (fdatasync).
  virtual Status Sync() = 0;
  // Releases the handle; further calls fail. Does not sync.
  virtual Status Close() = 0;
  // Bytes in the file: its size when opened plus everything appended since.
  virtual uint64_t Size() const = 0;
};

// A file open for reading at arbitrary offsets.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads up to `n` bytes at `offset` into `*out` (replacing its content). Fewer bytes than
  // `n` only at end of file; none when `offset` is at or past the end.
  virtual Status Read(uint64_t offset, size_t n, std::string* out) const = 0;
  // The file's size now (it may grow while another handle appends).
  virtual Result<uint64_t> Size() const = 0;
};

enum class OpenMode {
  kTruncate,  // create, or empty an existing file
  kAppend,    // create, or keep the content and append after it
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  virtual Result<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path,
                                                             OpenMode mode) = 0;
  virtual Result<std::unique_ptr<RandomAccessFile>> OpenReadable(const std::string& path) = 0;
  // Reads a whole file into `*out`.
  virtual Status ReadFile(const std::string& path, std::string* out) = 0;

  // Makes the directory's entries (creates, renames, removes) durable.
  virtual Status SyncDir(const std::string& dir) = 0;
  // Atomically replaces `to` (if it exists) by `from`. Durable after SyncDir.
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  // Removes a file; kNotFound if it does not exist. Durable after SyncDir.
  virtual Status Remove(const std::string& path) = 0;
  // Names (not paths) of the entries in `dir`, excluding "." and "..", in unspecified order.
  virtual Result<std::vector<std::string>> ListDir(const std::string& dir) = 0;
  virtual Result<uint64_t> FileSize(const std::string& path) = 0;
  // Cuts the file to `size` bytes and syncs it.
  virtual Status Truncate(const std::string& path, uint64_t size) = 0;
  // Creates the directory (and missing parents); OK if it exists.
  virtual Status CreateDir(const std::string& dir) = 0;
};

// "dir/name" (no separator added when `dir` is empty or already ends in '/').
inline std::string JoinPath(std::string_view dir, std::string_view name) {
  std::string path(dir);
  if (!path.empty() && path.back() != '/') path.push_back('/');
  path.append(name);
  return path;
}

// Replaces `dir/name` by `data` durably: `dir/temp_name` is written and synced, renamed over
// `name`, and the directory synced. A crash at any step leaves the old file or the new one
// whole (a stale `temp_name` may remain; readers ignore it, the next write truncates it).
Status WriteFileAtomically(FileSystem* fs, const std::string& dir, std::string_view name,
                           std::string_view temp_name, std::string_view data);

}  // namespace memdb

#endif  // MEMDB_COMMON_FILE_SYSTEM_H_

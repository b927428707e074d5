// PosixFileSystem — the real FileSystem (src/common/file_system.h) for the daemon and tools.
//
// open(2) with O_CLOEXEC, write(2) retried on EINTR and short writes, pread(2), fdatasync(2)
// for WritableFile::Sync, fsync(2) of an O_DIRECTORY descriptor for SyncDir, rename(2),
// unlink(2), ftruncate(2) + fsync(2) for Truncate. Errors carry the path and strerror.
//
// Stateless and thread-safe; each handle is used by one thread at a time.
#ifndef MEMDB_IO_POSIX_FILE_SYSTEM_H_
#define MEMDB_IO_POSIX_FILE_SYSTEM_H_

#include <memory>
#include <string>
#include <vector>

#include "common/file_system.h"

namespace memdb {

class PosixFileSystem final : public FileSystem {
 public:
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
};

}  // namespace memdb

#endif  // MEMDB_IO_POSIX_FILE_SYSTEM_H_

#include "common/file_system.h"

namespace memdb {

Status WriteFileAtomically(FileSystem* fs, const std::string& dir, std::string_view name,
                           std::string_view temp_name, std::string_view data) {
  const std::string path = JoinPath(dir, name);
  const std::string tmp = JoinPath(dir, temp_name);
  auto file = fs->OpenWritable(tmp, OpenMode::kTruncate);
  if (!file.ok()) return file.status();
  if (Status s = (*file)->Append(data); !s.ok()) return s;
  if (Status s = (*file)->Sync(); !s.ok()) return s;
  if (Status s = (*file)->Close(); !s.ok()) return s;
  if (Status s = fs->Rename(tmp, path); !s.ok()) return s;
  return fs->SyncDir(dir);
}

}  // namespace memdb

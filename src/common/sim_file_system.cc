#include "common/sim_file_system.h"

#include <algorithm>
#include <utility>

namespace memdb {

namespace {

std::string StripSlash(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

std::string ParentOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

// ============================================================================================
// Handles
// ============================================================================================

class SimFileSystem::Writable final : public WritableFile {
 public:
  Writable(SimFileSystem* fs, std::string path, std::shared_ptr<Inode> inode)
      : fs_(fs), path_(std::move(path)), inode_(std::move(inode)), epoch_(fs->epoch_) {}

  Status Append(std::string_view data) override {
    if (Status s = Usable(OpKind::kAppend); !s.ok()) return s;
    inode_->last_append_offset = inode_->data.size();
    inode_->last_append_size = data.size();
    inode_->data.append(data);
    return Status::Ok();
  }
  Status Sync() override {
    if (Status s = Usable(OpKind::kSync); !s.ok()) return s;
    inode_->durable = inode_->data;
    return Status::Ok();
  }
  Status Close() override {
    closed_ = true;
    return Status::Ok();
  }
  uint64_t Size() const override { return inode_->data.size(); }

 private:
  Status Usable(OpKind kind) {
    if (closed_) return Status(Code::kIoError, path_ + ": file is closed");
    if (epoch_ != fs_->epoch_) return Stale(path_);
    return fs_->Check(kind, path_);
  }

  SimFileSystem* fs_;
  std::string path_;
  std::shared_ptr<Inode> inode_;
  uint64_t epoch_;
  bool closed_ = false;
};

class SimFileSystem::Readable final : public RandomAccessFile {
 public:
  Readable(SimFileSystem* fs, std::string path, std::shared_ptr<Inode> inode)
      : fs_(fs), path_(std::move(path)), inode_(std::move(inode)), epoch_(fs->epoch_) {}

  Status Read(uint64_t offset, size_t n, std::string* out) const override {
    if (epoch_ != fs_->epoch_) return Stale(path_);
    if (Status s = fs_->Check(OpKind::kRead, path_); !s.ok()) return s;
    const std::string& data = inode_->data;
    out->clear();
    if (offset < data.size())
      out->assign(data, offset, std::min<uint64_t>(n, data.size() - offset));
    return Status::Ok();
  }
  Result<uint64_t> Size() const override {
    if (epoch_ != fs_->epoch_) return Stale(path_);
    return static_cast<uint64_t>(inode_->data.size());
  }

 private:
  SimFileSystem* fs_;
  std::string path_;
  std::shared_ptr<Inode> inode_;
  uint64_t epoch_;
};

// ============================================================================================
// SimFileSystem
// ============================================================================================

SimFileSystem::SimFileSystem() = default;
SimFileSystem::~SimFileSystem() = default;

Status SimFileSystem::NotFound(const std::string& path) {
  return Status(Code::kNotFound, path + ": no such file");
}

Status SimFileSystem::Stale(const std::string& path) {
  return Status(Code::kIoError, path + ": stale handle (the simulated machine crashed)");
}

Status SimFileSystem::Check(OpKind kind, const std::string& path) {
  if (dead_) return Status(Code::kIoError, path + ": simulated machine is down");
  const bool mutating = kind < OpKind::kOpenReadable;
  if (mutating) ++mutating_ops_;
  if (hook_ && hook_(Op{kind, path, mutating_ops_})) {
    return Status(Code::kIoError, path + ": injected fault");
  }
  if (mutating && fail_at_ != 0 && mutating_ops_ == fail_at_) {
    dead_ = true;
    return Status(Code::kIoError,
                  path + ": injected fault at operation " + std::to_string(mutating_ops_));
  }
  return Status::Ok();
}

std::shared_ptr<SimFileSystem::Inode> SimFileSystem::Lookup(const std::string& path) const {
  auto it = entries_.find(path);
  return it == entries_.end() ? nullptr : it->second;
}

Result<std::unique_ptr<WritableFile>> SimFileSystem::OpenWritable(const std::string& path,
                                                                  OpenMode mode) {
  if (Status s = Check(OpKind::kOpenWritable, path); !s.ok()) return s;
  if (dirs_.count(ParentOf(path)) == 0) {
    return Status(Code::kIoError, path + ": directory does not exist");
  }
  std::shared_ptr<Inode> inode = Lookup(path);
  if (inode == nullptr) {
    inode = std::make_shared<Inode>();
    entries_[path] = inode;
  } else if (mode == OpenMode::kTruncate) {
    inode->data.clear();
  }
  return std::unique_ptr<WritableFile>(new Writable(this, path, inode));
}

Result<std::unique_ptr<RandomAccessFile>> SimFileSystem::OpenReadable(const std::string& path) {
  if (Status s = Check(OpKind::kOpenReadable, path); !s.ok()) return s;
  std::shared_ptr<Inode> inode = Lookup(path);
  if (inode == nullptr) return NotFound(path);
  return std::unique_ptr<RandomAccessFile>(new Readable(this, path, inode));
}

Status SimFileSystem::ReadFile(const std::string& path, std::string* out) {
  if (Status s = Check(OpKind::kRead, path); !s.ok()) return s;
  std::shared_ptr<Inode> inode = Lookup(path);
  if (inode == nullptr) return NotFound(path);
  *out = inode->data;
  return Status::Ok();
}

Status SimFileSystem::SyncDir(const std::string& raw_dir) {
  const std::string dir = StripSlash(raw_dir);
  if (Status s = Check(OpKind::kSyncDir, dir); !s.ok()) return s;
  if (dirs_.count(dir) == 0) return NotFound(dir);
  for (auto it = durable_entries_.begin(); it != durable_entries_.end();) {
    it = ParentOf(it->first) == dir ? durable_entries_.erase(it) : std::next(it);
  }
  for (const auto& [path, inode] : entries_) {
    if (ParentOf(path) == dir) durable_entries_[path] = inode;
  }
  return Status::Ok();
}

Status SimFileSystem::Rename(const std::string& from, const std::string& to) {
  if (Status s = Check(OpKind::kRename, from); !s.ok()) return s;
  auto it = entries_.find(from);
  if (it == entries_.end()) return NotFound(from);
  if (dirs_.count(ParentOf(to)) == 0) return Status(Code::kIoError, to + ": no such directory");
  std::shared_ptr<Inode> inode = it->second;
  entries_.erase(it);
  entries_[to] = std::move(inode);
  return Status::Ok();
}

Status SimFileSystem::Remove(const std::string& path) {
  if (Status s = Check(OpKind::kRemove, path); !s.ok()) return s;
  if (entries_.erase(path) == 0) return NotFound(path);
  return Status::Ok();
}

Result<std::vector<std::string>> SimFileSystem::ListDir(const std::string& raw_dir) {
  const std::string dir = StripSlash(raw_dir);
  if (Status s = Check(OpKind::kListDir, dir); !s.ok()) return s;
  if (dirs_.count(dir) == 0) return NotFound(dir);
  std::vector<std::string> names;
  for (const auto& [path, inode] : entries_) {
    if (ParentOf(path) == dir) names.push_back(path.substr(dir == "/" ? 1 : dir.size() + 1));
  }
  for (const std::string& d : dirs_) {
    if (d != dir && ParentOf(d) == dir) names.push_back(d.substr(dir == "/" ? 1 : dir.size() + 1));
  }
  return names;
}

Result<uint64_t> SimFileSystem::FileSize(const std::string& path) {
  if (Status s = Check(OpKind::kFileSize, path); !s.ok()) return s;
  std::shared_ptr<Inode> inode = Lookup(path);
  if (inode == nullptr) return NotFound(path);
  return static_cast<uint64_t>(inode->data.size());
}

Status SimFileSystem::Truncate(const std::string& path, uint64_t size) {
  if (Status s = Check(OpKind::kTruncate, path); !s.ok()) return s;
  std::shared_ptr<Inode> inode = Lookup(path);
  if (inode == nullptr) return NotFound(path);
  inode->data.resize(size);
  inode->durable = inode->data;
  return Status::Ok();
}

Status SimFileSystem::CreateDir(const std::string& raw_dir) {
  const std::string dir = StripSlash(raw_dir);
  if (Status s = Check(OpKind::kCreateDir, dir); !s.ok()) return s;
  for (std::string d = dir; !d.empty() && dirs_.count(d) == 0; d = ParentOf(d)) {
    if (entries_.count(d) != 0) return Status(Code::kIoError, d + ": is a file");
    dirs_.insert(d);
    if (d == "/") break;
  }
  return Status::Ok();
}

// ---- crash ----

void SimFileSystem::Crash() {
  // Files that were durable before the crash keep their durable content; any unsynced tail is
  // dropped unless SetCrashKeep asked to keep part of it.
  for (const auto& [path, inode] : durable_entries_) {
    auto keep = crash_keep_.find(path);
    std::string data = inode->durable;
    if (keep != crash_keep_.end() && inode->data.size() > data.size() &&
        inode->data.compare(0, data.size(), data) == 0) {
      data.append(inode->data, inode->durable.size(),
                  std::min<uint64_t>(keep->second, inode->data.size() - inode->durable.size()));
    }
    inode->data = std::move(data);
    inode->durable = inode->data;
    inode->last_append_size = 0;
  }
  entries_ = durable_entries_;
  crash_keep_.clear();
  ++epoch_;
  dead_ = false;
  fail_at_ = 0;
}

void SimFileSystem::SetCrashKeep(const std::string& path, uint64_t keep_bytes) {
  crash_keep_[path] = keep_bytes;
}

// ---- faults ----

void SimFileSystem::FailAtOperation(uint64_t n) { fail_at_ = n == 0 ? 0 : mutating_ops_ + n; }

void SimFileSystem::ClearFaults() {
  fail_at_ = 0;
  hook_ = nullptr;
}

void SimFileSystem::SetFaultHook(std::function<bool(const Op&)> hook) { hook_ = std::move(hook); }

Status SimFileSystem::TearLastWrite(const std::string& path, uint64_t keep_bytes) {
  std::shared_ptr<Inode> inode = Lookup(path);
  if (inode == nullptr) return NotFound(path);
  if (keep_bytes > inode->last_append_size) {
    return Status(Code::kInvalidArgument, path + ": last write is shorter than keep_bytes");
  }
  inode->data.resize(inode->last_append_offset + keep_bytes);
  if (inode->durable.size() > inode->data.size()) inode->durable = inode->data;
  inode->last_append_size = keep_bytes;
  return Status::Ok();
}

Status SimFileSystem::CorruptByte(const std::string& path, uint64_t offset, uint8_t xor_mask) {
  std::shared_ptr<Inode> inode = Lookup(path);
  if (inode == nullptr) return NotFound(path);
  if (offset >= inode->data.size()) return Status(Code::kInvalidArgument, "offset past end");
  inode->data[offset] = static_cast<char>(inode->data[offset] ^ xor_mask);
  if (offset < inode->durable.size()) {
    inode->durable[offset] = static_cast<char>(inode->durable[offset] ^ xor_mask);
  }
  return Status::Ok();
}

// ---- inspection ----

bool SimFileSystem::Exists(const std::string& path) const { return Lookup(path) != nullptr; }

std::string SimFileSystem::Contents(const std::string& path) const {
  std::shared_ptr<Inode> inode = Lookup(path);
  return inode == nullptr ? std::string() : inode->data;
}

std::string SimFileSystem::DurableContents(const std::string& path) const {
  auto it = durable_entries_.find(path);
  return it == durable_entries_.end() ? std::string() : it->second->durable;
}

void SimFileSystem::SetContents(const std::string& path, std::string data) {
  for (std::string d = ParentOf(path); !d.empty() && dirs_.count(d) == 0; d = ParentOf(d)) {
    dirs_.insert(d);
    if (d == "/") break;
  }
  std::shared_ptr<Inode> inode = Lookup(path);
  if (inode == nullptr) inode = std::make_shared<Inode>();
  inode->data = std::move(data);
  inode->durable = inode->data;
  entries_[path] = inode;
  durable_entries_[path] = inode;
}

std::vector<std::string> SimFileSystem::Files() const {
  std::vector<std::string> files;
  for (const auto& [path, inode] : entries_) files.push_back(path);
  return files;
}

}  // namespace memdb

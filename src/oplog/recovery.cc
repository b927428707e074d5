#include "oplog/recovery.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace memdb::oplog {

namespace {

constexpr const char* kStartupHint =
    " — start-up stopped. Inspect with memdb-check-log; to start anyway, skipping damaged "
    "records, set oplog.recovery_mode: skip_corrupt (see docs/oplog.md)";

// What the directory holds, by file name.
struct DirListing {
  bool has_manifest = false;
  bool has_manifest_tmp = false;
  std::set<uint64_t> plain;
  std::set<uint64_t> compressed;
};

Result<DirListing> ListLog(FileSystem* fs, const std::string& dir) {
  auto names = fs->ListDir(dir);
  if (!names.ok()) return names.status();
  DirListing l;
  for (const std::string& name : *names) {
    const ParsedFileName p = ParseFileName(name);
    switch (p.type) {
      case FileType::kManifest:
        l.has_manifest = true;
        break;
      case FileType::kManifestTemp:
        l.has_manifest_tmp = true;
        break;
      case FileType::kPlainSegment:
        l.plain.insert(p.id);
        break;
      case FileType::kCompressedSegment:
        l.compressed.insert(p.id);
        break;
      case FileType::kOther:
        break;
    }
  }
  return l;
}

std::string PathOf(const std::string& dir, uint64_t id, SegmentKind kind) {
  return JoinPath(dir, SegmentFileName(id, kind));
}

// Replays one segment; appends damage to the report. Returns the reader (for the header and
// the torn tail) or the error that stops recovery.
Result<std::unique_ptr<SegmentReader>> ReplaySegment(FileSystem* fs, const SegmentRef& seg,
                                                     const RecoveryOptions& options, bool is_tail,
                                                     const RecordVisitor& visit,
                                                     RecoveryReport* report) {
  auto opened = SegmentReader::Open(fs, seg, SegmentReaderOptions{options.mode, is_tail});
  if (!opened.ok()) return opened.status();
  std::unique_ptr<SegmentReader> reader = std::move(opened).value();
  Record record;
  uint64_t offset = 0;
  while (true) {
    const SegmentReader::Next n = reader->Read(&record, &offset);
    if (n == SegmentReader::Next::kEnd) break;
    if (n == SegmentReader::Next::kError) {
      return Status(reader->status().code(),
                    "operation log: " + reader->status().message() +
                        (reader->status().code() == Code::kCorruption ? kStartupHint : ""));
    }
    ++report->records_replayed;
    report->max_timestamp = std::max(report->max_timestamp, record.version.timestamp);
    visit(record, seg, offset);
  }
  for (const Damage& d : reader->skipped()) {
    report->skipped.push_back(DamagedRegion{seg.path, d.offset, d.length, d.reason});
    report->skipped_bytes += d.length;
    report->warnings.push_back("operation log: skipped " + std::to_string(d.length) +
                               " damaged bytes of " + seg.path + " at offset " +
                               std::to_string(d.offset) + " (" + d.reason + ")");
  }
  ++report->segments_replayed;
  report->bytes_replayed += reader->file_size();
  return reader;
}

Status SyncFile(FileSystem* fs, const std::string& path) {
  auto file = fs->OpenWritable(path, OpenMode::kAppend);
  if (!file.ok()) return file.status();
  if (Status s = (*file)->Sync(); !s.ok()) return s;
  return (*file)->Close();
}

}  // namespace

WriterStart RecoveryReport::writer_start() const {
  WriterStart start;
  start.next_segment_id = next_segment_id;
  start.prev_segment_id = last_plain_id;
  start.manifest = manifest;
  start.sealed_tail = tail;
  return start;
}

bool ApplyToStore(const Record& record, Store* store) {
  if (record.type == RecordType::kDelete) return store->Delete(record.key, record.version).applied;
  return store->Put(record.key, record.value, record.version).applied;
}

Result<RecoveryReport> ReplayLog(FileSystem* fs, const RecoveryOptions& options,
                                 const RecordVisitor& visit) {
  RecoveryReport report;
  const std::string& dir = options.dir;
  if (options.repair) {
    if (Status s = fs->CreateDir(dir); !s.ok()) return s;
  }
  auto listing = ListLog(fs, dir);
  if (!listing.ok()) return listing.status();
  DirListing& l = *listing;

  // ---- the manifest ----
  if (l.has_manifest) {
    auto m = ReadManifest(fs, dir);
    if (!m.ok()) return Status(m.status().code(), dir + "/" + m.status().message() + kStartupHint);
    report.manifest = std::move(m).value();
  } else if (!l.plain.empty() || !l.compressed.empty()) {
    return Status(Code::kCorruption, dir + "/MANIFEST is missing but the directory holds " +
                                         std::to_string(l.plain.size() + l.compressed.size()) +
                                         " segment files" + kStartupHint);
  } else {
    report.manifest.generation = 1;
    report.manifest.tail_from_id = 1;
    report.created = true;
    if (options.repair) {
      if (Status s = WriteManifest(fs, dir, report.manifest); !s.ok()) return s;
    }
  }
  const Manifest& manifest = report.manifest;

  // ---- classify the files ----
  uint64_t max_id = manifest.tail_from_id > 0 ? manifest.tail_from_id - 1 : 0;
  std::set<std::pair<uint64_t, SegmentKind>> listed;
  for (const ManifestEntry& e : manifest.segments) {
    listed.insert({e.id, e.kind});
    max_id = std::max(max_id, e.id);
  }
  std::vector<std::string> leftovers;
  if (l.has_manifest_tmp) leftovers.push_back(JoinPath(dir, kManifestTempFileName));
  for (uint64_t id : l.compressed) {
    max_id = std::max(max_id, id);
    if (listed.count({id, SegmentKind::kCompressed}) == 0) {
      leftovers.push_back(PathOf(dir, id, SegmentKind::kCompressed));
    }
  }
  std::vector<uint64_t> tail;
  for (uint64_t id : l.plain) {
    max_id = std::max(max_id, id);
    if (id >= manifest.tail_from_id) {
      tail.push_back(id);
    } else if (listed.count({id, SegmentKind::kPlain}) == 0) {
      leftovers.push_back(PathOf(dir, id, SegmentKind::kPlain));
    }
  }
  report.next_segment_id = max_id + 1;
  report.leftover_files = leftovers;

  // ---- leftovers of an interrupted seal / compaction ----
  if (options.repair && !leftovers.empty()) {
    for (const std::string& path : leftovers) {
      if (Status s = fs->Remove(path); !s.ok() && s.code() != Code::kNotFound) return s;
      report.removed_files.push_back(path);
      report.warnings.push_back("operation log: removed " + path +
                                " (left over by an interrupted seal or compaction)");
    }
    if (Status s = fs->SyncDir(dir); !s.ok()) return s;
  }

  // ---- replay the manifest's segments ----
  for (const ManifestEntry& e : manifest.segments) {
    const SegmentRef seg{PathOf(dir, e.id, e.kind), e.id, e.kind};
    const bool present =
        e.kind == SegmentKind::kPlain ? l.plain.count(e.id) != 0 : l.compressed.count(e.id) != 0;
    if (!present) {
      if (options.mode == ReadMode::kStrict) {
        return Status(Code::kCorruption, "operation log: the manifest lists " + seg.path +
                                             ", which is missing" + kStartupHint);
      }
      report.skipped.push_back(DamagedRegion{seg.path, 0, e.file_size, "missing file"});
      report.skipped_bytes += e.file_size;
      report.warnings.push_back("operation log: " + seg.path +
                                " is listed in the manifest but missing; its " +
                                std::to_string(e.record_count) + " records are lost");
      continue;
    }
    auto reader = ReplaySegment(fs, seg, options, /*is_tail=*/false, visit, &report);
    if (!reader.ok()) return reader.status();
  }

  // ---- replay the tail ----
  uint64_t prev_id = 0;
  for (size_t i = 0; i < tail.size(); ++i) {
    const uint64_t id = tail[i];
    const bool last = i + 1 == tail.size();
    const SegmentRef seg{PathOf(dir, id, SegmentKind::kPlain), id, SegmentKind::kPlain};
    auto replayed = ReplaySegment(fs, seg, options, last, visit, &report);
    if (!replayed.ok()) return replayed.status();
    const SegmentReader& reader = **replayed;

    // The header chain: each tail segment names the one written before it.
    if (i > 0 && reader.header() && reader.header()->prev_segment_id != prev_id) {
      const std::string msg = "operation log: " + seg.path + " follows segment " +
                              std::to_string(reader.header()->prev_segment_id) +
                              ", but the segment before it on disk is " + std::to_string(prev_id);
      if (options.mode == ReadMode::kStrict) return Status(Code::kCorruption, msg + kStartupHint);
      report.skipped.push_back(DamagedRegion{seg.path, 0, 0, "a segment before it is missing"});
      report.warnings.push_back(msg + " (a segment is missing; continuing in skip mode)");
    }
    prev_id = id;

    uint64_t size = reader.file_size();
    bool removed = false;
    if (reader.torn_tail()) {
      const Damage& torn = *reader.torn_tail();
      report.torn_tail = DamagedRegion{seg.path, torn.offset, torn.length, torn.reason};
      const bool headerless = torn.offset < kSegmentHeaderSize;
      if (options.repair) {
        if (headerless) {
          if (Status s = fs->Remove(seg.path); !s.ok()) return s;
          if (Status s = fs->SyncDir(dir); !s.ok()) return s;
          removed = true;
        } else if (Status s = fs->Truncate(seg.path, torn.offset); !s.ok()) {
          return s;
        }
        report.torn_tail_repaired = true;
      }
      size = torn.offset;
      report.warnings.push_back(
          "operation log: torn tail in " + seg.path + " at offset " + std::to_string(torn.offset) +
          " (" + torn.reason + "): " + std::to_string(torn.length) + " bytes " +
          (options.repair ? (removed ? "dropped, file removed (it had no complete header)"
                                     : "dropped, file truncated")
                          : "to drop"));
    }
    if (!removed) {
      // Under fsync interval/never, the last segment may hold bytes that reached the kernel
      // but not the disk (the process was killed, the machine was not). They were just
      // replayed and will be served: make them durable before a new segment follows this one,
      // or a later power loss could tear a segment that is no longer the last.
      if (last && options.repair && !reader.torn_tail()) {
        if (Status s = SyncFile(fs, seg.path); !s.ok()) return s;
      }
      report.tail.push_back(SealedSegment{id, size});
      report.last_plain_id = id;
    }
  }
  return report;
}

Result<RecoveryReport> Recover(FileSystem* fs, const RecoveryOptions& options, Store* store) {
  uint64_t applied = 0;
  auto report = ReplayLog(fs, options, [&](const Record& r, const SegmentRef&, uint64_t) {
    if (ApplyToStore(r, store)) ++applied;
  });
  if (!report.ok()) return report;
  report->records_applied = applied;
  return report;
}

}  // namespace memdb::oplog

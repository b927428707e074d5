#include "oplog/catchup_reader.h"

#include <memory>

#include "oplog/segment_reader.h"

namespace memdb::oplog {

namespace {

// Reads one segment, delivering matching records. False when the callback stopped.
Result<bool> ReadSegment(FileSystem* fs, const SegmentRef& seg, bool live, Timestamp since,
                         const HashRange& range, const CatchupCallback& callback,
                         CatchupStats* stats) {
  auto opened = SegmentReader::Open(fs, seg, SegmentReaderOptions{ReadMode::kStrict, live});
  if (!opened.ok()) return opened.status();
  std::unique_ptr<SegmentReader> reader = std::move(opened).value();
  ++stats->segments_read;
  Record r;
  const bool all_keys = range.begin == range.end;
  while (true) {
    const SegmentReader::Next next = reader->Read(&r);
    if (next == SegmentReader::Next::kEnd) return true;
    if (next == SegmentReader::Next::kError) return reader->status();
    ++stats->records_scanned;
    if (r.version.timestamp <= since) continue;
    if (!all_keys && !range.Contains(KeyHash(r.key))) continue;
    ++stats->records_delivered;
    if (!callback(r)) return false;
  }
}

}  // namespace

Result<CatchupStats> ReadSince(FileSystem* fs, const SegmentSet& segments, Timestamp since,
                               HashRange range, const CatchupCallback& callback) {
  CatchupStats stats;
  if (since < segments.manifest.compacted_through) {
    stats.outcome = CatchupOutcome::kTooOld;
    return stats;
  }
  for (const ManifestEntry& e : segments.manifest.segments) {
    if (e.record_count == 0 || e.max_ts <= since) {
      ++stats.segments_skipped;
      continue;
    }
    const SegmentRef seg{JoinPath(segments.dir, SegmentFileName(e.id, e.kind)), e.id, e.kind};
    auto more = ReadSegment(fs, seg, /*live=*/false, since, range, callback, &stats);
    if (!more.ok()) return more.status();
    if (!*more) {
      stats.outcome = CatchupOutcome::kStopped;
      return stats;
    }
  }
  for (size_t i = 0; i < segments.plain_ids.size(); ++i) {
    const uint64_t id = segments.plain_ids[i];
    const bool open = i >= segments.first_open;
    const SegmentRef seg{JoinPath(segments.dir, SegmentFileName(id, SegmentKind::kPlain)), id,
                         SegmentKind::kPlain};
    auto more = ReadSegment(fs, seg, open, since, range, callback, &stats);
    if (!more.ok()) {
      // A segment being written may not exist yet (its first batch is still queued).
      if (open && more.status().code() == Code::kNotFound) break;
      return more.status();
    }
    if (!*more) {
      stats.outcome = CatchupOutcome::kStopped;
      return stats;
    }
  }
  return stats;
}

}  // namespace memdb::oplog

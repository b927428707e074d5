#include "oplog/catchup_reader.h"

#include <algorithm>
#include <memory>

#include "oplog/segment_reader.h"

namespace memdb::oplog {

// ---------------------------------------------------------------------------------------------
// HashRangeSet
// ---------------------------------------------------------------------------------------------

HashRangeSet::HashRangeSet(const std::vector<HashRange>& ranges) {
  // (begin, end] as closed intervals: [begin + 1, end], split in two when it wraps.
  for (const HashRange& r : ranges) {
    if (r.begin == r.end) {
      all_ = true;
      intervals_.clear();
      return;
    }
    if (r.begin < r.end) {
      intervals_.emplace_back(r.begin + 1, r.end);
    } else {
      if (r.begin != UINT64_MAX) intervals_.emplace_back(r.begin + 1, UINT64_MAX);
      intervals_.emplace_back(0, r.end);
    }
  }
  std::sort(intervals_.begin(), intervals_.end());
  std::vector<std::pair<uint64_t, uint64_t>> merged;
  for (const auto& iv : intervals_) {
    if (!merged.empty() &&
        (merged.back().second == UINT64_MAX || iv.first <= merged.back().second + 1)) {
      merged.back().second = std::max(merged.back().second, iv.second);
    } else {
      merged.push_back(iv);
    }
  }
  if (merged.size() == 1 && merged[0].first == 0 && merged[0].second == UINT64_MAX) {
    all_ = true;
    merged.clear();
  }
  intervals_ = std::move(merged);
}

bool HashRangeSet::Contains(uint64_t hash) const {
  if (all_) return true;
  // The last interval starting at or before `hash`.
  auto it = std::upper_bound(intervals_.begin(), intervals_.end(), hash,
                             [](uint64_t h, const auto& iv) { return h < iv.first; });
  if (it == intervals_.begin()) return false;
  --it;
  return hash <= it->second;
}

bool HashRangeSet::ContainsRange(HashRange range) const {
  if (all_) return true;
  if (range.begin == range.end) return false;  // the whole ring, and the set is not
  auto inside = [this](uint64_t lo, uint64_t hi) {
    auto it = std::upper_bound(intervals_.begin(), intervals_.end(), lo,
                               [](uint64_t h, const auto& iv) { return h < iv.first; });
    if (it == intervals_.begin()) return false;
    --it;
    return hi <= it->second;
  };
  if (range.begin < range.end) return inside(range.begin + 1, range.end);
  return (range.begin == UINT64_MAX || inside(range.begin + 1, UINT64_MAX)) && inside(0, range.end);
}

namespace {

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

struct SegmentToRead {
  SegmentRef ref;
  bool open = false;  // still being written
  bool skip = false;  // nothing newer than `since` in it (from the manifest)
};

// Every segment in replay order: the manifest's, then the plain ones.
std::vector<SegmentToRead> ReadOrder(const SegmentSet& segments, Timestamp since) {
  std::vector<SegmentToRead> order;
  order.reserve(segments.manifest.segments.size() + segments.plain_ids.size());
  for (const ManifestEntry& e : segments.manifest.segments) {
    order.push_back(
        {SegmentRef{JoinPath(segments.dir, SegmentFileName(e.id, e.kind)), e.id, e.kind}, false,
         e.record_count == 0 || e.max_ts <= since});
  }
  for (size_t i = 0; i < segments.plain_ids.size(); ++i) {
    const uint64_t id = segments.plain_ids[i];
    order.push_back({SegmentRef{JoinPath(segments.dir, SegmentFileName(id, SegmentKind::kPlain)),
                                id, SegmentKind::kPlain},
                     i >= segments.first_open, false});
  }
  return order;
}

// Reads one segment from record `first` on, delivering matching records. False when the
// callback stopped (`stats->resume` then names the refused record).
Result<bool> ReadSegment(FileSystem* fs, const SegmentToRead& seg, uint64_t first,
                         const CatchupRead& read, const CatchupCallback& callback,
                         CatchupStats* stats) {
  auto opened = SegmentReader::Open(fs, seg.ref, SegmentReaderOptions{ReadMode::kStrict, seg.open});
  if (!opened.ok()) return opened.status();
  std::unique_ptr<SegmentReader> reader = std::move(opened).value();
  ++stats->segments_read;
  Record r;
  for (uint64_t index = 0;; ++index) {
    const SegmentReader::Next next = reader->Read(&r);
    if (next == SegmentReader::Next::kEnd) return true;
    if (next == SegmentReader::Next::kError) return reader->status();
    if (index < first) continue;  // delivered by an earlier page
    if (stats->records_scanned >= read.max_scanned) {
      stats->resume = CatchupCursor{seg.ref.id, index};
      return false;
    }
    ++stats->records_scanned;
    if (r.version.timestamp <= read.since) continue;
    if (!read.ranges.all() && !read.ranges.Contains(KeyHash(r.key))) continue;
    if (!callback(r)) {
      stats->resume = CatchupCursor{seg.ref.id, index};
      return false;
    }
    ++stats->records_delivered;
  }
}

}  // namespace

Result<CatchupStats> ReadSince(FileSystem* fs, const SegmentSet& segments, const CatchupRead& read,
                               const CatchupCallback& callback) {
  CatchupStats stats;
  if (read.since < segments.manifest.compacted_through) {
    stats.outcome = CatchupOutcome::kTooOld;
    return stats;
  }
  const std::vector<SegmentToRead> order = ReadOrder(segments, read.since);
  size_t start = 0;
  uint64_t first_record = 0;
  if (!read.cursor.at_start()) {
    auto it = std::find_if(order.begin(), order.end(), [&](const SegmentToRead& s) {
      return s.ref.id == read.cursor.segment_id;
    });
    if (it == order.end()) {
      stats.outcome = CatchupOutcome::kCursorGone;
      return stats;
    }
    start = static_cast<size_t>(it - order.begin());
    first_record = read.cursor.record;
  }
  if (read.ranges.empty()) return stats;
  for (size_t i = start; i < order.size(); ++i) {
    const SegmentToRead& seg = order[i];
    if (seg.skip) {
      ++stats.segments_skipped;
      continue;
    }
    auto more = ReadSegment(fs, seg, i == start ? first_record : 0, read, callback, &stats);
    if (!more.ok()) {
      // A segment being written may not exist yet (its first batch is still queued).
      if (seg.open && more.status().code() == Code::kNotFound) break;
      return more.status();
    }
    if (!*more) {
      stats.outcome = CatchupOutcome::kStopped;
      return stats;
    }
  }
  return stats;
}

Result<CatchupStats> ReadSince(FileSystem* fs, const SegmentSet& segments, Timestamp since,
                               HashRange range, const CatchupCallback& callback) {
  return ReadSince(fs, segments, CatchupRead{since, HashRangeSet({range}), CatchupCursor{}},
                   callback);
}

}  // namespace memdb::oplog

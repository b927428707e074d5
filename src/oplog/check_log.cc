#include "oplog/check_log.h"

#include <cstdio>
#include <map>
#include <vector>

#include "oplog/segment_format.h"

namespace memdb::oplog {

namespace {

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string FormatTimestamp(Timestamp ts) {
  return std::to_string(HlcMillis(ts)) + "." + std::to_string(HlcLogical(ts));
}

std::string DescribeRegion(const DamagedRegion& d) {
  return d.path + " at offset " + std::to_string(d.offset) + ": " + d.reason + " (" +
         std::to_string(d.length) + " bytes)";
}

// One step of a fix.
struct FixAction {
  enum Kind { kRepairTail, kTruncate, kRemove } kind;
  std::string path;
  uint64_t offset = 0;
};

Result<std::vector<FixAction>> ComputeFix(const CheckReport& report, const FixOptions& options) {
  std::vector<FixAction> actions;
  switch (report.verdict) {
    case CheckVerdict::kClean:
      return actions;
    case CheckVerdict::kUnreadable:
      return Status(Code::kInvalidArgument,
                    "the log cannot be read (" + report.error.ToString() +
                        "); --fix does not rebuild a manifest: restore it from a backup or move "
                        "the directory away and let the node catch up from its peers");
    case CheckVerdict::kTornTail: {
      const DamagedRegion& t = *report.scan.torn_tail;
      actions.push_back(FixAction{FixAction::kRepairTail, t.path, t.offset});
      return actions;
    }
    case CheckVerdict::kCorrupt:
      break;
  }
  const DamagedRegion& d = *report.first_damage;
  if (!options.truncate_at_first_error) {
    return Status(Code::kInvalidArgument,
                  "damage in the middle of the log: " + DescribeRegion(d) +
                      ". Refusing to cut the valid records after it. Either start memdb with "
                      "oplog.recovery_mode: skip_corrupt (skips only the damaged bytes), or "
                      "rerun with --truncate-at-first-error to drop everything from this point on");
  }
  const ParsedFileName name = ParseFileName(BaseName(d.path));
  if (name.type != FileType::kPlainSegment || name.id < report.scan.manifest.tail_from_id) {
    return Status(Code::kInvalidArgument,
                  "the first damage is in a sealed segment listed by the manifest (" +
                      DescribeRegion(d) +
                      "), which cannot be truncated. Start memdb with oplog.recovery_mode: "
                      "skip_corrupt: it replays every valid block, and the next compaction "
                      "rewrites the segment without the damage");
  }
  if (d.offset < kSegmentHeaderSize) {
    actions.push_back(FixAction{FixAction::kRemove, d.path, 0});
  } else {
    actions.push_back(FixAction{FixAction::kTruncate, d.path, d.offset});
  }
  const std::string dir = d.path.substr(0, d.path.size() - BaseName(d.path).size());
  for (const SealedSegment& s : report.scan.tail) {
    if (s.id > name.id) {
      actions.push_back(
          FixAction{FixAction::kRemove, dir + SegmentFileName(s.id, SegmentKind::kPlain), 0});
    }
  }
  // A torn (and so not in scan.tail) last segment after the damage goes too.
  if (report.scan.torn_tail && report.scan.torn_tail->path != d.path) {
    const ParsedFileName torn = ParseFileName(BaseName(report.scan.torn_tail->path));
    bool listed = false;
    for (const FixAction& a : actions) listed |= a.path == report.scan.torn_tail->path;
    if (torn.id > name.id && !listed) {
      actions.push_back(FixAction{FixAction::kRemove, report.scan.torn_tail->path, 0});
    }
  }
  return actions;
}

std::string Describe(const FixAction& a) {
  switch (a.kind) {
    case FixAction::kRepairTail:
      return "truncate the torn tail of " + a.path + " at offset " + std::to_string(a.offset);
    case FixAction::kTruncate:
      return "truncate " + a.path + " at offset " + std::to_string(a.offset) +
             " (drops every record from there on)";
    case FixAction::kRemove:
      return "remove " + a.path;
  }
  return "?";
}

}  // namespace

const char* CheckVerdictName(CheckVerdict verdict) {
  switch (verdict) {
    case CheckVerdict::kClean:
      return "clean";
    case CheckVerdict::kTornTail:
      return "torn tail";
    case CheckVerdict::kCorrupt:
      return "corrupt";
    case CheckVerdict::kUnreadable:
      return "unreadable";
  }
  return "?";
}

int ExitCodeFor(CheckVerdict verdict) {
  switch (verdict) {
    case CheckVerdict::kClean:
      return 0;
    case CheckVerdict::kTornTail:
    case CheckVerdict::kCorrupt:
      return 1;
    case CheckVerdict::kUnreadable:
      return 2;
  }
  return 2;
}

std::string EscapeBytes(std::string_view bytes, size_t max_bytes) {
  std::string out;
  const size_t n = bytes.size() < max_bytes ? bytes.size() : max_bytes;
  out.reserve(n + 2);
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out.append(hex);
    }
  }
  if (bytes.size() > n) out += "...(+" + std::to_string(bytes.size() - n) + " bytes)";
  return out;
}

CheckReport CheckLog(FileSystem* fs, const CheckOptions& options, const LineSink& out) {
  CheckReport report;
  const RecoveryOptions scan_options{options.dir, ReadMode::kSkipCorrupt, /*repair=*/false};
  std::string line;
  auto scan =
      ReplayLog(fs, scan_options, [&](const Record& r, const SegmentRef& seg, uint64_t offset) {
        if (!options.dump) return;
        line = BaseName(seg.path);
        line += seg.kind == SegmentKind::kPlain ? ":" : ":block@";
        line += std::to_string(offset);
        line += r.type == RecordType::kPut ? " PUT" : " DEL";
        line += " ts=" + FormatTimestamp(r.version.timestamp);
        line += " node=" + std::to_string(r.version.node_id);
        line += " key=\"" + EscapeBytes(r.key) + "\"";
        if (r.type == RecordType::kPut) {
          line += " value_len=" + std::to_string(r.value.size());
          if (options.show_values) line += " value=\"" + EscapeBytes(r.value) + "\"";
        }
        out(line);
      });
  if (!scan.ok()) {
    report.verdict = CheckVerdict::kUnreadable;
    report.error = scan.status();
    out("UNREADABLE: " + scan.status().ToString());
    return report;
  }
  report.scan = std::move(scan).value();
  const RecoveryReport& s = report.scan;
  if (s.created) {
    report.verdict = CheckVerdict::kUnreadable;
    report.error = Status(Code::kNotFound, options.dir + " holds no operation log");
    out("UNREADABLE: " + report.error.ToString());
    return report;
  }

  out("log " + options.dir + ": manifest generation " + std::to_string(s.manifest.generation) +
      ", " + std::to_string(s.manifest.segments.size()) + " sealed segment(s), tail from " +
      std::to_string(s.manifest.tail_from_id) + ", compacted through " +
      FormatTimestamp(s.manifest.compacted_through));
  out("read " + std::to_string(s.segments_replayed) + " segment(s), " +
      std::to_string(s.bytes_replayed) + " bytes, " + std::to_string(s.records_replayed) +
      " valid record(s), max timestamp " + FormatTimestamp(s.max_timestamp));
  for (const DamagedRegion& d : s.skipped) out("CORRUPT: " + DescribeRegion(d));
  if (s.torn_tail) {
    out("TORN TAIL: " + DescribeRegion(*s.torn_tail) +
        "; memdb truncates it at start-up, --fix does it now");
  }
  for (const std::string& f : s.leftover_files) {
    out("note: " + f + " is left over by an interrupted seal or compaction (start-up removes it)");
  }
  if (!s.skipped.empty()) {
    report.verdict = CheckVerdict::kCorrupt;
    report.first_damage = s.skipped.front();
    out("verdict: CORRUPT — memdb will refuse to start (strict recovery); first damage: " +
        DescribeRegion(*report.first_damage));
  } else if (s.torn_tail) {
    report.verdict = CheckVerdict::kTornTail;
    out("verdict: TORN TAIL — every record before it is intact");
  } else {
    report.verdict = CheckVerdict::kClean;
    out("verdict: OK");
  }
  return report;
}

Result<std::vector<std::string>> PlanFix(const CheckReport& report, const FixOptions& options) {
  auto actions = ComputeFix(report, options);
  if (!actions.ok()) return actions.status();
  std::vector<std::string> lines;
  for (const FixAction& a : *actions) lines.push_back(Describe(a));
  return lines;
}

Status FixLog(FileSystem* fs, const std::string& dir, const CheckReport& report,
              const FixOptions& options, const LineSink& out) {
  auto actions = ComputeFix(report, options);
  if (!actions.ok()) return actions.status();
  bool changed_dir = false;
  for (const FixAction& a : *actions) {
    out(Describe(a));
    switch (a.kind) {
      case FixAction::kRepairTail: {
        // Exactly what start-up does: strict replay with repairs.
        auto r = ReplayLog(fs, RecoveryOptions{dir, ReadMode::kStrict, /*repair=*/true},
                           [](const Record&, const SegmentRef&, uint64_t) {});
        if (!r.ok()) return r.status();
        for (const std::string& w : r->warnings) out(w);
        break;
      }
      case FixAction::kTruncate:
        if (Status s = fs->Truncate(a.path, a.offset); !s.ok()) return s;
        break;
      case FixAction::kRemove:
        if (Status s = fs->Remove(a.path); !s.ok() && s.code() != Code::kNotFound) return s;
        changed_dir = true;
        break;
    }
  }
  if (changed_dir) return fs->SyncDir(dir);
  return Status::Ok();
}

}  // namespace memdb::oplog

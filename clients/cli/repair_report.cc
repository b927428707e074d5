#include "clients/cli/repair_report.h"

#include <cstdio>
#include <utility>
#include <vector>

#include "clients/cli/escape.h"

namespace memdb::cli {
namespace {

// "512 B", "3.2 KiB", "1.0 MiB", "2.5 GiB"
std::string FormatBytes(uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes) / 1024.0;
  size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
    value /= 1024.0;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f %s", value, kUnits[unit]);
  return buf;
}

// "3.5 s"
std::string FormatSeconds(uint64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f s", static_cast<double>(ms) / 1000.0);
  return buf;
}

// "30.0%": done / total; a finished run with nothing to compare is complete.
std::string FormatPercent(const RepairProgress& p) {
  double percent = 0;
  if (p.ranges_total > 0) {
    percent = 100.0 * static_cast<double>(p.ranges_done) / static_cast<double>(p.ranges_total);
  } else if (!p.running) {
    percent = 100.0;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f%%", percent);
  return buf;
}

std::string_view StateWord(const RepairProgress& p) {
  if (!p.running) return "done";
  return p.started_now ? "started" : "running";
}

// The fields in wire order, for --raw.
std::vector<std::pair<std::string_view, uint64_t>> Counters(const RepairProgress& p) {
  return {{"running", p.running ? 1 : 0},
          {"started_now", p.started_now ? 1 : 0},
          {"run_id", p.run_id},
          {"ranges_total", p.ranges_total},
          {"ranges_done", p.ranges_done},
          {"ranges_failed", p.ranges_failed},
          {"leaves_different", p.leaves_different},
          {"keys_pulled", p.keys_pulled},
          {"keys_pushed", p.keys_pushed},
          {"bytes_transferred", p.bytes_transferred},
          {"elapsed_ms", p.elapsed_ms}};
}

}  // namespace

std::string RepairProgressLine(const RepairProgress& p) {
  if (p.run_id == 0 && !p.running) return "no repair has run on this node";
  return "repair run " + std::to_string(p.run_id) + " " + std::string(StateWord(p)) + ": " +
         std::to_string(p.ranges_done) + "/" + std::to_string(p.ranges_total) + " ranges (" +
         FormatPercent(p) + "), " + std::to_string(p.ranges_failed) + " failed, " +
         std::to_string(p.keys_pulled) + " keys pulled, " + std::to_string(p.keys_pushed) +
         " pushed, " + FormatBytes(p.bytes_transferred) + ", " + FormatSeconds(p.elapsed_ms);
}

std::string RepairProgressJson(const RepairProgress& p) {
  return "{\"running\":" + JsonBool(p.running) + ",\"started_now\":" + JsonBool(p.started_now) +
         ",\"run_id\":" + JsonU64(p.run_id) + ",\"ranges_total\":" + JsonU64(p.ranges_total) +
         ",\"ranges_done\":" + JsonU64(p.ranges_done) +
         ",\"ranges_failed\":" + JsonU64(p.ranges_failed) +
         ",\"leaves_different\":" + JsonU64(p.leaves_different) +
         ",\"keys_pulled\":" + JsonU64(p.keys_pulled) +
         ",\"keys_pushed\":" + JsonU64(p.keys_pushed) +
         ",\"bytes_transferred\":" + JsonU64(p.bytes_transferred) +
         ",\"elapsed_ms\":" + JsonU64(p.elapsed_ms) +
         ",\"last_error\":" + JsonString(p.last_error) + "}";
}

Reply RepairReport(const RepairProgress& p) {
  std::string human = RepairProgressLine(p) + "\n";
  if (!p.last_error.empty()) human += "last error: " + EscapeText(p.last_error) + "\n";
  std::string raw;
  for (const auto& [name, value] : Counters(p)) {
    raw += std::string(name) + "\t" + std::to_string(value) + "\n";
  }
  raw += "last_error\t" + EscapeText(p.last_error) + "\n";
  return Reply::Report(std::move(human), std::move(raw), "\"repair\":" + RepairProgressJson(p));
}

}  // namespace memdb::cli

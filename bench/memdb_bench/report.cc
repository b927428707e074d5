#include "memdb_bench/report.h"

#include <cstdarg>
#include <cstdio>

namespace memdb::bench {

namespace {

// printf into a std::string.
void Appendf(std::string* out, const char* format, ...) __attribute__((format(printf, 2, 3)));
void Appendf(std::string* out, const char* format, ...) {
  char buffer[512];
  va_list args;
  va_start(args, format);
  va_list again;
  va_copy(again, args);
  const int n = std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  if (n > 0 && static_cast<size_t>(n) < sizeof buffer) {
    out->append(buffer, static_cast<size_t>(n));
  } else if (n > 0) {  // did not fit: format again straight into `out`
    const size_t old_size = out->size();
    out->resize(old_size + static_cast<size_t>(n) + 1);
    std::vsnprintf(out->data() + old_size, static_cast<size_t>(n) + 1, format, again);
    out->resize(old_size + static_cast<size_t>(n));
  }
  va_end(again);
}

double Micros(uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

double OpsPerSecond(const CommandStats& stats, double duration_s) {
  return duration_s > 0 ? static_cast<double>(stats.replies) / duration_s : 0.0;
}

struct Percentile {
  const char* json_name;
  const char* text_name;
  double value;
};
constexpr Percentile kPercentiles[] = {
    {"p50", "p50", 50.0}, {"p90", "p90", 90.0}, {"p99", "p99", 99.0}, {"p99_9", "p99.9", 99.9}};

std::string Ratio(const Options& o) {
  return std::to_string(o.workload.ratio_sets) + ":" + std::to_string(o.workload.ratio_gets);
}

// Length of the valid UTF-8 sequence at s[i], or 0 if there is none.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = byte(i);
  size_t len = 0;
  uint32_t min = 0;
  uint32_t cp = 0;
  if (b >= 0xC2 && b <= 0xDF) {
    len = 2, min = 0x80, cp = b & 0x1F;
  } else if (b >= 0xE0 && b <= 0xEF) {
    len = 3, min = 0x800, cp = b & 0x0F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    len = 4, min = 0x10000, cp = b & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

void AppendJsonStats(std::string* out, const char* name, const CommandStats& stats,
                     double duration_s) {
  const Histogram& h = stats.latency;
  Appendf(out,
          "\"%s\":{\"requests\":%llu,\"errors\":%llu,\"misses\":%llu,\"ops_per_sec\":%.1f,"
          "\"latency_us\":{\"min\":%.3f,\"mean\":%.3f",
          name, static_cast<unsigned long long>(stats.replies),
          static_cast<unsigned long long>(stats.errors),
          static_cast<unsigned long long>(stats.misses), OpsPerSecond(stats, duration_s),
          Micros(h.min()), h.mean() / 1000.0);
  for (const Percentile& p : kPercentiles) {
    Appendf(out, ",\"%s\":%.3f", p.json_name, Micros(h.ValueAtPercentile(p.value)));
  }
  Appendf(out, ",\"max\":%.3f}}", Micros(h.max()));
}

void AppendTextRow(std::string* out, const char* name, const CommandStats& stats,
                   double duration_s) {
  const Histogram& h = stats.latency;
  Appendf(out, "%-6s %12llu %8llu %12.1f", name, static_cast<unsigned long long>(stats.replies),
          static_cast<unsigned long long>(stats.errors), OpsPerSecond(stats, duration_s));
  for (const Percentile& p : kPercentiles) {
    Appendf(out, " %9.1f", Micros(h.ValueAtPercentile(p.value)));
  }
  Appendf(out, " %9.1f\n", Micros(h.max()));
}

}  // namespace

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      Appendf(&out, "\\u%04x", c);
    } else if (c >= 0x80) {
      const size_t len = Utf8SequenceLength(s, i);
      if (len == 0) {
        out += "\\ufffd";  // not UTF-8: replacement character
      } else {
        out.append(s.substr(i, len));
        i += len;
        continue;
      }
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
  out += '"';
  return out;
}

std::string FormatText(const RunReport& r) {
  const Options& o = r.options;
  std::string out;
  Appendf(&out, "memdb-bench: %s %s:%u, %u connection%s, %u thread%s%s, pipeline %u, SET:GET %s\n",
          ProtocolName(o.protocol), o.host.c_str(), o.port, o.connections,
          o.connections == 1 ? "" : "s", o.threads, o.threads == 1 ? "" : "s",
          o.busy_poll ? " (busy-poll)" : "", o.pipeline, Ratio(o).c_str());
  if (o.consistency != Consistency::kDefault) {
    Appendf(&out, "consistency: %s (GET_CL/SET_CL)\n",
            std::string(ConsistencyName(o.consistency)).c_str());
  }
  Appendf(&out, "workload: ");
  if (o.bounded_by_time()) {
    Appendf(&out, "%.1f s", o.duration_s);
  } else {
    Appendf(&out, "%llu requests", static_cast<unsigned long long>(o.requests));
  }
  Appendf(&out, ", keyspace %llu (%s), %u-byte keys, %zu-byte values\n",
          static_cast<unsigned long long>(o.workload.keyspace),
          o.workload.sequential ? "sequential" : "random", r.key_size, o.workload.value_size);
  Appendf(&out, "duration: %.3f s%s\n\n", r.duration_s,
          r.interrupted ? " (interrupted: partial results)" : "");
  Appendf(&out, "%-6s %12s %8s %12s %9s %9s %9s %9s %9s   latency in \xC2\xB5s\n", "", "requests",
          "errors", "ops/s", "p50", "p90", "p99", "p99.9", "max");
  for (size_t i = 0; i < kCommandCount; ++i) {
    if (r.commands[i].replies == 0) continue;
    AppendTextRow(&out, CommandName(static_cast<Command>(i)), r.commands[i], r.duration_s);
  }
  AppendTextRow(&out, "TOTAL", r.total, r.duration_s);
  const CommandStats& get = r.commands[static_cast<size_t>(Command::kGet)];
  if (get.replies > 0) {
    Appendf(&out, "\nGET misses: %llu (%.1f%%)\n", static_cast<unsigned long long>(get.misses),
            100.0 * static_cast<double>(get.misses) / static_cast<double>(get.replies));
  }
  if (!r.first_error.empty()) out += "first error reply: " + r.first_error + "\n";
  return out;
}

std::string FormatJson(const RunReport& r) {
  const Options& o = r.options;
  std::string out = "{\"tool\":\"memdb-bench\",\"schema_version\":1,\"config\":{";
  Appendf(&out, "\"protocol\":\"%s\",\"host\":%s,\"port\":%u", ProtocolName(o.protocol),
          JsonString(o.host).c_str(), o.port);
  Appendf(&out, ",\"connections\":%u,\"pipeline\":%u,\"threads\":%u", o.connections, o.pipeline,
          o.threads);
  Appendf(&out, ",\"requests\":%llu,\"duration_s\":%.3f",
          static_cast<unsigned long long>(o.requests), o.duration_s);
  Appendf(&out, ",\"keyspace\":%llu,\"key_prefix\":%s,\"key_size\":%u,\"value_size\":%zu",
          static_cast<unsigned long long>(o.workload.keyspace),
          JsonString(o.workload.key_prefix).c_str(), r.key_size, o.workload.value_size);
  Appendf(&out, ",\"ratio\":\"%s\",\"sequential\":%s,\"seed\":%llu,\"busy_poll\":%s",
          Ratio(o).c_str(), o.workload.sequential ? "true" : "false",
          static_cast<unsigned long long>(o.workload.seed), o.busy_poll ? "true" : "false");
  Appendf(&out, ",\"consistency\":\"%s\"}", std::string(ConsistencyName(o.consistency)).c_str());
  Appendf(&out, ",\"duration_s\":%.6f,\"interrupted\":%s,", r.duration_s,
          r.interrupted ? "true" : "false");
  AppendJsonStats(&out, "total", r.total, r.duration_s);
  out += ',';
  AppendJsonStats(&out, "set", r.commands[static_cast<size_t>(Command::kSet)], r.duration_s);
  out += ',';
  AppendJsonStats(&out, "get", r.commands[static_cast<size_t>(Command::kGet)], r.duration_s);
  out += ",\"first_error\":";
  out += r.first_error.empty() ? "null" : JsonString(r.first_error);
  out += "}\n";
  return out;
}

}  // namespace memdb::bench

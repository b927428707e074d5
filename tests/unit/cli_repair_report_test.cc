// memdb-cli's REPAIR progress line and report (repair_report.h), and how progress is shown on a
// terminal and elsewhere (progress.h).
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "clients/cli/output.h"
#include "clients/cli/progress.h"
#include "clients/cli/repair_report.h"

namespace memdb::cli {
namespace {

RepairProgress Running() {
  RepairProgress p;
  p.running = true;
  p.run_id = 3;
  p.ranges_total = 40;
  p.ranges_done = 12;
  p.ranges_failed = 1;
  p.leaves_different = 17;
  p.keys_pulled = 152;
  p.keys_pushed = 87;
  p.bytes_transferred = 1536 * 1024;
  p.elapsed_ms = 3456;
  return p;
}

TEST(CliRepairLine, RunningStartedAndDone) {
  RepairProgress p = Running();
  EXPECT_EQ(RepairProgressLine(p),
            "repair run 3 running: 12/40 ranges (30.0%), 1 failed, 152 keys pulled, 87 pushed, "
            "1.5 MiB, 3.5 s");
  p.started_now = true;
  EXPECT_EQ(RepairProgressLine(p).substr(0, 20), "repair run 3 started");
  p.running = false;
  p.ranges_done = 40;
  EXPECT_EQ(RepairProgressLine(p).substr(0, 45), "repair run 3 done: 40/40 ranges (100.0%), 1 f");
}

TEST(CliRepairLine, NeverRanAndNothingToCompare) {
  EXPECT_EQ(RepairProgressLine(RepairProgress()), "no repair has run on this node");
  RepairProgress empty;
  empty.run_id = 1;  // a finished run with no (range, peer) pair: complete
  EXPECT_EQ(RepairProgressLine(empty),
            "repair run 1 done: 0/0 ranges (100.0%), 0 failed, 0 keys pulled, 0 pushed, 0 B, "
            "0.0 s");
  empty.running = true;  // not planned yet
  EXPECT_NE(RepairProgressLine(empty).find("0/0 ranges (0.0%)"), std::string::npos);
}

TEST(CliRepairLine, ByteUnits) {
  RepairProgress p = Running();
  auto bytes_part = [&](uint64_t bytes) {
    p.bytes_transferred = bytes;
    const std::string line = RepairProgressLine(p);
    const size_t end = line.rfind(", ");
    const size_t start = line.rfind(", ", end - 1) + 2;
    return line.substr(start, end - start);
  };
  EXPECT_EQ(bytes_part(0), "0 B");
  EXPECT_EQ(bytes_part(1023), "1023 B");
  EXPECT_EQ(bytes_part(1024), "1.0 KiB");
  EXPECT_EQ(bytes_part(5ull << 30), "5.0 GiB");
  EXPECT_EQ(bytes_part(UINT64_MAX), "16.0 EiB");
}

TEST(CliRepairReport, HumanShowsTheLastErrorEscaped) {
  RepairProgress p = Running();
  p.last_error = "node 4: refused\n\x01";
  const Rendered r = RenderReply(RepairReport(p), FormatOptions{});
  EXPECT_EQ(r.out, RepairProgressLine(p) + "\nlast error: node 4: refused\\n\\x01\n");
}

TEST(CliRepairReport, RawIsOneFieldPerLine) {
  RepairProgress p = Running();
  FormatOptions raw;
  raw.mode = OutputMode::kRaw;
  EXPECT_EQ(RenderReply(RepairReport(p), raw).out,
            "running\t1\nstarted_now\t0\nrun_id\t3\nranges_total\t40\nranges_done\t12\n"
            "ranges_failed\t1\nleaves_different\t17\nkeys_pulled\t152\nkeys_pushed\t87\n"
            "bytes_transferred\t1572864\nelapsed_ms\t3456\nlast_error\t\n");
}

TEST(CliRepairReport, JsonHasEveryFieldAndBigNumbersAsStrings) {
  RepairProgress p = Running();
  p.bytes_transferred = UINT64_MAX;
  p.last_error = "say \"no\"";
  Reply reply = RepairReport(p);
  reply.command = "REPAIR";
  FormatOptions json;
  json.mode = OutputMode::kJson;
  EXPECT_EQ(RenderReply(reply, json).out,
            "{\"ok\":true,\"command\":\"REPAIR\",\"repair\":{\"running\":true,"
            "\"started_now\":false,\"run_id\":3,\"ranges_total\":40,\"ranges_done\":12,"
            "\"ranges_failed\":1,\"leaves_different\":17,\"keys_pulled\":152,\"keys_pushed\":87,"
            "\"bytes_transferred\":\"18446744073709551615\",\"elapsed_ms\":3456,"
            "\"last_error\":\"say \\\"no\\\"\"}}\n");
}

TEST(CliProgress, TerminalRewritesOneLineAndErasesItWhenDone) {
  std::ostringstream out;
  StreamProgress progress(out, /*terminal=*/true);
  progress.Update("one");
  progress.Update("two");
  progress.Done();
  progress.Done();  // nothing more to erase
  EXPECT_EQ(out.str(), "\r\x1b[Kone\r\x1b[Ktwo\r\x1b[K");
}

TEST(CliProgress, ElsewhereEachUpdateIsALine) {
  std::ostringstream out;
  StreamProgress progress(out, /*terminal=*/false);
  progress.Update("one");
  progress.Update("two");
  progress.Done();
  EXPECT_EQ(out.str(), "one\ntwo\n");
}

TEST(CliProgress, DoneWithoutUpdatesWritesNothing) {
  std::ostringstream out;
  StreamProgress progress(out, /*terminal=*/true);
  progress.Done();
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace memdb::cli

#include "replication/hint_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "common/sim_file_system.h"
#include "oplog/record.h"

namespace memdb {
namespace {

constexpr char kDir[] = "/data/hints";
constexpr NodeId kTarget = 2;
constexpr NodeId kOther = 3;
constexpr uint64_t kWindowMs = 10'000;

// Keys and values outlive the records that view them.
struct Hint {
  std::string key;
  std::string value;
  Timestamp timestamp;
  oplog::Record record() const {
    oplog::Record r;
    r.type = value.empty() ? oplog::RecordType::kDelete : oplog::RecordType::kPut;
    r.version = Version{timestamp, 1};
    r.key = key;
    r.value = value;
    return r;
  }
};

Hint MakeHint(int i, size_t value_size = 8) {
  std::string value(value_size, static_cast<char>('a' + i % 26));
  return Hint{"key-" + std::to_string(i), value, Timestamp{1000 + static_cast<uint64_t>(i)}};
}

class HintStoreTest : public ::testing::Test {
 protected:
  HintStoreTest() { options_.dir = kDir; }

  std::unique_ptr<HintStore> Open(uint64_t now_ms = 0) {
    auto opened = HintStore::Open(&fs_, options_, now_ms);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(opened).value() : nullptr;
  }
  static std::string PathOf(NodeId id) {
    return std::string(kDir) + "/" + std::to_string(id) + ".hints";
  }

  // Hands out every hint of `target` (at most `limit`), in order.
  static std::vector<HintToSend> TakeHints(HintStore* store, NodeId target, size_t limit = 1000,
                                           std::vector<std::string>* keys = nullptr) {
    std::vector<HintToSend> out;
    for (size_t i = 0; i < limit; ++i) {
      HintToSend hint;
      Result<bool> next = store->NextHint(target, &hint);
      EXPECT_TRUE(next.ok()) << next.status().ToString();
      if (!next.ok() || !*next) break;
      if (keys != nullptr) keys->emplace_back(hint.record.key);
      out.push_back(hint);
    }
    return out;
  }
  static std::vector<std::string> DeliverAll(HintStore* store, NodeId target) {
    std::vector<std::string> keys;
    for (const HintToSend& h : TakeHints(store, target, 1000, &keys)) {
      store->OnDelivered(target, h.id);
    }
    return keys;
  }

  SimFileSystem fs_;
  HintOptions options_;
};

TEST_F(HintStoreTest, FlushedHintsSurviveACrashUnflushedOnesDoNot) {
  std::vector<Hint> hints;
  for (int i = 0; i < 5; ++i) hints.push_back(MakeHint(i));
  hints.push_back(Hint{"deleted", "", 2000});  // a DELETE travels too
  {
    auto store = Open();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(store->Add(kTarget, hints[i].record(), 100));
    ASSERT_TRUE(store->Add(kTarget, hints[5].record(), 100));
    ASSERT_TRUE(store->Add(kOther, hints[3].record(), 100));
    ASSERT_TRUE(store->Flush().ok());
    ASSERT_TRUE(store->Add(kTarget, hints[4].record(), 100));  // never synced
    EXPECT_EQ(store->counters().pending, 6u);
    EXPECT_EQ(store->counters().stored, 6u);
  }
  fs_.Crash();
  auto store = Open(200);
  EXPECT_EQ(store->counters().reloaded, 5u);
  EXPECT_EQ(store->counters().pending, 5u);
  EXPECT_EQ(store->Targets(), (std::vector<NodeId>{kTarget, kOther}));
  std::vector<std::string> keys;
  std::vector<HintToSend> sent = TakeHints(store.get(), kTarget, 1000, &keys);
  EXPECT_EQ(keys, (std::vector<std::string>{"key-0", "key-1", "key-2", "deleted"}));
  // The record comes back whole: type, version, value.
  HintToSend last;
  store->OnDeliveryFailed(kTarget, sent.back().id);
  ASSERT_TRUE(store->NextHint(kTarget, &last).value());
  EXPECT_EQ(last.record.type, oplog::RecordType::kDelete);
  EXPECT_EQ(last.record.version, (Version{2000, 1}));
  EXPECT_EQ(store->counters().bytes,
            fs_.Contents(PathOf(kTarget)).size() + fs_.Contents(PathOf(kOther)).size());
}

TEST_F(HintStoreTest, NewFileWithoutFlushVanishesOnCrash) {
  {
    auto store = Open();
    ASSERT_TRUE(store->Add(kTarget, MakeHint(0).record(), 0));
  }
  fs_.Crash();
  auto store = Open();
  EXPECT_EQ(store->counters().pending, 0u);
  EXPECT_TRUE(store->Targets().empty());
}

TEST_F(HintStoreTest, TornTailIsDroppedCountedAndLaterHintsStayReadable) {
  {
    auto store = Open();
    ASSERT_TRUE(store->Add(kTarget, MakeHint(0).record(), 0));
    ASSERT_TRUE(store->Add(kTarget, MakeHint(1).record(), 0));
    ASSERT_TRUE(store->Flush().ok());
    ASSERT_TRUE(store->Add(kTarget, MakeHint(2, 100).record(), 0));
  }
  fs_.SetCrashKeep(PathOf(kTarget), 40);  // the third hint half written
  fs_.Crash();
  {
    auto store = Open();
    EXPECT_EQ(store->counters().torn_tails, 1u);
    EXPECT_EQ(store->counters().pending, 2u);
    // The torn bytes were cut off: a hint appended now is read back after a restart.
    ASSERT_TRUE(store->Add(kTarget, MakeHint(3).record(), 0));
    ASSERT_TRUE(store->Flush().ok());
  }
  fs_.Crash();
  auto store = Open();
  EXPECT_EQ(store->counters().torn_tails, 0u);
  EXPECT_EQ(DeliverAll(store.get(), kTarget),
            (std::vector<std::string>{"key-0", "key-1", "key-3"}));
}

TEST_F(HintStoreTest, CorruptEntryEndsTheFileThere) {
  size_t first_size = 0;
  {
    auto store = Open();
    ASSERT_TRUE(store->Add(kTarget, MakeHint(0).record(), 0));
    first_size = fs_.Contents(PathOf(kTarget)).size();
    ASSERT_TRUE(store->Add(kTarget, MakeHint(1).record(), 0));
    ASSERT_TRUE(store->Add(kTarget, MakeHint(2).record(), 0));
    ASSERT_TRUE(store->Add(kOther, MakeHint(3).record(), 0));
    ASSERT_TRUE(store->Flush().ok());
  }
  // A flipped bit in the second hint's key: its record CRC fails.
  ASSERT_TRUE(
      fs_.CorruptByte(PathOf(kTarget), first_size + HintStore::kEntryPrefixSize + 26, 1).ok());
  auto store = Open();
  EXPECT_EQ(store->counters().corrupt, 1u);
  EXPECT_EQ(store->counters().pending, 2u);  // key-0 for kTarget, key-3 for kOther
  EXPECT_EQ(fs_.Contents(PathOf(kTarget)).size(), first_size);
  EXPECT_EQ(DeliverAll(store.get(), kTarget), (std::vector<std::string>{"key-0"}));
  EXPECT_EQ(DeliverAll(store.get(), kOther), (std::vector<std::string>{"key-3"}));
}

TEST_F(HintStoreTest, CorruptEntryPrefixEndsTheFileToo) {
  size_t first_size = 0;
  {
    auto store = Open();
    ASSERT_TRUE(store->Add(kTarget, MakeHint(0).record(), 0));
    first_size = fs_.Contents(PathOf(kTarget)).size();
    ASSERT_TRUE(store->Add(kTarget, MakeHint(1).record(), 0));
    ASSERT_TRUE(store->Flush().ok());
  }
  ASSERT_TRUE(fs_.CorruptByte(PathOf(kTarget), first_size + 6, 0x80).ok());  // stored-at
  auto store = Open();
  EXPECT_EQ(store->counters().corrupt, 1u);
  EXPECT_EQ(DeliverAll(store.get(), kTarget), (std::vector<std::string>{"key-0"}));
}

TEST_F(HintStoreTest, FileTornBeforeItsMagicIsRemovedOtherFilesIgnored) {
  ASSERT_TRUE(fs_.CreateDir(kDir).ok());
  fs_.SetContents(PathOf(kTarget), "memd");
  fs_.SetContents(PathOf(kOther), "not a hint file at all");
  fs_.SetContents(std::string(kDir) + "/README", "left alone");
  fs_.SetContents(PathOf(kTarget) + ".tmp", "an interrupted rewrite");
  auto store = Open();
  EXPECT_EQ(store->counters().torn_tails, 1u);
  EXPECT_EQ(store->counters().corrupt, 1u);
  EXPECT_FALSE(fs_.Exists(PathOf(kTarget)));
  EXPECT_FALSE(fs_.Exists(PathOf(kOther)));
  EXPECT_FALSE(fs_.Exists(PathOf(kTarget) + ".tmp"));
  EXPECT_TRUE(fs_.Exists(std::string(kDir) + "/README"));
  EXPECT_TRUE(store->Targets().empty());
}

TEST_F(HintStoreTest, WindowStopsNewHintsForATargetDownTooLong) {
  options_.window_ms = kWindowMs;
  auto store = Open();
  ASSERT_TRUE(store->Add(kTarget, MakeHint(0).record(), 1000));
  ASSERT_TRUE(store->Add(kTarget, MakeHint(1).record(), 1000 + kWindowMs));  // exactly the window
  EXPECT_FALSE(store->Add(kTarget, MakeHint(2).record(), 1001 + kWindowMs));
  EXPECT_EQ(store->counters().dropped_window, 1u);
  // Another target has its own window.
  EXPECT_TRUE(store->Add(kOther, MakeHint(3).record(), 1001 + kWindowMs));
  // Once the oldest hint is delivered, the window counts from the next one.
  std::vector<HintToSend> sent = TakeHints(store.get(), kTarget, 1);
  store->OnDelivered(kTarget, sent[0].id);
  EXPECT_TRUE(store->Add(kTarget, MakeHint(4).record(), 1001 + kWindowMs));
  // Everything delivered: a new outage starts a new window.
  DeliverAll(store.get(), kTarget);
  EXPECT_TRUE(store->Add(kTarget, MakeHint(5).record(), 100'000));
  EXPECT_EQ(store->counters().dropped_window, 1u);
}

TEST_F(HintStoreTest, WindowSurvivesARestart) {
  options_.window_ms = kWindowMs;
  {
    auto store = Open(1000);
    ASSERT_TRUE(store->Add(kTarget, MakeHint(0).record(), 1000));
    ASSERT_TRUE(store->Flush().ok());
  }
  fs_.Crash();
  {
    auto store = Open(5000);
    EXPECT_TRUE(store->Add(kTarget, MakeHint(1).record(), 5000));
    EXPECT_FALSE(store->Add(kTarget, MakeHint(2).record(), 1001 + kWindowMs));
  }
  // A reboot: the monotonic clock restarted below the stored times. The window is taken as
  // closed until the target's hints are delivered.
  auto store = Open(10);
  EXPECT_FALSE(store->Add(kTarget, MakeHint(3).record(), 10));
  EXPECT_EQ(store->counters().dropped_window, 1u);
  DeliverAll(store.get(), kTarget);
  EXPECT_TRUE(store->Add(kTarget, MakeHint(4).record(), 20));
}

TEST_F(HintStoreTest, MaxBytesBoundsAllHintFilesTogether) {
  options_.max_bytes = 2000;
  auto store = Open();
  int added = 0;
  for (int i = 0; i < 40; ++i) {
    if (store->Add(i % 2 == 0 ? kTarget : kOther, MakeHint(i, 100).record(), 0)) ++added;
  }
  EXPECT_GT(added, 5);
  EXPECT_LT(added, 40);
  EXPECT_EQ(store->counters().dropped_full, static_cast<uint64_t>(40 - added));
  EXPECT_LE(store->counters().bytes, options_.max_bytes);
  EXPECT_EQ(store->counters().bytes,
            fs_.Contents(PathOf(kTarget)).size() + fs_.Contents(PathOf(kOther)).size());
  // Delivered files are removed at Flush and free their bytes.
  DeliverAll(store.get(), kTarget);
  ASSERT_TRUE(store->Flush().ok());
  EXPECT_FALSE(fs_.Exists(PathOf(kTarget)));
  EXPECT_TRUE(store->Add(kTarget, MakeHint(99, 100).record(), 0));
}

TEST_F(HintStoreTest, DeliveredHintsAreNotDeliveredAgainAfterARestart) {
  {
    auto store = Open();
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(store->Add(kTarget, MakeHint(i).record(), 0));
    std::vector<HintToSend> sent = TakeHints(store.get(), kTarget, 2);
    store->OnDelivered(kTarget, sent[0].id);
    store->OnDelivered(kTarget, sent[1].id);
    EXPECT_EQ(store->counters().delivered, 2u);
    EXPECT_EQ(store->counters().pending, 2u);
    ASSERT_TRUE(store->Flush().ok());  // records the progress
  }
  fs_.Crash();
  {
    auto store = Open();
    EXPECT_EQ(store->counters().pending, 2u);
    EXPECT_EQ(DeliverAll(store.get(), kTarget), (std::vector<std::string>{"key-2", "key-3"}));
    ASSERT_TRUE(store->Flush().ok());
    EXPECT_FALSE(fs_.Exists(PathOf(kTarget)));
    EXPECT_EQ(store->counters().bytes, 0u);
    EXPECT_TRUE(store->Targets().empty());
  }
  fs_.Crash();
  auto store = Open();
  EXPECT_TRUE(store->Targets().empty());
  EXPECT_FALSE(fs_.Exists(PathOf(kTarget)));
}

TEST_F(HintStoreTest, AcknowledgedButUnflushedHintsAreDeliveredAgain) {
  {
    auto store = Open();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(store->Add(kTarget, MakeHint(i).record(), 0));
    ASSERT_TRUE(store->Flush().ok());
    DeliverAll(store.get(), kTarget);
    EXPECT_EQ(store->counters().pending, 0u);
  }
  fs_.Crash();  // no Flush since the acks: at worst a duplicate, never a loss
  auto store = Open();
  EXPECT_EQ(DeliverAll(store.get(), kTarget),
            (std::vector<std::string>{"key-0", "key-1", "key-2"}));
}

TEST_F(HintStoreTest, FailedSendIsHandedOutAgainFirst) {
  auto store = Open();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store->Add(kTarget, MakeHint(i).record(), 0));
  std::vector<HintToSend> sent = TakeHints(store.get(), kTarget, 2);
  EXPECT_EQ(store->InFlight(kTarget), 2u);
  store->OnDeliveryFailed(kTarget, sent[0].id);
  store->OnDelivered(kTarget, sent[1].id);
  EXPECT_EQ(store->InFlight(kTarget), 0u);
  EXPECT_EQ(store->counters().delivery_failures, 1u);
  // A late duplicate answer changes nothing.
  store->OnDelivered(kTarget, sent[1].id);
  EXPECT_EQ(store->counters().delivered, 1u);
  std::vector<std::string> keys;
  std::vector<HintToSend> again = TakeHints(store.get(), kTarget, 1000, &keys);
  EXPECT_EQ(keys, (std::vector<std::string>{"key-0", "key-2"}));
  for (const HintToSend& h : again) store->OnDelivered(kTarget, h.id);
  EXPECT_EQ(store->counters().pending, 0u);
  EXPECT_EQ(store->counters().in_flight, 0u);
  EXPECT_TRUE(store->Targets().empty());
}

TEST_F(HintStoreTest, OutOfOrderAcksPersistOnlyTheContiguousPrefix) {
  {
    auto store = Open();
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(store->Add(kTarget, MakeHint(i).record(), 0));
    std::vector<HintToSend> sent = TakeHints(store.get(), kTarget, 4);
    store->OnDelivered(kTarget, sent[0].id);
    store->OnDelivered(kTarget, sent[2].id);  // key-1 still in flight
    ASSERT_TRUE(store->Flush().ok());
  }
  fs_.Crash();
  auto store = Open();
  // key-2 was acknowledged but follows an unacknowledged hint: sent again (harmless).
  EXPECT_EQ(DeliverAll(store.get(), kTarget),
            (std::vector<std::string>{"key-1", "key-2", "key-3"}));
}

TEST_F(HintStoreTest, ProgressRecordsInTheMiddleOfTheFileAreSkipped) {
  {
    auto store = Open();
    for (int i = 0; i < 2; ++i) ASSERT_TRUE(store->Add(kTarget, MakeHint(i).record(), 0));
    std::vector<HintToSend> sent = TakeHints(store.get(), kTarget, 1);
    store->OnDelivered(kTarget, sent[0].id);
    ASSERT_TRUE(store->Flush().ok());  // a DELIVERED entry after key-1
    ASSERT_TRUE(store->Add(kTarget, MakeHint(2).record(), 0));
    EXPECT_EQ(DeliverAll(store.get(), kTarget), (std::vector<std::string>{"key-1", "key-2"}));
    ASSERT_TRUE(store->Add(kTarget, MakeHint(3).record(), 0));
    ASSERT_TRUE(store->Flush().ok());
  }
  fs_.Crash();
  auto store = Open();
  EXPECT_EQ(DeliverAll(store.get(), kTarget), (std::vector<std::string>{"key-3"}));
}

TEST_F(HintStoreTest, MostlyDeliveredFileIsRewrittenKeepingHintsInFlight) {
  constexpr int kHints = 80;
  constexpr size_t kValue = 64 << 10;  // 80 x 64 KiB: past kCompactMinDeadBytes
  auto store = Open();
  for (int i = 0; i < kHints; ++i)
    ASSERT_TRUE(store->Add(kTarget, MakeHint(i, kValue).record(), 0));
  ASSERT_TRUE(store->Flush().ok());
  const size_t full_size = fs_.Contents(PathOf(kTarget)).size();
  std::vector<HintToSend> sent = TakeHints(store.get(), kTarget, 72);
  for (int i = 0; i < 70; ++i) store->OnDelivered(kTarget, sent[i].id);
  // key-70 and key-71 stay in flight across the rewrite.
  ASSERT_TRUE(store->Flush().ok());
  const size_t rewritten = fs_.Contents(PathOf(kTarget)).size();
  EXPECT_LT(rewritten, full_size / 4);
  EXPECT_EQ(store->counters().bytes, rewritten);
  EXPECT_EQ(fs_.DurableContents(PathOf(kTarget)), fs_.Contents(PathOf(kTarget)));
  EXPECT_FALSE(fs_.Exists(PathOf(kTarget) + ".tmp"));
  store->OnDelivered(kTarget, sent[70].id);
  store->OnDeliveryFailed(kTarget, sent[71].id);
  std::vector<std::string> keys;
  std::vector<HintToSend> rest = TakeHints(store.get(), kTarget, 3, &keys);
  EXPECT_EQ(keys, (std::vector<std::string>{"key-71", "key-72", "key-73"}));
  EXPECT_EQ(rest[0].record.value.size(), kValue);
  store->OnDelivered(kTarget, rest[0].id);
  ASSERT_TRUE(store->Flush().ok());
  store.reset();
  fs_.Crash();
  store = Open();
  EXPECT_EQ(store->counters().pending, 8u);  // key-72 .. key-79
  keys = DeliverAll(store.get(), kTarget);
  ASSERT_EQ(keys.size(), 8u);
  EXPECT_EQ(keys.front(), "key-72");
  EXPECT_EQ(keys.back(), "key-79");
}

// A crash at every file-system step of delivery progress, a rewrite, new hints and a removal:
// after recovery every flushed, unacknowledged hint is still there, nothing unknown appears,
// and the store opens.
TEST_F(HintStoreTest, CrashAtAnyStepLosesNoFlushedUndeliveredHint) {
  constexpr int kHints = 80;
  constexpr size_t kValue = 64 << 10;
  bool completed = false;
  for (uint64_t step = 1; !completed && step < 200; ++step) {
    options_.dir = "/data/hints-" + std::to_string(step);  // a fresh directory per run
    {
      auto store = Open();
      for (int i = 0; i < kHints; ++i) {
        ASSERT_TRUE(store->Add(kTarget, MakeHint(i, kValue).record(), 0));
      }
      ASSERT_TRUE(store->Add(kOther, MakeHint(100).record(), 0));
      ASSERT_TRUE(store->Flush().ok());
      fs_.FailAtOperation(step);
      std::vector<HintToSend> sent = TakeHints(store.get(), kTarget, 70);
      for (const HintToSend& h : sent) store->OnDelivered(kTarget, h.id);
      DeliverAll(store.get(), kOther);
      Status flushed = store->Flush();  // rewrite kTarget's file, remove kOther's
      bool added = store->Add(kTarget, MakeHint(200).record(), 0);
      flushed = flushed.ok() ? store->Flush() : flushed;
      completed = !fs_.dead() && flushed.ok() && added;
    }
    fs_.Crash();
    fs_.ClearFaults();
    auto store = Open();
    ASSERT_NE(store, nullptr) << "step " << step;
    // kOther's hint was delivered: its file is gone unless the crash undid the removal.
    if (completed) {
      EXPECT_EQ(store->Targets(), std::vector<NodeId>{kTarget});
    }
    std::vector<std::string> keys = DeliverAll(store.get(), kTarget);
    for (int i = 70; i < kHints; ++i) {
      EXPECT_NE(std::find(keys.begin(), keys.end(), "key-" + std::to_string(i)), keys.end())
          << "key-" << i << " lost at step " << step;
    }
    for (const std::string& key : keys) {
      EXPECT_TRUE(key.size() >= 5 && key.rfind("key-", 0) == 0) << key;
    }
    if (completed) {
      EXPECT_EQ(keys.size(), 11u) << "the delivered prefix was recorded";
    }
    EXPECT_EQ(store->counters().corrupt, 0u) << "step " << step;
  }
  EXPECT_TRUE(completed);
}

TEST_F(HintStoreTest, CorruptionFoundDuringDeliveryCutsTheFile) {
  auto store = Open();
  ASSERT_TRUE(store->Add(kTarget, MakeHint(0).record(), 0));
  const size_t first_size = fs_.Contents(PathOf(kTarget)).size();
  ASSERT_TRUE(store->Add(kTarget, MakeHint(1).record(), 0));
  ASSERT_TRUE(store->Add(kTarget, MakeHint(2).record(), 0));
  ASSERT_TRUE(fs_.CorruptByte(PathOf(kTarget), first_size + 30, 4).ok());
  EXPECT_EQ(DeliverAll(store.get(), kTarget), (std::vector<std::string>{"key-0"}));
  EXPECT_EQ(store->counters().corrupt, 1u);
  EXPECT_EQ(store->counters().pending, 0u);
  EXPECT_EQ(fs_.Contents(PathOf(kTarget)).size(), first_size);
  EXPECT_EQ(store->counters().bytes, first_size);
}

TEST_F(HintStoreTest, FailedAppendIsCountedAndLeavesTheFileReadable) {
  auto store = Open();
  ASSERT_TRUE(store->Add(kTarget, MakeHint(0).record(), 0));
  int appends = 0;
  fs_.SetFaultHook([&appends](const SimFileSystem::Op& op) {
    return op.kind == SimFileSystem::OpKind::kAppend && ++appends == 1;
  });
  EXPECT_FALSE(store->Add(kTarget, MakeHint(1).record(), 0));
  EXPECT_EQ(store->counters().write_errors, 1u);
  EXPECT_TRUE(store->Add(kTarget, MakeHint(2).record(), 0));
  ASSERT_TRUE(store->Flush().ok());
  store.reset();
  fs_.Crash();
  store = Open();
  EXPECT_EQ(DeliverAll(store.get(), kTarget), (std::vector<std::string>{"key-0", "key-2"}));
}

TEST_F(HintStoreTest, DisabledStoresNothing) {
  options_.enabled = false;
  auto store = Open();
  EXPECT_FALSE(store->Add(kTarget, MakeHint(0).record(), 0));
  EXPECT_TRUE(store->Targets().empty());
}

TEST_F(HintStoreTest, StatsNameEveryCounter) {
  auto store = Open();
  ASSERT_TRUE(store->Add(kTarget, MakeHint(0).record(), 0));
  std::vector<protocol::Stat> stats;
  store->AppendStats(&stats);
  auto value = [&stats](std::string_view name) -> int64_t {
    for (const protocol::Stat& s : stats) {
      if (s.name == name) return static_cast<int64_t>(s.value);
    }
    return -1;
  };
  EXPECT_EQ(value("hints_stored"), 1);
  EXPECT_EQ(value("hints_pending"), 1);
  EXPECT_EQ(value("hints_bytes"), static_cast<int64_t>(fs_.Contents(PathOf(kTarget)).size()));
  EXPECT_EQ(value("hints_targets"), 1);
  for (const char* name :
       {"hints_delivered", "hints_dropped_window", "hints_dropped_full", "hint_delivery_failures",
        "hints_in_flight", "hints_torn_tails", "hints_corrupt", "hints_write_errors",
        "hints_read_errors", "hints_reloaded"}) {
    EXPECT_EQ(value(name), 0) << name;
  }
}

}  // namespace
}  // namespace memdb

#include "cluster/membership.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/membership_file.h"
#include "cluster/node_identity.h"
#include "common/random.h"
#include "common/sim_file_system.h"

namespace memdb::cluster {
namespace {

constexpr char kSeedAddress[] = "127.0.0.1:7001";
constexpr char kOtherAddress[] = "127.0.0.1:7002";

MembershipOptions Options(const std::string& data_dir, const std::string& address) {
  MembershipOptions options;
  options.identity.data_dir = data_dir;
  options.identity.tokens_per_node = 16;
  options.gossip.cluster_name = "test";
  options.gossip.address = address;
  options.gossip.seeds = {kSeedAddress};
  return options;
}

std::unique_ptr<Membership> OpenOrDie(SimFileSystem* fs, const MembershipOptions& options,
                                      Random* random) {
  EXPECT_TRUE(fs->CreateDir(options.identity.data_dir).ok());
  Result<std::unique_ptr<Membership>> m = Membership::Open(fs, options, random);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  if (!m.ok()) return nullptr;
  return std::move(m).value();
}

// `from` gossips once with `to`: Tick's Syn to `to`, Ack, Ack2.
void Exchange(Membership& from, Membership& to, uint64_t now_ms) {
  for (const GossipSend& send : from.Tick(now_ms)) {
    if (send.address != to.gossiper().options().address) continue;
    GossipAck ack = to.gossiper().OnSyn(send.syn, now_ms);
    std::optional<GossipAck2> ack2 = from.gossiper().OnAck(ack, now_ms);
    if (ack2.has_value()) to.gossiper().OnAck2(*ack2, now_ms);
  }
}

// Counts the saves of the members file of `data_dir`: one rename (of a temporary) per save;
// after Open nothing else in the data dir is renamed (the identity is written at Open only).
struct SaveCounter {
  explicit SaveCounter(SimFileSystem* fs, const std::string& data_dir) : prefix(data_dir + "/") {
    fs->SetFaultHook([this](const SimFileSystem::Op& op) {
      if (op.kind != SimFileSystem::OpKind::kRename || op.path.rfind(prefix, 0) != 0) {
        return false;
      }
      ++saves;
      const bool fail = fail_next;
      fail_next = false;
      return fail;
    });
  }
  std::string prefix;
  int saves = 0;
  bool fail_next = false;
};

TEST(Membership, ReopenKeepsIdAndTokensBumpsGenerationAndRemembersPeers) {
  SimFileSystem fs;
  SeededRandom random(1);
  auto seed_options = Options("/data/seed", kSeedAddress);
  auto other_options = Options("/data/other", kOtherAddress);
  std::unique_ptr<Membership> seed = OpenOrDie(&fs, seed_options, &random);
  std::unique_ptr<Membership> other = OpenOrDie(&fs, other_options, &random);
  ASSERT_TRUE(seed && other);
  const NodeIdentity seed_identity = seed->identity();
  const NodeIdentity other_identity = other->identity();
  EXPECT_TRUE(seed_identity.first_start);
  EXPECT_EQ(seed_identity.tokens.size(), 16u);
  EXPECT_NE(seed_identity.id, other_identity.id);
  EXPECT_EQ(seed->gossiper().self().generation, seed_identity.generation);
  EXPECT_EQ(other->gossiper().self().status.value, MemberStatus::kJoining);

  Exchange(*other, *seed, 1000);
  EXPECT_EQ(other->gossiper().self().status.value, MemberStatus::kNormal);
  ASSERT_NE(seed->gossiper().Find(other_identity.id), nullptr);
  EXPECT_EQ(seed->gossiper().Find(other_identity.id)->status.value, MemberStatus::kNormal);
  (void)seed->Tick(2000);
  (void)other->Tick(2000);
  ASSERT_TRUE(seed->last_save_error().ok()) << seed->last_save_error().ToString();
  ASSERT_TRUE(other->last_save_error().ok());
  seed.reset();
  other.reset();

  SeededRandom random2(2);  // the identity comes from the file, not from the random source
  std::unique_ptr<Membership> other2 = OpenOrDie(&fs, other_options, &random2);
  ASSERT_TRUE(other2);
  EXPECT_EQ(other2->identity().id, other_identity.id);
  EXPECT_EQ(other2->identity().tokens, other_identity.tokens);
  EXPECT_EQ(other2->identity().generation, other_identity.generation + 1);
  EXPECT_FALSE(other2->identity().first_start);
  const Gossiper& g = other2->gossiper();
  EXPECT_EQ(g.self().generation, other_identity.generation + 1);
  EXPECT_EQ(g.self().tokens.value, other_identity.tokens);
  EXPECT_EQ(g.self().status.value, MemberStatus::kNormal);  // a non-seed that was normal
  const MemberState* remembered = g.Find(seed_identity.id);
  ASSERT_NE(remembered, nullptr);
  EXPECT_EQ(remembered->address.value, kSeedAddress);
  EXPECT_EQ(remembered->tokens.value, seed_identity.tokens);
  EXPECT_EQ(remembered->generation, seed_identity.generation);
  EXPECT_FALSE(g.IsUp(seed_identity.id));  // down until heard from
  EXPECT_EQ(g.ring().node_count(), 2u);    // the whole ring at once
  EXPECT_EQ(g.ring().token_count(), 32u);
}

TEST(Membership, MembersFileIsRewrittenOnlyWhenMembershipVersionMoves) {
  SimFileSystem fs;
  SeededRandom random(3);
  std::unique_ptr<Membership> seed = OpenOrDie(&fs, Options("/data/seed", kSeedAddress), &random);
  std::unique_ptr<Membership> other =
      OpenOrDie(&fs, Options("/data/other", kOtherAddress), &random);
  ASSERT_TRUE(seed && other);
  SaveCounter counter(&fs, "/data/seed");

  (void)seed->Tick(1000);  // the new generation is saved
  EXPECT_EQ(counter.saves, 1);
  (void)seed->Tick(2000);  // heartbeats only
  (void)seed->Tick(3000);
  EXPECT_EQ(counter.saves, 1);
  EXPECT_TRUE(seed->SaveIfChanged().ok());
  EXPECT_EQ(counter.saves, 1);

  const uint64_t version = seed->gossiper().membership_version();
  Exchange(*other, *seed, 4000);  // a new member
  EXPECT_GT(seed->gossiper().membership_version(), version);
  (void)seed->Tick(5000);
  EXPECT_EQ(counter.saves, 2);
  Result<std::vector<MemberState>> saved = LoadMembership(&fs, "/data/seed");
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  EXPECT_EQ(saved->size(), 2u);

  for (uint64_t t = 6000; t < 12000; t += 1000) Exchange(*other, *seed, t);  // heartbeats
  (void)seed->Tick(13000);
  EXPECT_EQ(counter.saves, 2);
  fs.SetFaultHook(nullptr);
}

TEST(Membership, FailedSaveIsKeptAndRetriedAtTheNextTick) {
  SimFileSystem fs;
  SeededRandom random(4);
  std::unique_ptr<Membership> seed = OpenOrDie(&fs, Options("/data/seed", kSeedAddress), &random);
  ASSERT_TRUE(seed);
  SaveCounter counter(&fs, "/data/seed");
  counter.fail_next = true;
  (void)seed->Tick(1000);
  EXPECT_FALSE(seed->last_save_error().ok());
  (void)seed->Tick(2000);
  EXPECT_TRUE(seed->last_save_error().ok()) << seed->last_save_error().ToString();
  EXPECT_EQ(counter.saves, 2);
  Result<std::vector<MemberState>> saved = LoadMembership(&fs, "/data/seed");
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  ASSERT_EQ(saved->size(), 1u);
  EXPECT_EQ((*saved)[0].id, seed->identity().id);
  fs.SetFaultHook(nullptr);
}

TEST(Membership, GarbledMembersFileStopsTheNode) {
  SimFileSystem fs;
  SeededRandom random(5);
  auto options = Options("/data/seed", kSeedAddress);
  {
    std::unique_ptr<Membership> seed = OpenOrDie(&fs, options, &random);
    ASSERT_TRUE(seed);
    (void)seed->Tick(1000);
  }
  fs.SetContents(MembershipPath("/data/seed"), "not a members file");
  Result<std::unique_ptr<Membership>> reopened = Membership::Open(&fs, options, &random);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), Code::kCorruption);
}

}  // namespace
}  // namespace memdb::cluster

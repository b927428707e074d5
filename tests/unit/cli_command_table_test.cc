// memdb-cli's command table: lookup, arity, help, and tab completion.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "clients/cli/command_table.h"

namespace memdb::cli {
namespace {

TEST(CliCommandTable, EveryRowIsComplete) {
  std::set<std::string> names;
  for (const CommandSpec& spec : Commands()) {
    SCOPED_TRACE(std::string(spec.name));
    EXPECT_TRUE(names.insert(std::string(spec.name)).second) << "duplicate name";
    for (char c : spec.name) EXPECT_TRUE(c >= 'A' && c <= 'Z');
    EXPECT_EQ(spec.usage.substr(0, spec.name.size()), spec.name);
    EXPECT_FALSE(spec.summary.empty());
    EXPECT_FALSE(spec.help.empty());
    EXPECT_NE(spec.handler, nullptr);
    EXPECT_GE(spec.min_args, 0);
    EXPECT_TRUE(spec.max_args < 0 || spec.max_args >= spec.min_args);
    // Lines fit an 80-column terminal once indented by `help CMD`.
    std::string_view help = spec.help;
    while (!help.empty()) {
      const size_t nl = help.find('\n');
      EXPECT_LE(help.substr(0, nl).size(), 78u) << help.substr(0, nl);
      if (nl == std::string_view::npos) break;
      help.remove_prefix(nl + 1);
    }
  }
}

TEST(CliCommandTable, EveryServerOperationIsThere) {
  for (const char* name :
       {"PING", "GET", "SET", "DEL", "CONTAINS", "STATS", "COMPACT", "HELP", "QUIT", "EXIT"}) {
    EXPECT_NE(FindCommand(name), nullptr) << name;
  }
}

TEST(CliCommandTable, LookupIgnoresCase) {
  ASSERT_NE(FindCommand("get"), nullptr);
  EXPECT_EQ(FindCommand("get")->name, "GET");
  EXPECT_EQ(FindCommand("cOnTaInS")->name, "CONTAINS");
  EXPECT_EQ(FindCommand("GETX"), nullptr);
  EXPECT_EQ(FindCommand("GE"), nullptr);
  EXPECT_EQ(FindCommand(""), nullptr);
}

TEST(CliCommandTable, ArityMatchesTheServerOperations) {
  const struct {
    const char* name;
    size_t ok;
    size_t bad;
  } cases[] = {{"PING", 0, 1}, {"GET", 1, 0},      {"GET", 1, 2},   {"SET", 2, 1}, {"SET", 2, 3},
               {"DEL", 1, 2},  {"CONTAINS", 1, 0}, {"STATS", 0, 1}, {"QUIT", 0, 1}};
  for (const auto& c : cases) {
    const CommandSpec* spec = FindCommand(c.name);
    ASSERT_NE(spec, nullptr);
    EXPECT_TRUE(CheckArity(*spec, c.ok).ok()) << c.name;
    EXPECT_FALSE(CheckArity(*spec, c.bad).ok()) << c.name << " " << c.bad;
  }
  const CommandSpec* help = FindCommand("HELP");
  EXPECT_TRUE(CheckArity(*help, 0).ok());
  EXPECT_TRUE(CheckArity(*help, 1).ok());
  EXPECT_FALSE(CheckArity(*help, 2).ok());
}

TEST(CliCommandTable, ArityErrorsShowUsage) {
  Status s = CheckArity(*FindCommand("GET"), 2);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "GET takes 1 argument, got 2 (usage: GET key)");
  EXPECT_EQ(CheckArity(*FindCommand("SET"), 1).message(),
            "SET takes 2 arguments, got 1 (usage: SET key value)");
  EXPECT_EQ(CheckArity(*FindCommand("PING"), 1).message(),
            "PING takes no arguments, got 1 (usage: PING)");
  EXPECT_EQ(CheckArity(*FindCommand("HELP"), 3).message(),
            "HELP takes at most 1 argument, got 3 (usage: HELP [command])");
}

TEST(CliCommandTable, HelpIndexListsEveryCommand) {
  const std::string index = HelpIndex();
  for (const CommandSpec& spec : Commands()) {
    EXPECT_NE(index.find(std::string(spec.usage)), std::string::npos) << spec.name;
    EXPECT_NE(index.find(std::string(spec.summary)), std::string::npos) << spec.name;
  }
  EXPECT_NE(index.find("\\xHH"), std::string::npos);  // how to type bytes
}

TEST(CliCommandTable, HelpForShowsUsageSummaryAndText) {
  const std::string help = HelpFor(*FindCommand("SET"));
  EXPECT_EQ(help.rfind("SET key value\n  Set a key to a value.\n\n  Stores", 0), 0u) << help;
  EXPECT_EQ(help.back(), '\n');
}

// ---- tab completion ----

TEST(CliCompletion, UniquePrefixCompletesWithASpace) {
  EXPECT_EQ(CompleteCommandLine("GE").insert, "T ");
  EXPECT_EQ(CompleteCommandLine("CONT").insert, "AINS ");
  EXPECT_TRUE(CompleteCommandLine("CONT").candidates.empty());
  EXPECT_EQ(CompleteCommandLine("  se").insert, "t ");
  EXPECT_EQ(CompleteCommandLine("ST").insert, "ATS ");
}

TEST(CliCompletion, FollowsTheCaseTyped) {
  EXPECT_EQ(CompleteCommandLine("ge").insert, "t ");
  EXPECT_EQ(CompleteCommandLine("Ge").insert, "T ");
  EXPECT_EQ(CompleteCommandLine("conT").insert, "AINS ");
}

TEST(CliCompletion, FullNameGetsASpace) { EXPECT_EQ(CompleteCommandLine("GET").insert, " "); }

TEST(CliCompletion, SeveralMatchesAreListed) {
  Completion all = CompleteCommandLine("");
  EXPECT_EQ(all.insert, "");
  EXPECT_EQ(all.candidates.size(), Commands().size());
  EXPECT_EQ(all.candidates[0], "PING");
  EXPECT_EQ(CompleteCommandLine("c").candidates,
            (std::vector<std::string>{"contains", "compact", "cluster", "consistency"}));
  EXPECT_EQ(CompleteCommandLine("COM").insert, "PACT ");
  Completion lower = CompleteCommandLine("   ");
  EXPECT_EQ(lower.candidates.size(), Commands().size());
}

TEST(CliCompletion, SharedPrefixListsTheChoices) {
  Completion s = CompleteCommandLine("s");
  EXPECT_EQ(s.insert, "");
  EXPECT_EQ(s.candidates, (std::vector<std::string>{"set", "stats"}));
}

TEST(CliCompletion, NoMatchInsertsNothing) {
  Completion none = CompleteCommandLine("XY");
  EXPECT_EQ(none.insert, "");
  EXPECT_TRUE(none.candidates.empty());
}

TEST(CliCompletion, ArgumentsAreNotCompletedExceptAfterHelp) {
  EXPECT_EQ(CompleteCommandLine("GET ").insert, "");
  EXPECT_TRUE(CompleteCommandLine("GET ").candidates.empty());
  EXPECT_EQ(CompleteCommandLine("SET ge").insert, "");
  EXPECT_EQ(CompleteCommandLine("help cont").insert, "ains ");
  EXPECT_EQ(CompleteCommandLine("HELP CONT").insert, "AINS ");
  EXPECT_EQ(CompleteCommandLine("help con").candidates,
            (std::vector<std::string>{"contains", "consistency"}));
  EXPECT_EQ(CompleteCommandLine("HELP ").candidates.size(), Commands().size());
  EXPECT_EQ(CompleteCommandLine("HELP GET ").insert, "");
}

TEST(CliCompletion, ClusterSubcommands) {
  EXPECT_EQ(CompleteCommandLine("cluster n").insert, "odes ");
  EXPECT_EQ(CompleteCommandLine("CLUSTER R").insert, "ING ");
  EXPECT_EQ(CompleteCommandLine("cluster i").insert, "nfo ");
  EXPECT_EQ(CompleteCommandLine("cluster ").candidates,
            (std::vector<std::string>{"NODES", "RING", "INFO"}));
  EXPECT_EQ(CompleteCommandLine("cluster ring ").insert, "");
  EXPECT_EQ(CompleteCommandLine("clu").insert, "ster ");
}

TEST(CliCompletion, RepairAndConsistencyArguments) {
  EXPECT_EQ(CompleteCommandLine("repair s").insert, "tatus ");
  EXPECT_EQ(CompleteCommandLine("REPAIR ").insert, "STATUS ");
  EXPECT_EQ(CompleteCommandLine("consistency q").insert, "uorum ");
  EXPECT_EQ(CompleteCommandLine("CONSISTENCY A").insert, "LL ");
  Completion levels = CompleteCommandLine("consistency ");
  EXPECT_EQ(levels.candidates, (std::vector<std::string>{"ONE", "QUORUM", "ALL", "DEFAULT"}));
  EXPECT_EQ(CompleteCommandLine("cluster n").insert, "odes ");
  EXPECT_EQ(CompleteCommandLine("repair status ").insert, "");
  EXPECT_EQ(CompleteCommandLine("deadline ").insert, "");
}

}  // namespace
}  // namespace memdb::cli

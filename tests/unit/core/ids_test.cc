#include "emulator/core/ids.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace emu {
namespace {

TEST(IdSource, SameSeedSameSequence) {
  IdSource a(42), b(42), c(43);
  std::vector<std::string> sa, sb, sc;
  for (int i = 0; i < 100; ++i) {
    sa.push_back(a.guid());
    sb.push_back(b.guid());
    sc.push_back(c.guid());
  }
  EXPECT_EQ(sa, sb);
  EXPECT_NE(sa, sc);
}

TEST(IdSource, GuidsAreVersion4AndUnique) {
  IdSource ids(7);
  std::regex v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto g = ids.guid();
    ASSERT_TRUE(std::regex_match(g, v4)) << g;
    seen.insert(g);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(IdSource, ReseedRestartsTheSequence) {
  IdSource ids(5);
  auto first = ids.guid();
  ids.guid();
  ids.reseed(5);
  EXPECT_EQ(ids.guid(), first);
  EXPECT_EQ(ids.seed(), 5u);
}

TEST(IdSource, HexAndUnitRanges) {
  IdSource ids(9);
  auto h = ids.hex(20);
  EXPECT_EQ(h.size(), 40u);
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
  for (int i = 0; i < 1000; ++i) {
    double u = ids.next_unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

}  // namespace
}  // namespace emu

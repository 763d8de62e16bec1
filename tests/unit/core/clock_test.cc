#include "emulator/core/clock.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace emu {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

TimePoint at(std::string_view iso) { return parse_iso8601(iso).value(); }

TEST(VirtualClock, ManualClockMovesOnlyWhenAdvanced) {
  VirtualClock clock(VirtualClock::Mode::kManual, at("2026-01-01T00:00:00Z"));
  EXPECT_EQ(format_iso8601(clock.now()), "2026-01-01T00:00:00Z");
  clock.advance(minutes(12));
  EXPECT_EQ(format_iso8601(clock.now()), "2026-01-01T00:12:00Z");
  clock.advance(Duration(-5));  // ignored
  EXPECT_EQ(format_iso8601(clock.now()), "2026-01-01T00:12:00Z");
  clock.set(at("2025-06-30T23:59:59Z"));
  EXPECT_EQ(format_iso8601(clock.now()), "2025-06-30T23:59:59Z");
  EXPECT_FALSE(clock.realtime());
}

TEST(VirtualClock, RealtimeClockIncludesAdvances) {
  VirtualClock clock(VirtualClock::Mode::kRealtime, at("2026-01-01T00:00:00Z"));
  EXPECT_TRUE(clock.realtime());
  auto before = clock.now();
  clock.advance(hours(2));
  auto after = clock.now();
  EXPECT_GE(after - before, hours(2));
  EXPECT_LT(after - before, hours(2) + minutes(1));
}

TEST(VirtualClock, ObserverSeesEveryAdvanceAndSetBeforeTheyReturn) {
  VirtualClock clock(VirtualClock::Mode::kManual, at("2026-01-01T00:00:00Z"));
  std::vector<std::string> seen;
  clock.set_observer([&](TimePoint t) {
    seen.push_back(format_iso8601(t));
    EXPECT_EQ(clock.now(), t);  // may read the clock: it runs outside the clock's lock
  });
  clock.advance(hours(2));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], "2026-01-01T02:00:00Z");
  clock.advance(Duration(0));  // no move, no call
  clock.advance(Duration(-5));
  EXPECT_EQ(seen.size(), 1u);
  clock.set(at("2025-12-31T23:00:00Z"));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1], "2025-12-31T23:00:00Z");
  clock.set_observer(nullptr);
  clock.advance(minutes(1));
  EXPECT_EQ(seen.size(), 2u);
}

TEST(Iso8601, FormatsWholeSecondsAndMilliseconds) {
  auto t = at("2026-03-04T05:06:07Z");
  EXPECT_EQ(format_iso8601(t), "2026-03-04T05:06:07Z");
  EXPECT_EQ(format_iso8601(t + std::chrono::milliseconds(250)), "2026-03-04T05:06:07.250Z");
  EXPECT_EQ(unix_seconds(at("1970-01-01T00:00:10Z")), 10);
}

TEST(Iso8601, ParsesOffsetsAndFractions) {
  EXPECT_EQ(at("2026-01-01T09:00:00+09:00"), at("2026-01-01T00:00:00Z"));
  EXPECT_EQ(at("2025-12-31T19:00:00-05:00"), at("2026-01-01T00:00:00Z"));
  EXPECT_EQ(at("2026-01-01T00:00:00.5Z") - at("2026-01-01T00:00:00Z"),
            std::chrono::milliseconds(500));
}

TEST(Iso8601, RejectsMalformedTimes) {
  for (const char* bad : {"", "2026-01-01", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                          "2026-01-01T24:00:00Z", "2026-01-01T00:00:00", "2026-01-01T00:00:00Q",
                          "2026-01-01 00:00:00Z", "2026-01-01T00:00:00.Z"}) {
    auto r = parse_iso8601(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("not an ISO 8601 UTC time"), std::string::npos);
  }
}

TEST(Duration, ParsesIsoAndShortForms) {
  EXPECT_EQ(parse_duration("PT12M").value(), minutes(12));
  EXPECT_EQ(parse_duration("P1DT2H").value(), hours(26));
  EXPECT_EQ(parse_duration("PT1.5S").value(), std::chrono::milliseconds(1500));
  EXPECT_EQ(parse_duration("90s").value(), seconds(90));
  EXPECT_EQ(parse_duration("12m").value(), minutes(12));
  EXPECT_EQ(parse_duration("2h").value(), hours(2));
  EXPECT_EQ(parse_duration("3d").value(), hours(72));
  EXPECT_EQ(parse_duration("250ms").value(), std::chrono::milliseconds(250));
}

TEST(Duration, RejectsGarbage) {
  for (const char* bad : {"", "P", "PT", "12x", "abc", "PT5D", "P5H", "m"}) {
    auto r = parse_duration(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace emu

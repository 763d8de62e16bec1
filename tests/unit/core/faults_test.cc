#include "emulator/core/faults.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace emu {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

std::string add_ok(FaultPlan& plan, const json& rule) {
  auto id = plan.add_json(rule);
  EXPECT_TRUE(id.ok()) << id.status().to_string() << " for " << rule.dump();
  return id.ok() ? *id : "";
}

void expect_rejected(const json& rule, std::string_view message) {
  auto parsed = fault_rule_from_json(rule);
  ASSERT_FALSE(parsed.ok()) << rule.dump();
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << rule.dump();
  EXPECT_EQ(parsed.status().message(), message) << rule.dump();
}

std::string fire_pattern(FaultPlan& plan, int rolls) {
  std::string pattern;
  for (int i = 0; i < rolls; ++i) pattern += plan.apply("arm", "GET", "/x") ? '1' : '0';
  return pattern;
}

TEST(FaultPlanTest, CountLimitedRuleFiresExactlyNTimes) {
  FaultPlan plan(1);
  const std::string id = add_ok(
      plan, {{"path", "/subscriptions/*"}, {"effect", "status"}, {"status", 503}, {"count", 3}});
  EXPECT_EQ(id, "fault-1");
  int fired = 0;
  for (int i = 0; i < 10; ++i) {
    auto d = plan.apply("arm", "GET", "/subscriptions/abc");
    if (!d) continue;
    ++fired;
    EXPECT_EQ(d->rule_id, "fault-1");
    EXPECT_EQ(d->effect, FaultRule::Effect::kStatus);
    EXPECT_EQ(d->response.status, 503);
    EXPECT_EQ(d->response.headers.get_or("Content-Type", ""), "application/json");
    EXPECT_EQ(d->response.body,
              R"({"error":{"code":"InjectedFault","message":"Fault fault-1 injected by cmgemu"}})");
    EXPECT_FALSE(d->response.headers.has("Retry-After"));
  }
  EXPECT_EQ(fired, 3);
  // Exhausted rules stay listed with their hits.
  auto rules = plan.rules();
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].hits, 3);
  EXPECT_EQ(rules[0].count, 0);
  EXPECT_EQ(plan.to_json()[0]["hits"], 3);
  EXPECT_EQ(plan.to_json()[0]["count"], 0);
}

TEST(FaultPlanTest, MatchesListenerMethodAndPath) {
  FaultPlan plan(1);
  add_ok(plan, {{"id", "put-rg"},
                {"listener", "arm"},
                {"method", "put"},
                {"path", "/Subscriptions/*/resourceGroups/?"},
                {"effect", "reset"}});
  EXPECT_FALSE(plan.apply("aad", "PUT", "/subscriptions/s/resourcegroups/r"));
  EXPECT_FALSE(plan.apply("arm", "GET", "/subscriptions/s/resourcegroups/r"));
  EXPECT_FALSE(plan.apply("arm", "PUT", "/subscriptions/s/resourcegroups/rg"));
  auto d = plan.apply("arm", "PUT", "/subscriptions/s/resourcegroups/r");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->rule_id, "put-rg");
  EXPECT_EQ(d->effect, FaultRule::Effect::kReset);
  EXPECT_TRUE(d->response.reset_connection);
}

TEST(FaultPlanTest, ProbabilityIsDeterministicPerSeed) {
  const json rule = {{"effect", "reset"}, {"probability", 0.5}};
  FaultPlan a(7), b(7), c(8);
  add_ok(a, rule);
  add_ok(b, rule);
  add_ok(c, rule);
  const std::string pa = fire_pattern(a, 1000);
  EXPECT_EQ(pa, fire_pattern(b, 1000));
  EXPECT_NE(pa, fire_pattern(c, 1000));
  const auto fired = std::count(pa.begin(), pa.end(), '1');
  EXPECT_GE(fired, 400);
  EXPECT_LE(fired, 600);
  EXPECT_EQ(a.rules()[0].hits, fired);

  a.reseed(7);
  EXPECT_EQ(fire_pattern(a, 1000), pa);
}

TEST(FaultPlanTest, MissedRollFallsThroughToNextRule) {
  FaultPlan plan(3);
  add_ok(plan, {{"id", "rare"}, {"effect", "reset"}, {"probability", 0.25}});
  add_ok(plan, {{"id", "always"}, {"effect", "status"}, {"status", 502}});
  int rare = 0, always = 0;
  for (int i = 0; i < 200; ++i) {
    auto d = plan.apply("arm", "GET", "/");
    ASSERT_TRUE(d);
    (d->rule_id == "rare" ? rare : always)++;
  }
  EXPECT_GT(rare, 0);
  EXPECT_GT(always, rare);
}

TEST(FaultPlanTest, ThrottleAnswers429WithRetryAfter) {
  FaultPlan plan(1);
  add_ok(plan, {{"id", "slow"}, {"effect", "throttle"}});
  auto d = plan.apply("arm", "GET", "/");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->effect, FaultRule::Effect::kThrottle);
  EXPECT_EQ(d->response.status, 429);
  EXPECT_EQ(d->response.headers.get_or("Retry-After", ""), "10");
  EXPECT_EQ(json::parse(d->response.body)["error"]["code"], "TooManyRequests");

  add_ok(plan, {{"id", "slower"},
                {"listener", "aad"},
                {"effect", "throttle"},
                {"retry_after", 42},
                {"body", {{"error", "busy"}}}});
  d = plan.apply("aad", "POST", "/token");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->rule_id, "slow");  // first matching rule wins
  ASSERT_TRUE(plan.remove("slow"));
  EXPECT_FALSE(plan.remove("slow"));
  d = plan.apply("aad", "POST", "/token");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->response.headers.get_or("Retry-After", ""), "42");
  EXPECT_EQ(d->response.body, R"({"error":"busy"})");
}

TEST(FaultPlanTest, StatusWithCustomBodyAndDelay) {
  FaultPlan plan(1);
  add_ok(plan, {{"listener", "cmg"},
                {"effect", "status"},
                {"status", 404},
                {"body", "nope"},
                {"content_type", "text/plain"},
                {"retry_after", 5}});
  add_ok(plan, {{"listener", "arm"}, {"effect", "delay"}, {"delay", "PT1M30S"}});
  auto d = plan.apply("cmg", "GET", "/");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->response.status, 404);
  EXPECT_EQ(d->response.body, "nope");
  EXPECT_EQ(d->response.headers.get_or("Content-Type", ""), "text/plain");
  EXPECT_EQ(d->response.headers.get_or("Retry-After", ""), "5");
  d = plan.apply("arm", "GET", "/");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->rule_id, "fault-2");
  EXPECT_EQ(d->effect, FaultRule::Effect::kDelay);
  EXPECT_EQ(d->delay, std::chrono::seconds(90));
  EXPECT_EQ(plan.to_json()[1]["delay"], "90s");
}

TEST(FaultPlanTest, BadRulesNameTheKey) {
  expect_rejected({{"effect", "status"}, {"colour", "red"}}, "unknown fault rule key 'colour'");
  expect_rejected({{"status", 500}}, "fault rule key 'effect' is required");
  expect_rejected(
      {{"effect", "explode"}},
      R"(fault rule key 'effect' must be one of "status", "throttle", "delay", "reset")");
  expect_rejected({{"effect", "status"}, {"status", 99}},
                  "fault rule key 'status' must be between 100 and 599 (got 99)");
  expect_rejected({{"effect", "status"}, {"status", "500"}},
                  "fault rule key 'status' must be an integer");
  expect_rejected({{"effect", "reset"}, {"count", 0}},
                  "fault rule key 'count' must be at least 1 (got 0)");
  expect_rejected({{"effect", "reset"}, {"probability", 0}},
                  "fault rule key 'probability' must be in (0, 1]");
  expect_rejected({{"effect", "reset"}, {"probability", 1.5}},
                  "fault rule key 'probability' must be in (0, 1]");
  expect_rejected({{"effect", "delay"}}, "fault rule key 'delay' is required");
  expect_rejected({{"effect", "delay"}, {"delay", "soon"}},
                  R"(fault rule key 'delay' must be a duration such as "PT10S" or "90s")");
  expect_rejected({{"effect", "delay"}, {"delay", "0s"}},
                  R"(fault rule key 'delay' must be positive for effect "delay")");
  expect_rejected({{"effect", "throttle"}, {"status", 503}},
                  R"(fault rule key 'status' does not apply to effect "throttle")");
  expect_rejected({{"effect", "reset"}, {"body", "x"}},
                  R"(fault rule key 'body' does not apply to effect "reset")");
  expect_rejected({{"effect", "status"}, {"path", 3}}, "fault rule key 'path' must be a string");
  expect_rejected(json::array(), "a fault rule must be a JSON object");
}

TEST(FaultPlanTest, AddValidatesAndAssignsIds) {
  FaultPlan plan(1);
  FaultRule taken;
  taken.id = "fault-1";
  taken.effect = FaultRule::Effect::kReset;
  ASSERT_TRUE(plan.add(taken).ok());
  auto dup = plan.add(taken);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.status().message(), "fault rule 'fault-1' already exists");

  FaultRule anonymous;
  anonymous.listener = "";
  auto id = plan.add(anonymous);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "fault-2");  // skips the taken "fault-1"
  EXPECT_EQ(plan.rules()[1].listener, "*");

  FaultRule bad;
  bad.count = -1;
  EXPECT_EQ(plan.add(bad).status().code(), StatusCode::kInvalidArgument);
  plan.clear();
  EXPECT_TRUE(plan.rules().empty());
  EXPECT_FALSE(plan.apply("arm", "GET", "/"));
}

TEST(GlobMatchTest, Cases) {
  EXPECT_TRUE(glob_match("*", "", false));
  EXPECT_TRUE(glob_match("", "", false));
  EXPECT_FALSE(glob_match("", "a", false));
  EXPECT_TRUE(glob_match("/a/*", "/a/b/c", false));
  EXPECT_TRUE(glob_match("/a/*/c", "/a/b/x/c", false));
  EXPECT_FALSE(glob_match("/a/*/c", "/a/b/x/d", false));
  EXPECT_TRUE(glob_match("a?c", "abc", false));
  EXPECT_FALSE(glob_match("a?c", "ac", false));
  EXPECT_TRUE(glob_match("*ab*ab", "xabyabab", false));
  EXPECT_FALSE(glob_match("ABC", "abc", false));
  EXPECT_TRUE(glob_match("ABC", "abc", true));
  EXPECT_TRUE(glob_match("**a**", "bab", false));
  EXPECT_FALSE(glob_match("a*", "ba", false));
}

TEST(FaultPlanTest, ReasonPhraseOfStatusAndThrottle) {
  FaultPlan plan(1);
  add_ok(plan, {{"listener", "cmg-*"},
                {"effect", "status"},
                {"status", 403},
                {"reason", "CMGConnector_Forbidden"},
                {"body", ""}});
  add_ok(plan, {{"listener", "mp"}, {"effect", "throttle"}, {"reason", "Slow Down"}});
  // The listener key is a glob: "cmg-*" is every CMG listener.
  auto d = plan.apply("cmg-cmg.contoso.com", "GET", "/CCM_Proxy_MutualAuth/1/SMS_MP/.sms_aut");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->response.status, 403);
  EXPECT_EQ(d->response.reason, "CMGConnector_Forbidden");
  d = plan.apply("mp", "GET", "/");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->response.status, 429);
  EXPECT_EQ(d->response.reason, "Slow Down");
  EXPECT_EQ(plan.to_json()[0]["reason"], "CMGConnector_Forbidden");
  EXPECT_EQ(plan.to_json()[1]["reason"], "Slow Down");
  // A rule without one answers with the standard phrase.
  add_ok(plan, {{"listener", "arm"}, {"effect", "status"}, {"status", 500}});
  d = plan.apply("arm", "GET", "/");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->response.reason, "");
  EXPECT_EQ(plan.to_json()[2]["reason"], "");
}

TEST(FaultPlanTest, ReasonMustBeAStatusLineText) {
  expect_rejected({{"effect", "status"}, {"reason", "a\r\nSet-Cookie: x=1"}},
                  "fault rule key 'reason' must hold no control characters but HTAB (no CR or LF)");
  expect_rejected({{"effect", "delay"}, {"delay", "1s"}, {"reason", "x"}},
                  "fault rule key 'reason' does not apply to effect \"delay\"");
  expect_rejected({{"effect", "status"}, {"reason", 403}},
                  "fault rule key 'reason' must be a string");
}

}  // namespace
}  // namespace emu

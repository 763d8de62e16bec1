#include "harness/lib/expectations.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace emu::harness {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const json kOutput = {
    {"status", 200},
    {"headers", {{"content-type", "application/json"}, {"x-ms-request-id", "abc-123"}}},
    {"json", {{"status", "ok"}, {"items", {1, 2, 3}}, {"a/b", true}}}};

TEST(Expectations, AllMet) {
  json expect = {
      {"status", 200},
      {"json", {{"/status", "ok"}, {"/items/1", 2}, {"/a~1b", true}, {"", kOutput["json"]}}},
      {"headers",
       {{"Content-Type", "application/json"},
        {"x-ms-request-id", {{"$matches", "^[a-z]+-[0-9]+$"}}}}},
      {"output", {{"/json/items", {1, 2, 3}}, {"/nothing", {{"$exists", false}}}}}};
  EXPECT_THAT(evaluate_expect(expect, kOutput), IsEmpty());
}

TEST(Expectations, EachUnmetExpectationYieldsALine) {
  json expect = {
      {"status", 201},
      {"json", {{"/status", "degraded"}, {"/missing", 1}}},
      {"headers", {{"etag", {{"$exists", true}}}, {"x-ms-request-id", {{"$matches", "^[0-9]+$"}}}}},
      {"output", {{"/json/status", {{"$exists", false}}}}}};
  EXPECT_THAT(
      evaluate_expect(expect, kOutput),
      ElementsAre("expected /headers/etag to exist, got (missing)",
                  "expected /headers/x-ms-request-id to match \"^[0-9]+$\", got \"abc-123\"",
                  "expected /json/missing = 1, got (missing)",
                  "expected /json/status = \"degraded\", got \"ok\"",
                  "expected /json/status to be absent, got \"ok\"",
                  "expected /status = 201, got 200"));
}

TEST(Expectations, TypesMatterInEquality) {
  json expect = {{"json", {{"/items/0", "1"}}}};
  EXPECT_THAT(evaluate_expect(expect, kOutput),
              ElementsAre("expected /json/items/0 = \"1\", got 1"));
}

TEST(Expectations, MatchesNeedsAString) {
  json expect = {{"json", {{"/items", {{"$matches", "1"}}}}}};
  EXPECT_THAT(evaluate_expect(expect, kOutput),
              ElementsAre("expected /json/items to match \"1\", got [1,2,3]"));
}

TEST(Expectations, StatusAgainstAnOutputWithoutStatus) {
  EXPECT_THAT(evaluate_expect({{"status", 200}}, json::object()),
              ElementsAre("expected /status = 200, got (missing)"));
}

TEST(Expectations, ValidateAcceptsWellFormed) {
  EXPECT_FALSE(validate_expect(json::object()).has_value());
  EXPECT_FALSE(validate_expect({{"status", 200},
                                {"json", {{"", 1}, {"/a", {{"$exists", true}, {"$matches", "x"}}}}},
                                {"headers", {{"etag", "x"}}}})
                   .has_value());
}

TEST(Expectations, ValidateNamesTheProblem) {
  auto check = [](const json& expect, const std::string& pointer, const std::string& message) {
    auto issue = validate_expect(expect);
    ASSERT_TRUE(issue.has_value()) << expect.dump();
    EXPECT_EQ(issue->pointer, pointer);
    EXPECT_EQ(issue->message, message);
  };
  check({{"status", "200"}}, "/status", "status: must be an integer");
  check({{"json", 1}}, "/json", "json: must be an object");
  check({{"output", {{"x", 1}}}}, "/output/x",
        "output: 'x' is not a JSON pointer (start it with '/')");
  check({{"headers", {{"etag", 5}}}}, "/headers/etag",
        "headers: value of 'etag' must be a string or a matcher");
  check({{"json", {{"/a", {{"$regex", "x"}}}}}}, "/json/~1a/$regex",
        "json: unknown matcher '$regex' (use $exists or $matches)");
  check({{"json", {{"/a", {{"$matches", "("}}}}}}, "/json/~1a/$matches",
        "json: $matches: invalid regex '('");
  check({{"json", {{"/a", {{"$exists", 1}}}}}}, "/json/~1a/$exists",
        "json: $exists: must be true or false");
  check({{"body", 1}}, "/body",
        "unknown section 'body' (use status, json, headers, output, failure)");
  check(json::array(), "", "must be an object");
}

}  // namespace
}  // namespace emu::harness

namespace emu::harness {
namespace {

TEST(ExpectedFailure, ValidatesAsAStringOrMatcher) {
  EXPECT_FALSE(validate_expect({{"failure", "VaultAlreadyExists"}}).has_value());
  EXPECT_FALSE(validate_expect({{"failure", {{"$matches", "^The VM size"}}}}).has_value());
  auto bad = validate_expect({{"failure", 3}});
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->pointer, "/failure");
  EXPECT_EQ(bad->message, "failure: must be a string or a matcher");
  auto regex = validate_expect({{"failure", {{"$matches", "("}}}});
  ASSERT_TRUE(regex.has_value());
}

TEST(ExpectedFailure, MessageIsMatched) {
  EXPECT_EQ(evaluate_failure({{"$matches", "not available in the region"}},
                             "The VM size Standard_A2_V2 is currently not available in the region"),
            "");
  EXPECT_EQ(evaluate_failure("exact", "exact"), "");
  EXPECT_EQ(evaluate_failure({{"$matches", "^Quota"}}, "DnsRecordInUse"),
            "expected /failure to match \"^Quota\", got \"DnsRecordInUse\"");
  // evaluate_expect leaves the section to the runner.
  EXPECT_TRUE(evaluate_expect({{"failure", "x"}}, json::object()).empty());
}

}  // namespace
}  // namespace emu::harness

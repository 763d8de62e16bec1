#include "emulator/core/admin_api.h"

#include <gtest/gtest.h>

namespace emu {
namespace {

using nlohmann::json;

class AdminApiTest : public ::testing::Test {
 protected:
  AdminApiTest()
      : clock_(VirtualClock::Mode::kManual, parse_iso8601("2026-01-01T00:00:00Z").value()),
        journal_(100),
        faults_(1),
        router_(make_admin_router(AdminDeps{clock_, journal_, faults_,
                                            [this] {
                                              ++resets_;
                                              return Status::Ok();
                                            },
                                            [] {
                                              return json{{"admin", {{"url", "x"}}}};
                                            },
                                            "9.9.9",
                                            [this](const std::string& name, const json& args) {
                                              return run_action(name, args);
                                            }})) {}

  // A stand-in for the Lab's action runner: one action that echoes, one that fails.
  Result<ActionOutcome> run_action(const std::string& name, const json& args) {
    if (name == "echo") return ActionOutcome{ActionOutcome::Kind::kPassed, "echoed", args, {}};
    if (name == "fail") return ActionOutcome{ActionOutcome::Kind::kFailed, "no", nullptr, {"why"}};
    if (name == "planned") return Unimplemented("action 'planned' is planned");
    return NotFound("unknown action '" + name + "'");
  }

  http::Response call(std::string method, std::string target, std::string body = "") {
    http::Request req;
    req.method = std::move(method);
    req.target = target;
    auto q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) {
      req.query_string = target.substr(q + 1);
      req.query = http::parse_form(req.query_string);
    }
    req.body = std::move(body);
    return router_.dispatch(req);
  }

  json call_json(std::string method, std::string target, std::string body = "",
                 int expect_status = 200) {
    auto res = call(std::move(method), std::move(target), std::move(body));
    EXPECT_EQ(res.status, expect_status) << res.body;
    return res.body.empty() ? json() : json::parse(res.body);
  }

  VirtualClock clock_;
  Journal journal_;
  FaultPlan faults_;
  int resets_ = 0;
  http::Router router_;
};

TEST_F(AdminApiTest, HealthReportsVirtualTime) {
  auto j = call_json("GET", "/_cmgemu/health");
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["version"], "9.9.9");
  EXPECT_EQ(j["time"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(j["clock"], "manual");
}

TEST_F(AdminApiTest, ClockAdvanceAndSet) {
  auto j = call_json("POST", "/_cmgemu/clock/advance", R"({"by":"PT12M"})");
  EXPECT_EQ(j["now"], "2026-01-01T00:12:00Z");
  j = call_json("POST", "/_cmgemu/clock/advance?by=1h");
  EXPECT_EQ(j["now"], "2026-01-01T01:12:00Z");
  j = call_json("POST", "/_cmgemu/clock/set", R"({"to":"2027-05-05T05:05:05Z"})");
  EXPECT_EQ(j["now"], "2027-05-05T05:05:05Z");
  EXPECT_EQ(format_iso8601(clock_.now()), "2027-05-05T05:05:05Z");
  j = call_json("GET", "/_cmgemu/clock");
  EXPECT_EQ(j["unix"], unix_seconds(clock_.now()));
}

TEST_F(AdminApiTest, ClockErrorsAreBadRequests) {
  auto j = call_json("POST", "/_cmgemu/clock/advance", R"({"by":"soon"})", 400);
  EXPECT_EQ(j["error"]["code"], "BadRequest");
  EXPECT_NE(j["error"]["message"].get<std::string>().find("not a duration: 'soon'"),
            std::string::npos);
  j = call_json("POST", "/_cmgemu/clock/set", "{not json", 400);
  EXPECT_NE(j["error"]["message"].get<std::string>().find("malformed JSON"), std::string::npos);
  j = call_json("POST", "/_cmgemu/clock/advance", "", 400);
  EXPECT_EQ(j["error"]["message"], "missing 'by' (JSON body or query)");
}

TEST_F(AdminApiTest, FaultsAddListRemoveClear) {
  auto j = call_json(
      "POST", "/_cmgemu/faults",
      R"({"listener":"arm","path":"/subscriptions/*","effect":"throttle","retry_after":7})", 201);
  std::string id = j["id"];
  EXPECT_FALSE(id.empty());
  j = call_json("GET", "/_cmgemu/faults");
  ASSERT_EQ(j["rules"].size(), 1u);
  EXPECT_TRUE(faults_.apply("arm", "GET", "/subscriptions/x").has_value());
  EXPECT_EQ(call("DELETE", "/_cmgemu/faults/" + id).status, 204);
  EXPECT_EQ(call("DELETE", "/_cmgemu/faults/" + id).status, 404);
  call_json("POST", "/_cmgemu/faults", R"({"effect":"reset"})", 201);
  EXPECT_EQ(call("DELETE", "/_cmgemu/faults").status, 204);
  EXPECT_TRUE(faults_.rules().empty());
  j = call_json("POST", "/_cmgemu/faults", R"({"effect":"explode"})", 400);
  EXPECT_EQ(j["error"]["code"], "BadRequest");
}

TEST_F(AdminApiTest, JournalQueryFilters) {
  for (int i = 0; i < 5; ++i) {
    JournalEntry e;
    e.listener = i % 2 ? "arm" : "aad";
    e.method = "GET";
    e.target = "/x/" + std::to_string(i);
    e.status = i == 4 ? 404 : 200;
    journal_.record(e);
  }
  auto j = call_json("GET", "/_cmgemu/journal?listener=arm");
  EXPECT_EQ(j["entries"].size(), 2u);
  j = call_json("GET", "/_cmgemu/journal?status=404");
  ASSERT_EQ(j["entries"].size(), 1u);
  EXPECT_EQ(j["entries"][0]["target"], "/x/4");
  j = call_json("GET", "/_cmgemu/journal?limit=2");
  EXPECT_EQ(j["entries"].size(), 2u);
  EXPECT_EQ(j["total_recorded"], 5);
  EXPECT_EQ(j["capacity"], 100);
  j = call_json("GET", "/_cmgemu/journal?status=abc", "", 400);
  EXPECT_EQ(j["error"]["message"], "status must be an HTTP status code");
}

TEST_F(AdminApiTest, ResetAndUnknownRoutes) {
  EXPECT_EQ(call_json("POST", "/_cmgemu/reset")["status"], "reset");
  EXPECT_EQ(resets_, 1);
  auto j = call_json("GET", "/_cmgemu/nope", "", 404);
  EXPECT_EQ(j["error"]["code"], "NotFound");
  j = call_json("PUT", "/_cmgemu/health", "", 405);
  EXPECT_EQ(j["error"]["code"], "MethodNotAllowed");
  EXPECT_EQ(call_json("GET", "/_cmgemu/endpoints")["admin"]["url"], "x");
}

TEST_F(AdminApiTest, RunsActions) {
  auto j = call_json("POST", "/_cmgemu/actions/echo", R"({"remove_old":true})");
  EXPECT_EQ(j["status"], "passed");
  EXPECT_EQ(j["output"]["remove_old"], true);
  j = call_json("POST", "/_cmgemu/actions/fail", "", 409);
  EXPECT_EQ(j["status"], "failed");
  EXPECT_EQ(j["details"][0], "why");
  j = call_json("POST", "/_cmgemu/actions/nope", "{}", 404);
  EXPECT_EQ(j["error"]["message"], "unknown action 'nope'");
  j = call_json("POST", "/_cmgemu/actions/planned", "{}", 501);
  EXPECT_EQ(j["error"]["code"], "NotImplemented");
  j = call_json("POST", "/_cmgemu/actions/echo", "[1]", 400);
  EXPECT_EQ(j["error"]["message"], "the body must be an object of args");
}

}  // namespace
}  // namespace emu

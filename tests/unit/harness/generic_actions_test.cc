#include "harness/lib/generic_actions.h"

#include "emulator/core/faults.h"
#include "emulator/core/journal.h"

#include <gtest/gtest.h>

namespace emu::harness {
namespace {

using nlohmann::json;

// An ActionContext over in-memory seams; http() answers from `next` and records the call.
class FakeContext final : public ActionContext {
 public:
  Clock& clock() override { return clock_; }
  IdSource& ids() override { return ids_; }
  Result<HttpExchange> http(const HttpCall& call) override {
    calls.push_back(call);
    return next;
  }
  const json& lab() const override { return lab_; }
  json& vars() override { return vars_; }
  std::string ca_path() const override { return "/ca.pem"; }
  std::string out_dir() const override { return ""; }
  FaultPlan& faults() override { return faults_; }
  Journal& journal() override { return journal_; }
  void run_on_io(const std::function<void()>& fn) override { fn(); }

  std::vector<HttpCall> calls;
  Result<HttpExchange> next = HttpExchange{};

 private:
  VirtualClock clock_{VirtualClock::Mode::kManual, parse_iso8601("2026-01-01T00:00:00Z").value()};
  IdSource ids_{1};
  FaultPlan faults_{1};
  Journal journal_{100};
  json lab_ = json::object();
  json vars_ = json::object();
};

class GenericActionsTest : public ::testing::Test {
 protected:
  ActionOutcome run(const std::string& name, const json& args) {
    const ActionDef* def = registry_.find(name);
    EXPECT_NE(def, nullptr) << name;
    if (def == nullptr || !def->run) return {};
    return def->run(args, ctx_);
  }
  void record(const std::string& listener, const std::string& method, const std::string& target,
              int status) {
    JournalEntry e;
    e.listener = listener;
    e.method = method;
    e.target = target;
    e.status = status;
    ctx_.journal().record(e);
  }

  ActionRegistry registry_ = scenario_action_registry();
  FakeContext ctx_;
};

TEST_F(GenericActionsTest, RegistryHasGenericAndPlannedActions) {
  for (const char* name :
       {"http", "clock.advance", "clock.set", "fault.add", "fault.clear", "expect.journal"}) {
    ASSERT_NE(registry_.find(name), nullptr) << name;
    EXPECT_TRUE(registry_.find(name)->run) << name;
  }
  for (const char* name :
       {"arm.providers.register", "site.client_settings.set", "site.azure_services.configure",
        "site.cmg.create", "lab.dns.cname", "site.roles.add_cmg_connection_point",
        "site.roles.allow_cmg_traffic", "site.cmg.connection_analyzer", "site.bulk_token.new",
        "site.sql", "client.install_root_ca", "client.ccmsetup", "client.logs.expect"}) {
    ASSERT_NE(registry_.find(name), nullptr) << name;
    EXPECT_FALSE(registry_.find(name)->run) << name;
    EXPECT_FALSE(registry_.find(name)->summary.empty()) << name;
  }
}

TEST_F(GenericActionsTest, HttpSendsJsonAndExposesTheAnswer) {
  HttpExchange ex;
  ex.status = 201;
  ex.headers.add("Content-Type", "application/json");
  ex.headers.add("Set-Cookie", "a=1");
  ex.headers.add("set-cookie", "b=2");
  ex.body = R"({"id":"x"})";
  ctx_.next = ex;
  auto out = run("http", {{"endpoint", "arm"},
                          {"method", "PUT"},
                          {"path", "/r?x=1"},
                          {"headers", {{"Authorization", "Bearer t"}}},
                          {"json", {{"a", 1}}}});
  EXPECT_EQ(out.kind, ActionOutcome::Kind::kPassed);
  EXPECT_EQ(out.message, "PUT /r?x=1 -> 201");
  EXPECT_EQ(out.output,
            json({{"status", 201},
                  {"headers", {{"content-type", "application/json"}, {"set-cookie", "a=1, b=2"}}},
                  {"json", {{"id", "x"}}}}));
  ASSERT_EQ(ctx_.calls.size(), 1u);
  const HttpCall& call = ctx_.calls[0];
  EXPECT_EQ(call.endpoint, "arm");
  EXPECT_EQ(call.method, "PUT");
  EXPECT_EQ(call.target, "/r?x=1");
  EXPECT_EQ(call.body, R"({"a":1})");
  EXPECT_EQ(call.headers.get_or("content-type", ""), "application/json");
  EXPECT_EQ(call.headers.get_or("authorization", ""), "Bearer t");
}

TEST_F(GenericActionsTest, HttpFormAndTextBodies) {
  HttpExchange ex;
  ex.status = 200;
  ex.body = "plain text";
  ctx_.next = ex;
  auto out = run("http", {{"endpoint", "aad"},
                          {"method", "POST"},
                          {"path", "/token"},
                          {"form", {{"grant_type", "password"}, {"username", "a b@c"}}}});
  EXPECT_EQ(out.output["json"], nullptr);
  EXPECT_EQ(out.output["body"], "plain text");
  ASSERT_EQ(ctx_.calls.size(), 1u);
  EXPECT_EQ(ctx_.calls[0].body, "grant_type=password&username=a%20b%40c");
  EXPECT_EQ(ctx_.calls[0].headers.get_or("Content-Type", ""), "application/x-www-form-urlencoded");
  EXPECT_EQ(ctx_.calls[0].method, "POST");
}

TEST_F(GenericActionsTest, HttpDefaultsToGetSlash) {
  run("http", {{"endpoint", "admin"}});
  ASSERT_EQ(ctx_.calls.size(), 1u);
  EXPECT_EQ(ctx_.calls[0].method, "GET");
  EXPECT_EQ(ctx_.calls[0].target, "/");
  EXPECT_TRUE(ctx_.calls[0].body.empty());
}

TEST_F(GenericActionsTest, HttpTransportErrorFailsUnlessAllowed) {
  ctx_.next = Unavailable("connection reset");
  auto out = run("http", {{"endpoint", "arm"}, {"path", "/x"}});
  EXPECT_EQ(out.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(out.message, "GET /x -> connection reset");
  EXPECT_EQ(out.output["status"], 0);
  EXPECT_EQ(out.output["error"], "connection reset");
  auto allowed =
      run("http", {{"endpoint", "arm"}, {"path", "/x"}, {"allow_transport_error", true}});
  EXPECT_EQ(allowed.kind, ActionOutcome::Kind::kPassed);
  EXPECT_EQ(allowed.output["error"], "connection reset");
}

TEST_F(GenericActionsTest, HttpValidator) {
  const ActionDef* def = registry_.find("http");
  EXPECT_EQ(def->validate({{"endpoint", 1}}).message(), "endpoint: must be a string");
  EXPECT_EQ(def->validate({{"endpoint", "a"}, {"body", "x"}, {"json", 1}}).message(),
            "body, json and form are exclusive: give one");
  EXPECT_EQ(def->validate({{"endpoint", "a"}, {"headers", {{"x", 1}}}}).message(),
            "headers: value of 'x' must be a string");
  EXPECT_TRUE(def->validate({{"endpoint", "a"}, {"json", nullptr}}).ok());
}

TEST_F(GenericActionsTest, ClockAdvanceAndSet) {
  auto out = run("clock.advance", {{"by", "PT12M"}});
  EXPECT_EQ(out.kind, ActionOutcome::Kind::kPassed);
  EXPECT_EQ(out.output, json({{"now", "2026-01-01T00:12:00Z"}}));
  EXPECT_EQ(out.message, "advanced PT12M to 2026-01-01T00:12:00Z");
  out = run("clock.set", {{"to", "2026-02-01T08:00:00Z"}});
  EXPECT_EQ(out.output, json({{"now", "2026-02-01T08:00:00Z"}}));
  EXPECT_EQ(format_iso8601(ctx_.clock().now()), "2026-02-01T08:00:00Z");
  out = run("clock.set", {{"to", "tomorrow"}});
  EXPECT_EQ(out.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(out.message, "args: to: not an ISO 8601 UTC time: 'tomorrow'");
}

TEST_F(GenericActionsTest, FaultAddAndClear) {
  auto out = run("fault.add", {{"listener", "arm"}, {"effect", "status"}, {"status", 503}});
  EXPECT_EQ(out.kind, ActionOutcome::Kind::kPassed);
  EXPECT_EQ(out.output, json({{"id", "fault-1"}}));
  ASSERT_EQ(ctx_.faults().rules().size(), 1u);
  EXPECT_EQ(ctx_.faults().rules()[0].status, 503);
  run("fault.add", {{"effect", "reset"}});
  out = run("fault.clear", {{"id", "fault-1"}});
  EXPECT_EQ(out.kind, ActionOutcome::Kind::kPassed);
  EXPECT_EQ(ctx_.faults().rules().size(), 1u);
  out = run("fault.clear", {{"id", "fault-1"}});
  EXPECT_EQ(out.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(out.message, "no fault rule 'fault-1'");
  out = run("fault.clear", json::object());
  EXPECT_EQ(out.output, json({{"cleared", 1}}));
  EXPECT_TRUE(ctx_.faults().rules().empty());
  out = run("fault.add", {{"effect", "explode"}});
  EXPECT_EQ(out.kind, ActionOutcome::Kind::kFailed);
}

TEST_F(GenericActionsTest, ExpectJournalCountsMatches) {
  record("admin", "GET", "/_cmgemu/health", 200);
  record("admin", "GET", "/_cmgemu/health?x=1", 503);
  record("arm", "PUT", "/subscriptions/1", 201);
  auto out = run("expect.journal", {{"listener", "admin"}, {"path", "/_cmgemu/*"}, {"count", 2}});
  EXPECT_EQ(out.kind, ActionOutcome::Kind::kPassed) << out.message;
  EXPECT_EQ(out.output, json({{"count", 2}}));
  out = run("expect.journal", {{"status", 503}, {"count", 1}});
  EXPECT_EQ(out.kind, ActionOutcome::Kind::kPassed) << out.message;
  out = run("expect.journal", {{"min", 3}});
  EXPECT_EQ(out.kind, ActionOutcome::Kind::kPassed) << out.message;
  out = run("expect.journal", {{"method", "get"}, {"listener", "arm"}});
  EXPECT_EQ(out.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(out.message, "expected at least 1 matching request(s), found 0");
  out = run("expect.journal", {{"listener", "admin"}, {"count", 1}});
  EXPECT_EQ(out.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(out.message, "expected exactly 1 matching request(s), found 2");
  EXPECT_EQ(out.details,
            std::vector<std::string>{"journal query: listener=admin method=* path=* status=*"});
}

TEST(ActionRegistry, SuggestAndEditDistance) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("same", "same"), 0u);
  ActionRegistry reg = scenario_action_registry();
  EXPECT_EQ(reg.suggest("arm.provider.register"), "arm.providers.register");
  EXPECT_EQ(reg.suggest("site.bulktoken.new"), "site.bulk_token.new");
  EXPECT_EQ(reg.suggest("client.logs.expectt"), "client.logs.expect");
  EXPECT_EQ(reg.suggest("completely.different"), std::nullopt);
  EXPECT_EQ(nearest_name("htp", {"http", "https"}), "http");
  EXPECT_EQ(nearest_name("ab", {"xy"}), "xy");  // 2 edits: within max(2, len/4)
  EXPECT_EQ(nearest_name("ab", {"xyz"}), std::nullopt);
}

}  // namespace
}  // namespace emu::harness

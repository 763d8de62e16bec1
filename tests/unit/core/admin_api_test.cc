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

  // A request as the server hands it over, with exactly `headers`.
  static http::Request raw_request(std::string method, std::string target, std::string body,
                                   const http::Headers& headers) {
    http::Request req;
    req.method = std::move(method);
    req.target = target;
    auto q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) {
      req.query_string = target.substr(q + 1);
      req.query = http::parse_form(req.query_string);
    }
    req.headers = headers;
    req.body = std::move(body);
    req.listener = "admin";
    req.tls = true;
    return req;
  }

  // A well-behaved local client (curl): Host localhost:<port>, JSON bodies labelled as such.
  http::Response call(std::string method, std::string target, std::string body = "") {
    http::Headers headers;
    headers.add("Host", "localhost:4443");
    if (!body.empty()) headers.add("Content-Type", "application/json");
    auto req = raw_request(std::move(method), std::move(target), std::move(body), headers);
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

// ---- Finding 3a: hostile JSON in admin bodies is a 400 in the admin error shape ----

void ExpectAdminError(const http::Response& res, int status, const std::string& code) {
  EXPECT_EQ(res.status, status) << res.body;
  auto j = json::parse(res.body, nullptr, false);
  ASSERT_TRUE(j.is_object()) << res.body;
  EXPECT_EQ(j["error"]["code"], code) << res.body;
  EXPECT_TRUE(j["error"]["message"].is_string() && !j["error"]["message"].empty()) << res.body;
}

TEST_F(AdminApiTest, Finding3_OverflowingDeepOrHugeJsonBodiesAreBadRequests) {
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  const std::string huge = R"({"by":")" + std::string(5 * 1024 * 1024, 'a') + R"("})";
  for (const char* target : {"/_cmgemu/clock/advance", "/_cmgemu/clock/set", "/_cmgemu/faults",
                             "/_cmgemu/actions/echo"}) {
    for (const std::string& body :
         {std::string(R"({"by": 1e999999})"), std::string(R"({"to": -1e999999})"),
          std::string(R"({"effect": "status", "status": 1e400})"), deep, huge}) {
      SCOPED_TRACE(std::string(target) + " " + body.substr(0, 40));
      ExpectAdminError(call("POST", target, body), 400, "BadRequest");
    }
  }
  EXPECT_TRUE(faults_.rules().empty());
}

TEST_F(AdminApiTest, Finding3_WrongTypesAndOutOfRangeNumbersAreBadRequests) {
  const std::pair<const char*, const char*> cases[] = {
      {"/_cmgemu/clock/advance", R"({"by": 1e308})"},
      {"/_cmgemu/clock/advance", R"({"by": -5})"},
      {"/_cmgemu/clock/advance", R"({"by": "PT99999999999999999999999999H"})"},
      {"/_cmgemu/clock/advance", R"({"by": "9223000000000s"})"},  // overflows the time point
      {"/_cmgemu/clock/advance", R"({"by": "3000000d"})"},        // past year 9999
      {"/_cmgemu/clock/advance", R"({"by": "-1h"})"},
      {"/_cmgemu/clock/set", R"({"to": 5})"},
      {"/_cmgemu/clock/set", R"({"to": "9999-12-31T23:59:59-23:00"})"},
      {"/_cmgemu/faults", R"({"effect": "status", "status": 1e308})"},
      {"/_cmgemu/faults", R"({"effect": "status", "status": 503.5})"},
      {"/_cmgemu/faults", R"({"effect": "status", "status": -5})"},
      {"/_cmgemu/faults", R"({"effect": "status", "count": 18446744073709551615})"},
      {"/_cmgemu/faults", R"({"effect": "status", "count": -1})"},
      {"/_cmgemu/faults", R"({"effect": "status", "count": 1.5})"},
      {"/_cmgemu/faults", R"({"effect": "throttle", "retry_after": 1e308})"},
      {"/_cmgemu/faults", R"({"effect": "throttle", "retry_after": -1})"},
      {"/_cmgemu/faults", R"({"effect": "status", "probability": 1e308})"},
      {"/_cmgemu/faults", R"({"effect": "status", "probability": -0.5})"},
      {"/_cmgemu/faults", R"({"effect": "delay", "delay": "PT99999999999999999999999H"})"},
      {"/_cmgemu/faults", R"({"effect": "delay", "delay": 10})"},
      {"/_cmgemu/faults", R"([1, 2])"},
      {"/_cmgemu/actions/echo", R"([1, 2])"},
      {"/_cmgemu/actions/echo", R"(42)"},
  };
  for (const auto& [target, body] : cases) {
    SCOPED_TRACE(std::string(target) + " " + body);
    ExpectAdminError(call("POST", target, body), 400, "BadRequest");
  }
  for (const char* query : {"limit=-1", "limit=1e308", "after=18446744073709551616", "after=1.5",
                            "status=1e3", "page_size=0", "page_size=1001", "until=-3"}) {
    SCOPED_TRACE(query);
    ExpectAdminError(call("GET", std::string("/_cmgemu/journal?") + query), 400, "BadRequest");
  }
  EXPECT_EQ(format_iso8601(clock_.now()), "2026-01-01T00:00:00Z");
  EXPECT_TRUE(faults_.rules().empty());
  // The clock reaches the last second a saved lab can read back, and no further.
  call_json("POST", "/_cmgemu/clock/set", R"({"to": "9999-12-31T23:59:58Z"})");
  call_json("POST", "/_cmgemu/clock/advance", R"({"by": "1s"})");
  ExpectAdminError(call("POST", "/_cmgemu/clock/advance", R"({"by": "1s"})"), 400, "BadRequest");
}

// ---- Finding 10: only local, same-origin, JSON (and, if set, token-bearing) requests ----

class AdminAccessTest : public AdminApiTest {
 protected:
  http::Response send(const std::string& method, const std::string& target, const std::string& body,
                      const http::Headers& headers, const http::Router* router = nullptr) {
    auto req = raw_request(method, target, body, headers);
    return (router ? *router : router_).dispatch(req);
  }
  static http::Headers headers(std::initializer_list<std::pair<std::string, std::string>> list) {
    http::Headers h;
    for (const auto& [name, value] : list) h.add(name, value);
    return h;
  }
  http::Router token_router(AdminAccess access) {
    return make_admin_router(
        AdminDeps{clock_, journal_, faults_,
                  [this] {
                    ++resets_;
                    return Status::Ok();
                  },
                  [] { return json::object(); }, "9.9.9",
                  [](const std::string&, const json&) -> Result<ActionOutcome> {
                    return NotFound("none");
                  }},
        std::move(access));
  }
};

TEST_F(AdminAccessTest, Finding10_ForeignHostIsMisdirected) {
  for (const char* host : {"evil.example", "evil.example:4443", "localhost.evil.example",
                           "127.0.0.2", "[::2]:4443", "management.azure.com"}) {
    SCOPED_TRACE(host);
    ExpectAdminError(send("POST", "/_cmgemu/reset", "", headers({{"Host", host}})), 421,
                     "MisdirectedRequest");
    ExpectAdminError(send("GET", "/_cmgemu/journal", "", headers({{"Host", host}})), 421,
                     "MisdirectedRequest");
    ExpectAdminError(send("GET", "/_cmgemu/nope", "", headers({{"Host", host}})), 421,
                     "MisdirectedRequest");
  }
  ExpectAdminError(send("POST", "/_cmgemu/reset", "", {}), 400, "BadRequest");
  ExpectAdminError(
      send("POST", "/_cmgemu/reset", "", headers({{"Host", "localhost"}, {"Host", "evil"}})), 400,
      "BadRequest");
  ExpectAdminError(send("POST", "/_cmgemu/reset", "", headers({{"Host", "localhost:x"}})), 400,
                   "BadRequest");
  EXPECT_EQ(resets_, 0);
}

TEST_F(AdminAccessTest, Finding10_CrossOriginRequestsAreForbidden) {
  for (const char* origin :
       {"https://evil.example", "https://evil.example:4443", "null", "http://localhost:4443",
        "https://localhost:8443", "https://127.0.0.1:4443", "https://localhost"}) {
    SCOPED_TRACE(origin);
    ExpectAdminError(send("POST", "/_cmgemu/reset", "",
                          headers({{"Host", "localhost:4443"}, {"Origin", origin}})),
                     403, "Forbidden");
    ExpectAdminError(send("POST", "/_cmgemu/faults", R"({"effect":"reset"})",
                          headers({{"Host", "localhost:4443"},
                                   {"Origin", origin},
                                   {"Content-Type", "application/json"}})),
                     403, "Forbidden");
  }
  EXPECT_EQ(resets_, 0);
  EXPECT_TRUE(faults_.rules().empty());
  // The admin listener's own origin (a page it served, or a tool that sends Origin) passes.
  EXPECT_EQ(send("POST", "/_cmgemu/reset", "",
                 headers({{"Host", "localhost:4443"}, {"Origin", "https://LOCALHOST:4443"}}))
                .status,
            200);
  EXPECT_EQ(send("GET", "/_cmgemu/health", "",
                 headers({{"Host", "[::1]:443"}, {"Origin", "https://[::1]"}}))
                .status,
            200);
}

TEST_F(AdminAccessTest, Finding10_WritesMustBeJson) {
  for (const char* type :
       {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "text/plain; charset=utf-8", "application/jsonp", ""}) {
    SCOPED_TRACE(type);
    auto h = headers({{"Host", "127.0.0.1:4443"}, {"Content-Type", type}});
    ExpectAdminError(send("POST", "/_cmgemu/faults", R"({"effect":"reset"})", h), 415,
                     "UnsupportedMediaType");
    ExpectAdminError(send("POST", "/_cmgemu/reset", "", h), 415, "UnsupportedMediaType");
    ExpectAdminError(send("DELETE", "/_cmgemu/faults", "", h), 415, "UnsupportedMediaType");
  }
  // A body without any Content-Type is refused too.
  ExpectAdminError(
      send("POST", "/_cmgemu/clock/advance", R"({"by":"1h"})", headers({{"Host", "127.0.0.1"}})),
      415, "UnsupportedMediaType");
  EXPECT_EQ(resets_, 0);
  EXPECT_TRUE(faults_.rules().empty());
  EXPECT_EQ(format_iso8601(clock_.now()), "2026-01-01T00:00:00Z");
}

TEST_F(AdminAccessTest, Finding10_TokenIsRequiredWhenSet) {
  AdminAccess access;
  access.token = "s3cret-token";
  access.host_names = {"lab.example"};
  http::Router router = token_router(access);
  for (const char* auth : {"", "Bearer", "Bearer wrong", "Bearer s3cret-toke",
                           "Bearer s3cret-token2", "Basic czNjcmV0LXRva2Vu", "s3cret-token"}) {
    SCOPED_TRACE(auth);
    http::Headers h = headers({{"Host", "lab.example:4443"}});
    if (*auth) h.add("Authorization", auth);
    auto res = send("POST", "/_cmgemu/reset", "", h, &router);
    ExpectAdminError(res, 401, "Unauthorized");
    EXPECT_EQ(res.headers.get_or("WWW-Authenticate", "").rfind("Bearer realm=\"cmgemu\"", 0), 0u);
    ExpectAdminError(send("GET", "/_cmgemu/journal", "", h, &router), 401, "Unauthorized");
  }
  EXPECT_EQ(resets_, 0);
  // With the token: the configured host name and loopback both work; a foreign host does not.
  for (const char* host : {"lab.example:4443", "LAB.example", "127.0.0.1:1"}) {
    SCOPED_TRACE(host);
    EXPECT_EQ(send("POST", "/_cmgemu/reset", "",
                   headers({{"Host", host}, {"Authorization", "bearer  s3cret-token"}}), &router)
                  .status,
              200);
  }
  ExpectAdminError(
      send("POST", "/_cmgemu/reset", "",
           headers({{"Host", "evil.example"}, {"Authorization", "Bearer s3cret-token"}}), &router),
      421, "MisdirectedRequest");
  EXPECT_EQ(resets_, 3);
}

TEST_F(AdminAccessTest, Finding10_CurlLikeLocalUseStillWorks) {
  // curl -X POST "$ADMIN/clock/advance?by=5h": no body, no Content-Type, Host with the port.
  for (const char* host : {"127.0.0.1:4443", "localhost", "LocalHost:4443", "[::1]:4443"}) {
    SCOPED_TRACE(host);
    EXPECT_EQ(send("POST", "/_cmgemu/clock/advance?by=1h", "", headers({{"Host", host}})).status,
              200);
    EXPECT_EQ(send("GET", "/_cmgemu/health", "", headers({{"Host", host}})).status, 200);
    EXPECT_EQ(send("POST", "/_cmgemu/faults", R"({"effect":"reset"})",
                   headers({{"Host", host}, {"Content-Type", "application/json; charset=utf-8"}}))
                  .status,
              201);
    EXPECT_EQ(send("DELETE", "/_cmgemu/faults", "", headers({{"Host", host}})).status, 204);
  }
  EXPECT_EQ(format_iso8601(clock_.now()), "2026-01-01T04:00:00Z");
}

TEST(AdminConstantTime, ComparesWholeStrings) {
  EXPECT_TRUE(constant_time_equals("abc", "abc"));
  EXPECT_TRUE(constant_time_equals("", ""));
  EXPECT_FALSE(constant_time_equals("abc", "abd"));
  EXPECT_FALSE(constant_time_equals("abc", "abcd"));
  EXPECT_FALSE(constant_time_equals("abc", ""));
  EXPECT_FALSE(constant_time_equals(std::string_view("a\0b", 3), "a"));
}

// ---- Finding 6: the journal reply is paged and bounded in bytes ----

TEST_F(AdminApiTest, Finding6_JournalRepliesArePagedWithoutLossOrDuplicates) {
  auto add = [&](int n) {
    for (int i = 0; i < n; ++i) {
      JournalEntry e;
      e.listener = i % 3 ? "arm" : "aad";
      e.method = "PUT";
      e.target = "/x";
      e.status = 200;
      e.request_headers.add("Content-Type", "text/plain");
      e.request_body = std::string(3000, 'b');
      journal_.record(e);
    }
  };
  add(60);
  std::vector<uint64_t> seen;
  std::string target = "/_cmgemu/journal?listener=arm&page_size=7";
  int pages = 0;
  while (true) {
    auto res = call("GET", target);
    ASSERT_EQ(res.status, 200) << res.body;
    EXPECT_LE(res.body.size(), kJournalPageBytes + 1024);
    auto j = json::parse(res.body);
    for (const auto& e : j["entries"]) {
      EXPECT_EQ(e["listener"], "arm");
      seen.push_back(e["seq"].get<uint64_t>());
    }
    if (++pages == 2) add(30);  // new entries arrive while a client pages
    if (!j.contains("next")) break;
    EXPECT_LE(j["entries"].size(), 7u);
    target = j["next"].get<std::string>();
    EXPECT_NE(target.find("listener=arm"), std::string::npos) << target;
  }
  // Every arm entry of the 90 held, each once, in order (journal capacity is 100).
  std::vector<uint64_t> want;
  for (const auto& e : journal_.query({}))
    if (e.listener == "arm") want.push_back(e.seq);
  EXPECT_EQ(seen, want);
  EXPECT_EQ(want.size(), 60u);

  // "limit" keeps its meaning (the newest N matches), paged: no entry newer than the selection
  // slips in when entries arrive between pages.
  seen.clear();
  target = "/_cmgemu/journal?limit=20&page_size=8";
  pages = 0;
  while (true) {
    auto j = call_json("GET", target);
    for (const auto& e : j["entries"]) seen.push_back(e["seq"].get<uint64_t>());
    if (++pages == 1) add(5);
    if (!j.contains("next")) break;
    target = j["next"].get<std::string>();
  }
  ASSERT_EQ(seen.size(), 20u);
  EXPECT_EQ(seen.front(), 71u);
  EXPECT_EQ(seen.back(), 90u);
}

TEST_F(AdminApiTest, Finding6_JournalPageIsCutAtItsByteBudget) {
  for (int i = 0; i < 100; ++i) {
    JournalEntry e;
    e.listener = "arm";
    e.method = "PUT";
    e.target = "/x";
    // Control bytes serialise as \u00XX: 6 bytes of JSON for every stored byte.
    e.request_headers.add("Content-Type", "application/octet-stream");
    e.request_body = std::string(4096, '\x01');
    journal_.record(e);
  }
  auto res = call("GET", "/_cmgemu/journal");
  ASSERT_EQ(res.status, 200);
  EXPECT_LE(res.body.size(), kJournalPageBytes + 1024);
  auto j = json::parse(res.body);
  ASSERT_TRUE(j.contains("next"));
  EXPECT_GT(j["entries"].size(), 10u);
  EXPECT_LT(j["entries"].size(), 100u);
  // A small journal keeps the old reply byte for byte: no "next", same keys.
  journal_.clear();
  JournalEntry e;
  e.listener = "arm";
  journal_.record(e);
  res = call("GET", "/_cmgemu/journal");
  json old = {{"total_recorded", journal_.total_recorded()},
              {"capacity", journal_.capacity()},
              {"entries", json::array({to_json(journal_.query({})[0])})}};
  EXPECT_EQ(res.body, old.dump());
}

}  // namespace
}  // namespace emu

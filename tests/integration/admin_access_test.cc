// The admin API of a whole Lab over real loopback TLS: who may use it (issue 11 finding 10),
// hostile bodies and arguments (finding 3a) and the journal's byte bounds (finding 6).
#include "emulator/app/lab.h"
#include "emulator/core/actions.h"
#include "emulator/core/admin_api.h"
#include "emulator/core/http/client.h"
#include "emulator/core/journal.h"
#include "tests/testlib/test_pki.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace emu {
namespace {

using nlohmann::json;

std::unique_ptr<app::Lab> start_lab(app::LabOptions options = {}) {
  options.pki_dir = test::shared_pki().dir;
  auto lab = app::Lab::create(options);
  EXPECT_TRUE(lab.ok()) << lab.status().to_string();
  if (!lab.ok()) return nullptr;
  Status s = (*lab)->start();
  EXPECT_TRUE(s.ok()) << s.to_string();
  return std::move(lab).value();
}

// One request to the lab's admin listener on a fresh connection, with exactly `headers` plus
// Host (when not given), Content-Length and Connection: close.
http::ClientResponse admin(app::Lab& lab, const std::string& method, const std::string& target,
                           http::Headers headers = {}, const std::string& body = "") {
  auto endpoint = lab.endpoint("admin");
  EXPECT_TRUE(endpoint.ok());
  http::ClientOptions options;
  options.ca_file = lab.ca_path();
  options.sni = "localhost";
  auto conn = http::ClientConnection::open(endpoint->address, endpoint->port, options);
  EXPECT_TRUE(conn.ok()) << conn.status().to_string();
  if (!conn.ok()) return {};
  if (!headers.has("Host")) headers.set("Host", "localhost:" + std::to_string(endpoint->port));
  headers.set("Connection", "close");
  auto res = (*conn)->request(method, target, headers, body);
  EXPECT_TRUE(res.ok()) << res.status().to_string();
  return res.ok() ? std::move(res).value() : http::ClientResponse{};
}

std::string error_code(const http::ClientResponse& res) {
  auto j = json::parse(res.body, nullptr, false);
  return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
}

http::Headers headers(std::initializer_list<std::pair<std::string, std::string>> list) {
  http::Headers h;
  for (const auto& [name, value] : list) h.add(name, value);
  return h;
}

TEST(AdminAccessLabTest, Finding10_BrowserStyleRequestsAreRefused) {
  auto lab = start_lab();
  ASSERT_TRUE(lab);
  const std::string port = std::to_string(lab->endpoint("admin")->port);
  // DNS rebinding: the page's own name in Host.
  auto res = admin(*lab, "POST", "/_cmgemu/reset", headers({{"Host", "evil.example:" + port}}));
  EXPECT_EQ(res.status, 421);
  EXPECT_EQ(error_code(res), "MisdirectedRequest");
  // CSRF: a text/plain "simple" POST from another origin.
  res = admin(*lab, "POST", "/_cmgemu/faults",
              headers({{"Origin", "https://evil.example"}, {"Content-Type", "text/plain"}}),
              R"({"effect":"reset"})");
  EXPECT_EQ(res.status, 403);
  EXPECT_EQ(error_code(res), "Forbidden");
  // The same without an Origin (a non-browser client) is still not JSON.
  res = admin(*lab, "POST", "/_cmgemu/faults", headers({{"Content-Type", "text/plain"}}),
              R"({"effect":"reset"})");
  EXPECT_EQ(res.status, 415);
  EXPECT_EQ(error_code(res), "UnsupportedMediaType");
  EXPECT_TRUE(lab->faults().rules().empty());
}

TEST(AdminAccessLabTest, Finding10_CurlLikeLoopbackUseStillWorks) {
  auto lab = start_lab();
  ASSERT_TRUE(lab);
  // curl --cacert CA -X POST "$ADMIN/clock/advance?by=5h" (Host: 127.0.0.1:<port>)
  const std::string port = std::to_string(lab->endpoint("admin")->port);
  const std::string before = format_iso8601(lab->clock().now());
  auto res = admin(*lab, "POST", "/_cmgemu/clock/advance?by=5h",
                   headers({{"Host", "127.0.0.1:" + port}, {"User-Agent", "curl/7.88.1"}}));
  EXPECT_EQ(res.status, 200) << res.body;
  EXPECT_NE(format_iso8601(lab->clock().now()), before);
  res = admin(*lab, "POST", "/_cmgemu/faults", headers({{"Content-Type", "application/json"}}),
              R"({"effect":"reset","listener":"arm"})");
  EXPECT_EQ(res.status, 201) << res.body;
  EXPECT_EQ(admin(*lab, "DELETE", "/_cmgemu/faults").status, 204);
  EXPECT_EQ(admin(*lab, "GET", "/_cmgemu/health").status, 200);
  // The harness's own calls (Host without port) pass too.
  EXPECT_EQ(admin(*lab, "GET", "/_cmgemu/journal", headers({{"Host", "localhost"}})).status, 200);
  EXPECT_EQ(lab->admin_token(), "");
}

TEST(AdminAccessLabTest, Finding10_AdminTokenIsRequiredWhenSet) {
  app::LabOptions options;
  options.admin_token = "lab-admin-token-0123456789";
  auto lab = start_lab(options);
  ASSERT_TRUE(lab);
  auto res = admin(*lab, "POST", "/_cmgemu/reset");
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(error_code(res), "Unauthorized");
  EXPECT_EQ(res.headers.get_or("WWW-Authenticate", ""), R"(Bearer realm="cmgemu")");
  res = admin(*lab, "GET", "/_cmgemu/health",
              headers({{"Authorization", "Bearer lab-admin-token-0123456788"}}));
  EXPECT_EQ(res.status, 401);
  res = admin(*lab, "GET", "/_cmgemu/health",
              headers({{"Authorization", "Bearer lab-admin-token-0123456789"}}));
  EXPECT_EQ(res.status, 200) << res.body;
  // The journal keeps the credential masked.
  lab->run_on_io([] {});
  bool masked = false;
  for (const auto& e : lab->journal().query({}))
    masked |= e.request_headers.get_or("Authorization", "") == "Bearer ***";
  EXPECT_TRUE(masked);
  // A weak token is refused at creation.
  app::LabOptions weak;
  weak.pki_dir = test::shared_pki().dir;
  weak.admin_token = "short";
  EXPECT_FALSE(app::Lab::create(weak).ok());
}

TEST(AdminAccessLabTest, Finding10_LabBoundBeyondLoopbackGetsAToken) {
  EXPECT_TRUE(app::is_loopback_address("127.0.0.1"));
  EXPECT_TRUE(app::is_loopback_address("127.1.2.3"));
  EXPECT_TRUE(app::is_loopback_address("::1"));
  EXPECT_TRUE(app::is_loopback_address("::ffff:127.0.0.1"));
  EXPECT_FALSE(app::is_loopback_address("0.0.0.0"));
  EXPECT_FALSE(app::is_loopback_address("::"));
  EXPECT_FALSE(app::is_loopback_address("192.168.1.10"));
  EXPECT_FALSE(app::is_loopback_address("localhost"));  // not an address
  app::LabOptions options;
  options.pki_dir = test::shared_pki().dir;
  options.bind_address = "0.0.0.0";  // created only, never started: nothing listens
  auto lab = app::Lab::create(options);
  ASSERT_TRUE(lab.ok()) << lab.status().to_string();
  EXPECT_GE((*lab)->admin_token().size(), 43u);
  auto other = app::Lab::create(options);
  ASSERT_TRUE(other.ok());
  EXPECT_NE((*other)->admin_token(), (*lab)->admin_token());  // not from the seeded ids
}

// Every registered action, fed arguments of every wrong kind through the admin API, answers
// with a client error or a result, never a 500, and the lab keeps serving.
TEST(AdminAccessLabTest, Finding3_EveryActionAnswersHostileArgumentsWithoutA500) {
  auto lab = start_lab();
  ASSERT_TRUE(lab);
  const std::vector<json> hostile = {json(1e308),      json(-1),      json(1.5),
                                     json(UINT64_MAX), json("x"),     json::array(),
                                     json::object(),   json(nullptr), json(true)};
  const http::Headers json_type = headers({{"Content-Type", "application/json"}});
  std::vector<std::string> server_errors;
  for (const std::string& name : lab->actions().names()) {
    const ActionDef* def = lab->actions().find(name);
    ASSERT_NE(def, nullptr);
    std::vector<std::string> keys = def->required_args;
    keys.insert(keys.end(), def->optional_args.begin(), def->optional_args.end());
    for (const json& value : hostile) {
      json args = json::object();
      for (const auto& key : keys) args[key] = value;
      auto res = admin(*lab, "POST", "/_cmgemu/actions/" + name, json_type, args.dump());
      if (res.status >= 500 && res.status != 501)
        server_errors.push_back(name + " " + args.dump() + " -> " + std::to_string(res.status) +
                                " " + res.body);
    }
  }
  for (const auto& line : server_errors) ADD_FAILURE() << line;
  EXPECT_EQ(admin(*lab, "GET", "/_cmgemu/health").status, 200);
}

// Large requests to a party: the journal stays inside its byte budget and a journal query
// answers one bounded page.
TEST(AdminAccessLabTest, Finding6_LargeRequestsKeepTheJournalAndItsPagesBounded) {
  app::LabOptions options;
  options.journal_max_bytes = 512 * 1024;
  auto lab = start_lab(options);
  ASSERT_TRUE(lab);
  auto arm = lab->endpoint("arm");
  ASSERT_TRUE(arm.ok());
  http::ClientOptions client;
  client.ca_file = lab->ca_path();
  client.sni = arm->host;
  auto conn = http::ClientConnection::open(arm->address, arm->port, client);
  ASSERT_TRUE(conn.ok()) << conn.status().to_string();
  const std::string body(1024 * 1024, 'x');
  http::Headers h = headers(
      {{"Content-Type", "application/octet-stream"}, {"x-pad", std::string(12 * 1024, 'p')}});
  for (int i = 0; i < 60; ++i) {
    auto res = (*conn)->request("PUT", "/subscriptions/x?api-version=2022-12-01", h, body);
    ASSERT_TRUE(res.ok()) << res.status().to_string();
  }
  lab->run_on_io([] {});
  EXPECT_LE(lab->journal().bytes(), options.journal_max_bytes);
  EXPECT_EQ(lab->journal().total_recorded(), 60u);
  EXPECT_LT(lab->journal().size(), 40u);  // ~16.5 KiB each: the oldest went
  auto res = admin(*lab, "GET", "/_cmgemu/journal?listener=arm");
  ASSERT_EQ(res.status, 200);
  EXPECT_LE(res.body.size(), kJournalPageBytes + 1024);
  auto j = json::parse(res.body);
  ASSERT_FALSE(j["entries"].empty());
  EXPECT_EQ(j["entries"][0]["request_body_truncated"], true);
  EXPECT_EQ(j["entries"][0]["request_body_bytes"], 1024 * 1024);
}

}  // namespace
}  // namespace emu

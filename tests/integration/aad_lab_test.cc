// The Entra ID party wired into a Lab: seeded from a lab section, served over real loopback
// HTTPS (discovery, token endpoint, Graph), its tokens checked by Lab::token_validator(), reset
// by Lab::reset(), and its scenario actions run by the harness.
#include "emulator/aad/keys/signing_keys.h"
#include "emulator/aad/public/token_validator.h"
#include "emulator/aad/public/well_known.h"
#include "emulator/app/lab.h"
#include "emulator/core/http/message.h"
#include "emulator/core/store/database.h"
#include "harness/lib/generic_actions.h"
#include "harness/lib/http_client.h"
#include "harness/lib/runner.h"
#include "harness/lib/scenario.h"
#include "tests/testlib/temp_dir.h"
#include "tests/testlib/test_pki.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>
#include <sys/stat.h>

namespace emu {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kSecret = "reader-secret-1";
constexpr const char* kGraphScope = "https://graph.microsoft.com/.default";

json lab_section() {
  json users = json::array(
      {{{"upn", "admin@contoso.onmicrosoft.com"}, {"directory_roles", {"Global Administrator"}}}});
  for (int i = 0; i < 120; ++i)
    users.push_back({{"upn", "user" + std::to_string(i) + "@contoso.onmicrosoft.com"}});
  json reader = {
      {"display_name", "Directory Reader"},
      {"secrets", {{{"value", kSecret}}}},
      {"app_permissions",
       {{{"resource", "https://graph.microsoft.com"}, {"roles", {"Directory.Read.All"}}}}}};
  return {{"tenant",
           {{"domain", "contoso.onmicrosoft.com"}, {"users", users}, {"applications", {reader}}}},
          {"site", {{"code", "P01"}, {"server", "cm01.contoso.com"}}}};  // another party's part
}

std::string form(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string body;
  for (const auto& [k, v] : fields)
    body += (body.empty() ? "" : "&") + http::url_encode(k) + "=" + http::url_encode(v);
  return body;
}

class AadLabTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app::LabOptions options;
    options.pki_dir = test::shared_pki().dir;
    auto lab = app::Lab::create(options);
    ASSERT_TRUE(lab.ok()) << lab.status().to_string();
    lab_ = std::move(lab).value();
    ASSERT_TRUE(lab_->start().ok());
    json summary;
    Status seeded = lab_->seed(lab_section(), &summary);
    ASSERT_TRUE(seeded.ok()) << seeded.to_string();
    const json& tenant = summary["aad"]["tenants"][0];
    tenant_id_ = tenant["id"].get<std::string>();
    app_id_ = tenant["applications"][0]["app_id"].get<std::string>();
    client_.ca_file = lab_->ca_path();
    client_.verify_time = lab_->clock().now();
  }

  HttpExchange send(const std::string& endpoint, HttpCall call) {
    auto e = lab_->endpoint(endpoint);
    EXPECT_TRUE(e.ok()) << e.status().message();
    if (!e.ok()) return {};
    auto ex = harness::send_http(*e, call, client_);
    EXPECT_TRUE(ex.ok()) << ex.status().message();
    return ex.ok() ? *ex : HttpExchange{};
  }

  HttpExchange token(const std::string& secret,
                     const std::string& tenant = "contoso.onmicrosoft.com") {
    HttpCall call;
    call.method = "POST";
    call.target = "/" + tenant + "/oauth2/v2.0/token";
    call.headers.set("Content-Type", "application/x-www-form-urlencoded");
    call.body = form({{"grant_type", "client_credentials"},
                      {"client_id", app_id_},
                      {"client_secret", secret},
                      {"scope", kGraphScope}});
    return send("aad", call);
  }

  std::string graph_token() {
    HttpExchange ex = token(kSecret);
    EXPECT_EQ(ex.status, 200) << ex.body;
    return json::parse(ex.body, nullptr, false).value("access_token", "");
  }

  std::unique_ptr<app::Lab> lab_;
  harness::HttpClientOptions client_;
  std::string tenant_id_, app_id_;
};

TEST_F(AadLabTest, ListensAsLoginAndGraph) {
  auto aad = lab_->endpoint("aad");
  auto graph = lab_->endpoint("graph");
  ASSERT_TRUE(aad.ok());
  ASSERT_TRUE(graph.ok());
  EXPECT_EQ(aad->host, "login.microsoftonline.com");
  EXPECT_EQ(graph->host, "graph.microsoft.com");
  EXPECT_EQ(aad->scheme, "https");
}

TEST_F(AadLabTest, DiscoveryEndpointsFollowTheHostHeaderAndTheIssuerDoesNot) {
  HttpCall call;
  call.target = "/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration";
  HttpExchange ex = send("aad", call);
  ASSERT_EQ(ex.status, 200) << ex.body;
  json doc = json::parse(ex.body, nullptr, false);
  EXPECT_EQ(doc["issuer"], "https://login.microsoftonline.com/" + tenant_id_ + "/v2.0");

  call.headers.set("Host", "login.microsoftonline.com:8443");  // the origin a client used
  ex = send("aad", call);
  ASSERT_EQ(ex.status, 200) << ex.body;
  doc = json::parse(ex.body, nullptr, false);
  EXPECT_EQ(doc["issuer"], "https://login.microsoftonline.com/" + tenant_id_ + "/v2.0");
  EXPECT_EQ(doc["token_endpoint"],
            "https://login.microsoftonline.com:8443/" + tenant_id_ + "/oauth2/v2.0/token");
}

TEST_F(AadLabTest, ClientCredentialsTokenPassesTheLabValidator) {
  const std::string jwt = graph_token();
  ASSERT_FALSE(jwt.empty());
  aad::ValidationPolicy policy;
  policy.audiences = {"https://graph.microsoft.com", aad::kGraphAppId};
  policy.tenant_id = tenant_id_;
  aad::TokenCheck check = lab_->token_validator()->validate(jwt, policy);
  ASSERT_TRUE(check.ok()) << aad::token_error_name(check.error) << ": " << check.message;
  EXPECT_EQ(check.principal.tenant_id, tenant_id_);
  EXPECT_EQ(check.principal.app_id, app_id_);
  EXPECT_EQ(check.principal.idtyp, "app");
  EXPECT_EQ(check.principal.issuer, "https://sts.windows.net/" + tenant_id_ + "/");
  EXPECT_EQ(check.principal.roles, std::vector<std::string>{"Directory.Read.All"});

  // Expired once the virtual clock passes exp (+ the validator's skew).
  lab_->clock().advance(std::chrono::hours(2));
  EXPECT_EQ(lab_->token_validator()->validate(jwt, policy).error, aad::TokenError::kExpired);
}

TEST_F(AadLabTest, WrongSecretIsAadsts7000215) {
  HttpExchange ex = token("not-the-secret");
  EXPECT_EQ(ex.status, 401);
  json body = json::parse(ex.body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << ex.body;
  EXPECT_EQ(body["error"], "invalid_client");
  EXPECT_EQ(body["error_codes"], json::array({7000215}));
  EXPECT_THAT(body["error_description"].get<std::string>(), StartsWith("AADSTS7000215: "));
}

TEST_F(AadLabTest, GraphPagesOverEverySeededUser) {
  const std::string jwt = graph_token();
  std::set<std::string> ids;
  std::string target = "/v1.0/users";
  int pages = 0;
  while (!target.empty() && pages < 10) {
    HttpCall call;
    call.target = target;
    call.headers.set("Authorization", "Bearer " + jwt);
    HttpExchange ex = send("graph", call);
    ASSERT_EQ(ex.status, 200) << ex.body;
    json page = json::parse(ex.body, nullptr, false);
    ++pages;
    for (const auto& u : page["value"]) ids.insert(u["id"].get<std::string>());
    target.clear();
    if (page.contains("@odata.nextLink")) {
      const std::string link = page["@odata.nextLink"].get<std::string>();
      const std::string origin = "https://graph.microsoft.com";
      ASSERT_THAT(link, StartsWith(origin));
      target = link.substr(origin.size());
    }
  }
  EXPECT_EQ(pages, 2);          // 100 + 21
  EXPECT_EQ(ids.size(), 121u);  // the admin and 120 users, none twice
}

TEST_F(AadLabTest, GraphRefusesAnAnonymousRequest) {
  HttpCall call;
  call.target = "/v1.0/users";
  HttpExchange ex = send("graph", call);
  EXPECT_EQ(ex.status, 401);
  json body = json::parse(ex.body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << ex.body;
  EXPECT_TRUE(body["error"].contains("code"));
}

TEST_F(AadLabTest, ResetClearsTheDirectory) {
  ASSERT_EQ(token(kSecret).status, 200);
  ASSERT_TRUE(lab_->reset().ok());
  HttpExchange ex = token(kSecret);
  EXPECT_EQ(ex.status, 400);
  json body = json::parse(ex.body, nullptr, false);
  EXPECT_EQ(body["error_codes"], json::array({90002})) << ex.body;  // tenant not found
  // The same section seeds again (nothing of it is left).
  EXPECT_TRUE(lab_->seed(lab_section()).ok());
}

TEST_F(AadLabTest, SeedErrorsNameTheServiceAndPath) {
  json bad = json::parse(R"({"tenant": {"domain": "fabrikam.onmicrosoft.com",
                                        "users": [{"upm": "x@fabrikam.onmicrosoft.com"}]}})");
  Status s = lab_->seed(bad);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "aad: lab.tenant.users[0].upm: unknown key; did you mean 'upn'?");
}

// The aad.* actions through the harness runner: a scenario with an inline lab section.
// Finding 3 of issue 11: an access token whose aud is an array (legal JWT, RFC 7519 §4.1.3)
// reached ARM's refusal path, which read aud as a string: 500 "type must be string". It is a
// 401 InvalidAuthenticationTokenAudience when ARM is not among the values, and accepted when
// it is. The tokens carry valid signatures (the lab's own signing keys).
TEST_F(AadLabTest, Finding3_ArrayAudienceTokenIsA401AtArmNotA500) {
  auto db = store::Database::open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->exec(aad::kSigningKeysDdl).ok());
  auto keys = aad::SigningKeySet::open(**db, lab_->pki_dir(), 1, lab_->clock());
  ASSERT_TRUE(keys.ok()) << keys.status().to_string();
  const int64_t now = unix_seconds(lab_->clock().now());
  json claims = {{"iss", aad::v1_issuer(tenant_id_)},
                 {"tid", tenant_id_},
                 {"oid", "6f1c2a70-0d1c-4c8e-9f43-2a1b3c4d5e6f"},
                 {"appid", app_id_},
                 {"idtyp", "app"},
                 {"iat", now},
                 {"nbf", now},
                 {"exp", now + 3600}};
  auto arm_get = [&](const json& aud) {
    json c = claims;
    c["aud"] = aud;
    auto token = (*keys)->sign(c);
    EXPECT_TRUE(token.ok());
    HttpCall call;
    call.target = "/subscriptions?api-version=2022-12-01";
    call.headers.set("Authorization", "Bearer " + token.value_or(""));
    return send("arm", call);
  };
  HttpExchange wrong = arm_get({"https://graph.microsoft.com", "api://other"});
  EXPECT_EQ(wrong.status, 401) << wrong.body;
  json body = json::parse(wrong.body, nullptr, false);
  EXPECT_EQ(body["error"]["code"], "InvalidAuthenticationTokenAudience") << wrong.body;
  EXPECT_THAT(body["error"]["message"].get<std::string>(),
              HasSubstr("wrong audience or resource 'https://graph.microsoft.com,api://other'"));

  HttpExchange right = arm_get({"https://graph.microsoft.com", "https://management.azure.com/"});
  EXPECT_EQ(right.status, 200) << right.body;

  HttpExchange odd = arm_get({"https://management.azure.com/", 7});
  EXPECT_EQ(odd.status, 401) << odd.body;
  EXPECT_EQ(json::parse(odd.body, nullptr, false)["error"]["code"], "InvalidAuthenticationToken");
}

// Finding 9 of issue 11: after a Lab run with a state folder, the folder is 0700 and every file
// that holds a private key or a secret (the parties' databases with their SQLite companions,
// the PKI's keys and PFX files) is 0600, even under a permissive umask.
TEST(AadLabFiles, Finding9_SecretsInTheStateFolderAreOwnerOnly) {
  const mode_t saved_umask = ::umask(022);
  test::TempDir tmp;
  const std::string state = tmp.file("state");
  std::filesystem::create_directories(state + "/pki");
  // Reuse the shared PKI's keys (no RSA generation here); copies keep the source's modes.
  ASSERT_TRUE(test::copy_pki_files(test::shared_pki().dir, state + "/pki",
                                   {".key", ".pem", ".pfx", ".crl", ".crt"}));
  {
    app::LabOptions options;
    options.state_dir = state;
    auto lab = app::Lab::create(options);
    ASSERT_TRUE(lab.ok()) << lab.status().to_string();
    ASSERT_TRUE((*lab)->start().ok());
    json summary;
    Status seeded = (*lab)->seed(lab_section(), &summary);
    ASSERT_TRUE(seeded.ok()) << seeded.to_string();
    auto aad = (*lab)->endpoint("aad");
    ASSERT_TRUE(aad.ok());
    HttpCall call;
    call.method = "POST";
    call.target = "/contoso.onmicrosoft.com/oauth2/v2.0/token";
    call.headers.set("Content-Type", "application/x-www-form-urlencoded");
    call.body =
        form({{"grant_type", "client_credentials"},
              {"client_id",
               summary["aad"]["tenants"][0]["applications"][0]["app_id"].get<std::string>()},
              {"client_secret", kSecret},
              {"scope", kGraphScope}});
    harness::HttpClientOptions client;
    client.ca_file = (*lab)->ca_path();
    client.verify_time = (*lab)->clock().now();
    auto ex = harness::send_http(*aad, call, client);
    ASSERT_TRUE(ex.ok()) << ex.status().message();
    EXPECT_EQ(ex->status, 200) << ex->body;

    auto mode = [](const std::filesystem::path& p) {
      struct stat st {};
      return ::stat(p.c_str(), &st) == 0 ? st.st_mode & 0777 : 01000u;
    };
    EXPECT_EQ(mode(state), 0700u);
    std::set<std::string> secret_files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(state)) {
      if (!entry.is_regular_file()) continue;
      const std::string name = entry.path().filename().string();
      const std::string ext = entry.path().extension().string();
      const bool secret = ext == ".db" || ext == ".db-wal" || ext == ".db-shm" ||
                          ext == ".db-journal" || ext == ".key" || ext == ".pfx";
      if (!secret) continue;
      secret_files.insert(std::filesystem::relative(entry.path(), state).string());
      EXPECT_EQ(mode(entry.path()), 0600u) << entry.path();
    }
    EXPECT_TRUE(secret_files.count("aad.db")) << "aad.db holds the signing keys";
    EXPECT_TRUE(secret_files.count("aad.db-wal"));
    EXPECT_TRUE(secret_files.count("arm.db"));
    EXPECT_TRUE(secret_files.count("pki/cmgemu-lab-root-ca.key"));
    bool pfx = false;
    for (const std::string& f : secret_files) pfx = pfx || f.ends_with(".pfx");
    EXPECT_TRUE(pfx) << "the PKI writes PFX files";
  }
  ::umask(saved_umask);
}

TEST(AadActions, RunInAScenario) {
  auto scenario = harness::load_scenario_text(R"({
    "format": "cmgemu/scenario@1", "name": "aad-actions",
    "lab": {"tenant": {"domain": "contoso.onmicrosoft.com",
                       "users": [{"upn": "admin@contoso.onmicrosoft.com"}]}},
    "steps": [
      {"id": "user", "action": "aad.user.create",
       "args": {"upn": "bob@contoso.onmicrosoft.com", "password": "Bob-Pass-1"},
       "expect": {"output": {"/upn": "bob@contoso.onmicrosoft.com", "/id": {"$exists": true}}}},
      {"id": "ropc", "action": "aad.token.acquire",
       "args": {"grant": "password", "client_id": "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
                "username": "bob@contoso.onmicrosoft.com", "password": "Bob-Pass-1",
                "scope": "https://management.azure.com//.default"},
       "expect": {"status": 200, "output": {"/claims/upn": "bob@contoso.onmicrosoft.com",
                                            "/claims/oid": "${steps.user.id}"}}},
      {"id": "disable", "action": "aad.user.disable", "args": {"user": "${steps.user.upn}"},
       "expect": {"output": {"/enabled": false}}},
      {"id": "disabled", "action": "aad.token.acquire",
       "args": {"grant": "password", "client_id": "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
                "username": "bob@contoso.onmicrosoft.com", "password": "Bob-Pass-1",
                "scope": "https://management.azure.com//.default"},
       "expect": {"status": 400, "output": {"/aadsts": 50057}}},
      {"id": "cert", "action": "aad.app.create", "args": {"display_name": "Cert App"}},
      {"id": "add-cert", "action": "aad.app.add_certificate", "args": {"app": "${steps.cert.app_id}"},
       "expect": {"output": {"/thumbprint": {"$matches": "^[A-Za-z0-9_-]{27}$"}}}},
      {"id": "tenant", "action": "aad.tenant.create",
       "args": {"domain": "fabrikam.onmicrosoft.com", "users": [{"upn": "x@fabrikam.onmicrosoft.com"}]},
       "expect": {"output": {"/domain": "fabrikam.onmicrosoft.com"}}},
      {"id": "ambiguous", "action": "aad.app.create", "args": {"display_name": "Where?"},
       "continue_on_failure": true}
    ]})",
                                              "inline.json", harness::scenario_action_registry());
  ASSERT_TRUE(scenario.ok()) << scenario.status().message();
  harness::RunOptions options;
  options.pki_dir = test::shared_pki().dir;
  auto report = harness::run_scenario(*scenario, options);
  ASSERT_TRUE(report.ok()) << report.status().message();
  ASSERT_EQ(report->steps.size(), 8u);
  for (size_t i = 0; i + 1 < report->steps.size(); ++i) {
    const auto& step = report->steps[i];
    EXPECT_EQ(step.status, harness::StepStatus::kPassed)
        << step.id << ": " << step.message << (step.details.empty() ? "" : "; " + step.details[0]);
  }
  // Two tenants now: an action that names none cannot pick one.
  EXPECT_EQ(report->steps[7].status, harness::StepStatus::kFailed);
  EXPECT_EQ(report->steps[7].message, "tenant: required when the lab has 2 tenants");
}

TEST(AadActions, ABadLabSectionFailsTheRun) {
  auto scenario = harness::load_scenario_text(R"({
    "format": "cmgemu/scenario@1", "name": "bad-lab",
    "lab": {"tenant": {"domain": "contoso.onmicrosoft.com", "users": [{"upn": 7}]}},
    "steps": [{"action": "clock.advance", "args": {"by": "1m"}}]})",
                                              "bad.json", harness::scenario_action_registry());
  ASSERT_TRUE(scenario.ok()) << scenario.status().message();
  harness::RunOptions options;
  options.pki_dir = test::shared_pki().dir;
  auto report = harness::run_scenario(*scenario, options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(report.status().message(), "aad: lab.tenant.users[0].upn: must be a non-empty string");
}

}  // namespace
}  // namespace emu

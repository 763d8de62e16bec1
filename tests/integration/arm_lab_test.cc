// The ARM party wired into a Lab: seeded from a lab section, reached over real loopback HTTPS
// with real tokens from the lab's Entra ID (v1 and v2 audiences, a token for another resource,
// an expired token, a principal without a role), the fault plan's throttling, and reset.
#include "emulator/app/lab.h"
#include "emulator/core/faults.h"
#include "emulator/core/http/message.h"
#include "harness/lib/http_client.h"
#include "tests/testlib/test_pki.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace emu {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr const char* kSub = "5f0c6a7e-1b2d-4c3e-8f4a-9b8c7d6e5f40";

json lab_section() {
  auto app = [](const std::string& name, const std::string& secret) {
    return json{{"display_name", name}, {"secrets", {{{"value", secret}}}}};
  };
  return {
      {"tenant",
       {{"domain", "contoso.onmicrosoft.com"},
        {"users", {{{"upn", "admin@contoso.onmicrosoft.com"}}}},
        {"applications", {app("CMG-ServerApp", "server-secret"), app("Nobody", "nobody-secret")}}}},
      {"subscription",
       {{"id", kSub},
        {"name", "Contoso Lab"},
        {"co_administrators", {"admin@contoso.onmicrosoft.com"}},
        {"role_assignments",
         {{{"principal", "CMG-ServerApp"}, {"role", "Contributor"}, {"resource_group", "cmg-rg"}}}},
        {"resource_groups", {{{"name", "cmg-rg"}, {"location", "japaneast"}}}}}}};
}

std::string code_of(const HttpExchange& x) {
  json j = json::parse(x.body, nullptr, false);
  return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
}

class ArmLabTest : public ::testing::Test {
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
    ASSERT_EQ(summary["arm"]["subscriptions"][0]["id"], kSub);
    const json& tenant = summary["aad"]["tenants"][0];
    tenant_id_ = tenant["id"].get<std::string>();
    for (const auto& a : tenant["applications"])
      app_ids_[a["display_name"].get<std::string>()] = a["app_id"].get<std::string>();
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

  // A v1 client-credentials token for `resource`.
  std::string token(const std::string& app, const std::string& secret,
                    const std::string& resource = "https://management.azure.com/") {
    HttpCall call;
    call.method = "POST";
    call.target = "/" + tenant_id_ + "/oauth2/token";
    call.headers.set("Content-Type", "application/x-www-form-urlencoded");
    call.body = "grant_type=client_credentials&client_id=" + app_ids_[app] +
                "&client_secret=" + secret + "&resource=" + http::url_encode(resource);
    HttpExchange x = send("aad", call);
    EXPECT_EQ(x.status, 200) << x.body;
    return json::parse(x.body, nullptr, false).value("access_token", "");
  }

  HttpExchange arm(const std::string& method, const std::string& path, const std::string& bearer,
                   const json& body = nullptr) {
    return arm_text(method, path, bearer, body.is_null() ? "" : body.dump());
  }

  // A request whose body is sent as is (not re-serialized), e.g. hostile JSON text.
  HttpExchange arm_text(const std::string& method, const std::string& path,
                        const std::string& bearer, std::string body) {
    HttpCall call;
    call.method = method;
    call.target = path + "?api-version=2021-04-01";
    if (!bearer.empty()) call.headers.set("Authorization", "Bearer " + bearer);
    call.headers.set("x-ms-correlation-request-id", "c0ffee00-0000-4000-8000-000000000001");
    if (!body.empty()) {
      call.headers.set("Content-Type", "application/json");
      call.body = std::move(body);
    }
    return send("arm", call);
  }

  std::string deployment(const std::string& name) const {
    return group_ + "/providers/Microsoft.Resources/deployments/" + name;
  }

  // The lab still answers an ordinary read after a hostile request.
  void expect_lab_answers(const std::string& bearer) {
    HttpExchange x = arm("GET", group_, bearer);
    EXPECT_EQ(x.status, 200) << x.body;
  }

  std::unique_ptr<app::Lab> lab_;
  harness::HttpClientOptions client_;
  std::string tenant_id_;
  std::map<std::string, std::string> app_ids_;
  const std::string group_ = std::string("/subscriptions/") + kSub + "/resourceGroups/cmg-rg";
};

TEST_F(ArmLabTest, ServerAppIsContributorOfItsGroupOnly) {
  const std::string t = token("CMG-ServerApp", "server-secret");
  HttpExchange got = arm("GET", group_, t);
  EXPECT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.headers.get_or("x-ms-correlation-request-id", ""),
            "c0ffee00-0000-4000-8000-000000000001");
  HttpExchange other = arm("PUT", std::string("/subscriptions/") + kSub + "/resourcegroups/other",
                           t, json{{"location", "japaneast"}});
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(code_of(other), "AuthorizationFailed");
  EXPECT_THAT(other.body, HasSubstr("Microsoft.Resources/subscriptions/resourceGroups/write"));
}

TEST_F(ArmLabTest, PrincipalWithoutARoleIsRefused) {
  HttpExchange x = arm("GET", group_, token("Nobody", "nobody-secret"));
  EXPECT_EQ(x.status, 403);
  EXPECT_EQ(code_of(x), "AuthorizationFailed");
}

TEST_F(ArmLabTest, TokenForAnotherResourceIsTheWrongAudience) {
  HttpExchange x =
      arm("GET", group_, token("CMG-ServerApp", "server-secret", "https://graph.microsoft.com"));
  EXPECT_EQ(x.status, 401);
  EXPECT_EQ(code_of(x), "InvalidAuthenticationTokenAudience");
  EXPECT_THAT(x.body, HasSubstr("'https://graph.microsoft.com'"));
  EXPECT_THAT(x.headers.get_or("WWW-Authenticate", ""), HasSubstr("error=\"invalid_token\""));
}

TEST_F(ArmLabTest, ExpiredTokenIsRefusedOnceVirtualTimePassesExp) {
  const std::string t = token("CMG-ServerApp", "server-secret");
  EXPECT_EQ(arm("GET", group_, t).status, 200);  // validated once, then cached
  lab_->clock().advance(std::chrono::hours(2));
  client_.verify_time = lab_->clock().now();
  HttpExchange x = arm("GET", group_, t);
  EXPECT_EQ(x.status, 401);
  EXPECT_EQ(code_of(x), "ExpiredAuthenticationToken");
  EXPECT_THAT(x.body, HasSubstr("is earlier than current UTC time"));
}

TEST_F(ArmLabTest, MissingTokenIsAuthenticationFailed) {
  HttpExchange x = arm("GET", group_, "");
  EXPECT_EQ(x.status, 401);
  EXPECT_EQ(code_of(x), "AuthenticationFailed");
}

TEST_F(ArmLabTest, ThrottlingComesFromTheFaultPlanWithRetryAfter) {
  FaultRule rule;
  rule.listener = "arm";
  rule.effect = FaultRule::Effect::kThrottle;
  rule.retry_after_seconds = 7;
  rule.count = 1;
  ASSERT_TRUE(lab_->faults().add(rule).ok());
  const std::string t = token("CMG-ServerApp", "server-secret");
  HttpExchange throttled = arm("GET", group_, t);
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(throttled.headers.get_or("Retry-After", ""), "7");
  EXPECT_EQ(code_of(throttled), "TooManyRequests");
  EXPECT_EQ(arm("GET", group_, t).status, 200);
}

TEST_F(ArmLabTest, ResetEmptiesArmAndSeedRestoresIt) {
  ASSERT_TRUE(lab_->reset().ok());
  json tenant_only = lab_section();
  tenant_only.erase("subscription");
  json summary;
  ASSERT_TRUE(lab_->seed(tenant_only, &summary).ok());
  tenant_id_ = summary["aad"]["tenants"][0]["id"].get<std::string>();
  for (const auto& a : summary["aad"]["tenants"][0]["applications"])
    app_ids_[a["display_name"].get<std::string>()] = a["app_id"].get<std::string>();
  const std::string t = token("CMG-ServerApp", "server-secret");
  HttpExchange gone = arm("GET", group_, t);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(code_of(gone), "SubscriptionNotFound");
  json subscription_only = lab_section();
  subscription_only.erase("tenant");
  ASSERT_TRUE(lab_->seed(subscription_only).ok());
  EXPECT_EQ(arm("GET", group_, t).status, 200);
}

// --- Issue 11: limits on what a deployment may ask (emulator/arm/README.md "Limits") ---

std::string nested_text(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string deployment_body(const std::string& template_text,
                            const std::string& parameters_text = "{}") {
  return R"({"properties":{"mode":"Incremental","template":)" + template_text +
         R"(,"parameters":)" + parameters_text + "}}";
}

TEST_F(ArmLabTest, Finding1_DeepTemplateIsRefusedAndTheLabStillAnswers) {
  const std::string t = token("CMG-ServerApp", "server-secret");
  const std::string deep = nested_text(20000);
  const std::string templates[] = {
      R"({"resources":[],"variables":{"v":)" + deep + "}}",
      R"({"resources":[],"parameters":{"p":{"type":"array","defaultValue":)" + deep + "}}}",
      R"({"resources":[],"outputs":{"o":{"type":"array","value":)" + deep + "}}}"};
  for (const std::string& tmpl : templates) {
    HttpExchange x = arm_text("PUT", deployment("deep"), t, deployment_body(tmpl));
    EXPECT_EQ(x.status, 400) << x.body.substr(0, 300);
    EXPECT_EQ(code_of(x), "InvalidRequestContent");
    EXPECT_THAT(x.body, HasSubstr("64 levels"));
    expect_lab_answers(t);
  }
  // The same deep array in another ARM body (a resource group PUT).
  HttpExchange put =
      arm_text("PUT", group_, t, R"({"location":"japaneast","tags":{"x":)" + deep + "}}");
  EXPECT_EQ(put.status, 400) << put.body.substr(0, 300);
  EXPECT_EQ(code_of(put), "InvalidRequestContent");
  expect_lab_answers(t);
}

TEST_F(ArmLabTest, Finding2_ConcatBombIsRefusedAndTheLabStillAnswers) {
  const std::string t = token("CMG-ServerApp", "server-secret");
  json vars = json::object();
  vars["v0"] = std::string(1000, 'a');
  for (int i = 1; i <= 40; ++i) {
    const std::string prev = "variables('v" + std::to_string(i - 1) + "')";
    vars["v" + std::to_string(i)] = "[concat(" + prev + ", " + prev + ")]";
  }
  json tmpl = {{"resources", json::array()},
               {"variables", vars},
               {"outputs", {{"o", {{"type", "int"}, {"value", "[length(variables('v40'))]"}}}}}};
  // Refused by the expanded-template size or the evaluation work, whichever comes first.
  const auto refused = ::testing::AnyOf("DeploymentJobSizeExceeded", "InvalidTemplate");
  HttpExchange x = arm_text("PUT", deployment("bomb"), t, deployment_body(tmpl.dump()));
  EXPECT_EQ(x.status, 400) << x.body.substr(0, 300);
  EXPECT_THAT(code_of(x), refused);
  expect_lab_answers(t);
  // validate runs the same preflight.
  HttpExchange v =
      arm_text("POST", deployment("bomb") + "/validate", t, deployment_body(tmpl.dump()));
  EXPECT_EQ(v.status, 400);
  EXPECT_THAT(code_of(v), refused);
  expect_lab_answers(t);
}

TEST_F(ArmLabTest, RequestBodyOf4MBIsAcceptedAndOneByteMoreIs413) {
  const std::string t = token("CMG-ServerApp", "server-secret");
  const std::string body = deployment_body(R"({"resources":[]})");
  const size_t limit = 4 * 1024 * 1024;
  const std::string at = body + std::string(limit - body.size(), ' ');
  HttpExchange ok = arm_text("PUT", deployment("big"), t, at);
  EXPECT_EQ(ok.status, 201) << ok.body.substr(0, 300);
  HttpExchange past = arm_text("PUT", deployment("bigger"), t, at + " ");
  EXPECT_EQ(past.status, 413) << past.body.substr(0, 300);
  EXPECT_EQ(code_of(past), "RequestContentTooLarge");
  EXPECT_THAT(past.body, HasSubstr("The request content size exceeds the maximum size of 4 MB."));
  expect_lab_answers(t);
}

TEST_F(ArmLabTest, BodyNesting64IsAcceptedAnd65IsRefused) {
  const std::string t = token("CMG-ServerApp", "server-secret");
  // body, properties, template, variables: four levels before the variable's value.
  HttpExchange ok =
      arm_text("PUT", deployment("nest64"), t,
               deployment_body(R"({"resources":[],"variables":{"v":)" + nested_text(60) + "}}"));
  EXPECT_EQ(ok.status, 201) << ok.body.substr(0, 300);
  HttpExchange past =
      arm_text("PUT", deployment("nest65"), t,
               deployment_body(R"({"resources":[],"variables":{"v":)" + nested_text(61) + "}}"));
  EXPECT_EQ(past.status, 400);
  EXPECT_EQ(code_of(past), "InvalidRequestContent");
}

TEST_F(ArmLabTest, TemplateParameterCountLimitOverHttps) {
  const std::string t = token("CMG-ServerApp", "server-secret");
  auto tmpl = [](int n) {
    json params = json::object();
    for (int i = 0; i < n; ++i)
      params["p" + std::to_string(i)] = {{"type", "string"}, {"defaultValue", "x"}};
    return json{{"resources", json::array()}, {"parameters", params}}.dump();
  };
  HttpExchange ok = arm_text("PUT", deployment("p256"), t, deployment_body(tmpl(256)));
  EXPECT_EQ(ok.status, 201) << ok.body.substr(0, 300);
  HttpExchange past = arm_text("PUT", deployment("p257"), t, deployment_body(tmpl(257)));
  EXPECT_EQ(past.status, 400);
  EXPECT_EQ(code_of(past), "InvalidTemplate");
  EXPECT_THAT(past.body, HasSubstr("The number of template parameters limit exceeded. Limit: "
                                   "'256' and actual: '257'."));
}

}  // namespace
}  // namespace emu

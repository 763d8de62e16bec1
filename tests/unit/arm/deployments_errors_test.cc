// Deployment validation and refusals: validate OK/400, SkuNotAvailable and QuotaExceeded as
// InvalidTemplateDeployment, MissingSubscriptionRegistration, InvalidTemplate, RBAC, and the
// request shapes the emulator refuses (templateLink, Complete mode).
#include "tests/unit/arm/deployments_fixture.h"

#include <gmock/gmock.h>

#include <regex>

namespace emu::arm::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class DeploymentErrorsTest : public DeploymentFixture {};

TEST_F(DeploymentErrorsTest, ValidateAcceptsTheCmgTemplateWithoutWriting) {
  auto res = validate("cmg", cmg_template());
  ASSERT_EQ(res.status, 200) << res.body;
  const json v = body_of(res);
  EXPECT_EQ(v["id"], kRg + "/providers/Microsoft.Resources/deployments/cmg");
  EXPECT_EQ(v["properties"]["provisioningState"], "Succeeded");
  EXPECT_EQ(v["properties"]["mode"], "Incremental");
  EXPECT_FALSE(v["properties"]["templateHash"].get<std::string>().empty());
  ASSERT_EQ(v["properties"]["validatedResources"].size(), 7u);
  EXPECT_EQ(v["properties"]["validatedResources"][6]["id"], kVmssId);
  EXPECT_EQ(call("GET", kDeployments + "/cmg").status, 404);
  EXPECT_EQ(resource_state(kPipId), "");
  EXPECT_FALSE(store().find_name("dns", "cmgcontoso.japaneast").ok());
}

TEST_F(DeploymentErrorsTest, SkuNotOfferedIsAnInvalidTemplateDeployment) {
  ASSERT_TRUE(store().put_setting("sku_offers", {{"japaneast", {"Standard_A2_v2"}}}).ok());
  auto res = validate("cmg", cmg_template());
  ASSERT_EQ(res.status, 400) << res.body;
  const json e = body_of(res)["error"];
  EXPECT_EQ(e["code"], "InvalidTemplateDeployment");
  EXPECT_TRUE(std::regex_match(
      e["message"].get<std::string>(),
      std::regex("The template deployment 'cmg' is not valid according to the validation "
                 "procedure\\. The tracking id is '[0-9a-f-]{36}'\\. See inner errors for "
                 "details\\.")))
      << e["message"];
  ASSERT_EQ(e["details"].size(), 1u);
  EXPECT_EQ(e["details"][0]["code"], "SkuNotAvailable");
  // The PUT runs the same preflight and writes nothing.
  auto put = deploy("cmg", cmg_template());
  EXPECT_EQ(put.status, 400);
  EXPECT_EQ(code_of(put), "InvalidTemplateDeployment");
  EXPECT_EQ(call("GET", kDeployments + "/cmg").status, 404);
  EXPECT_EQ(resource_state(kNsgId), "");
  // Another size passes.
  EXPECT_EQ(validate("cmg", cmg_template(), {{"vmSize", {{"value", "Standard_A2_v2"}}}}).status,
            200);
}

TEST_F(DeploymentErrorsTest, QuotaExceededIsAnInvalidTemplateDeployment) {
  ASSERT_TRUE(store().put_setting("quota", {{"japaneast", {{"cores", 1}}}}).ok());
  auto res = deploy("cmg", cmg_template());
  ASSERT_EQ(res.status, 400) << res.body;
  const json e = body_of(res)["error"];
  EXPECT_EQ(e["code"], "InvalidTemplateDeployment");
  ASSERT_EQ(e["details"].size(), 1u);
  EXPECT_EQ(e["details"][0]["code"], "QuotaExceeded");
  EXPECT_THAT(e["details"][0]["message"].get<std::string>(), HasSubstr("Current Limit: 1"));
}

TEST_F(DeploymentErrorsTest, UnregisteredProviderIsMissingSubscriptionRegistration) {
  ASSERT_TRUE(
      store().put_provider({kSub, "Microsoft.KeyVault", "NotRegistered", "", TimePoint{}}).ok());
  for (const auto& res : {deploy("cmg", cmg_template()), validate("cmg", cmg_template())}) {
    EXPECT_EQ(res.status, 409);
    const json e = body_of(res)["error"];
    EXPECT_EQ(e["code"], "MissingSubscriptionRegistration");
    EXPECT_THAT(e["message"].get<std::string>(), HasSubstr("namespace 'Microsoft.KeyVault'"));
  }
  EXPECT_EQ(resource_state(kNsgId), "");
}

TEST_F(DeploymentErrorsTest, UnsupportedFunctionIsInvalidTemplateWithItsPath) {
  json tmpl = cmg_template();
  tmpl["resources"][2]["properties"]["dnsSettings"]["domainNameLabel"] = "[noSuchFunction('x')]";
  auto res = deploy("cmg", tmpl);
  ASSERT_EQ(res.status, 400) << res.body;
  const json e = body_of(res)["error"];
  EXPECT_EQ(e["code"], "InvalidTemplate");
  EXPECT_THAT(e["message"].get<std::string>(), HasSubstr("noSuchFunction"));
  EXPECT_THAT(e.value("target", ""), HasSubstr("resources[2]"));
  EXPECT_EQ(call("GET", kDeployments + "/cmg").status, 404);
}

TEST_F(DeploymentErrorsTest, MissingRequiredParameterIsInvalidTemplate) {
  json tmpl = cmg_template();
  tmpl["parameters"]["dnsLabel"].erase("defaultValue");
  auto res = validate("cmg", tmpl);
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(code_of(res), "InvalidTemplate");
}

TEST_F(DeploymentErrorsTest, ReaderMayReadButNotDeploy) {
  auto res = deploy("cmg", cmg_template(), json::object(), "reader");
  EXPECT_EQ(res.status, 403);
  EXPECT_EQ(code_of(res), "AuthorizationFailed");
  EXPECT_THAT(body_of(res)["error"]["message"].get<std::string>(),
              HasSubstr("'Microsoft.Resources/deployments/write'"));
  ASSERT_EQ(deploy("cmg", cmg_template()).status, 201);
  EXPECT_EQ(call("GET", kDeployments + "/cmg", nullptr, "reader").status, 200);
  // A Contributor of rg1 deploys there.
  json empty = {{"contentVersion", "1.0.0.0"}, {"resources", json::array()}};
  EXPECT_EQ(deploy("other", empty, json::object(), "contributor").status, 201);
}

TEST_F(DeploymentErrorsTest, UnknownGroupIsNotFound) {
  auto res = call("PUT",
                  std::string("/subscriptions/") + kSub +
                      "/resourcegroups/nope/providers/Microsoft.Resources/deployments/d1",
                  json{{"properties", {{"template", cmg_template()}, {"mode", "Incremental"}}}});
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(code_of(res), "ResourceGroupNotFound");
}

TEST_F(DeploymentErrorsTest, TemplateLinkAndCompleteModeAreRefused) {
  auto link = call(
      "PUT", kDeployments + "/d1",
      json{{"properties",
            {{"templateLink", {{"uri", "https://example.com/t.json"}}}, {"mode", "Incremental"}}}});
  EXPECT_EQ(link.status, 400);
  EXPECT_EQ(code_of(link), "InvalidTemplate");
  EXPECT_EQ(body_of(link)["error"]["target"], "properties.templateLink");
  auto complete = call("PUT", kDeployments + "/d1",
                       json{{"properties", {{"template", cmg_template()}, {"mode", "Complete"}}}});
  EXPECT_EQ(complete.status, 400);
  EXPECT_EQ(code_of(complete), "InvalidParameter");
  EXPECT_EQ(body_of(complete)["error"]["target"], "properties.mode");
  auto none = call("PUT", kDeployments + "/d1", json{{"properties", {{"mode", "Incremental"}}}});
  EXPECT_EQ(none.status, 400);
  EXPECT_EQ(code_of(none), "InvalidRequestContent");
  auto bad_name = call("PUT", kDeployments + "/bad%20name!",
                       json{{"properties", {{"template", cmg_template()}}}});
  EXPECT_EQ(code_of(bad_name), "InvalidDeploymentName");
}

}  // namespace
}  // namespace emu::arm::testing

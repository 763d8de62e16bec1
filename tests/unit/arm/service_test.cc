// The ARM pipeline and the handlers of subscriptions, providers, resource groups, operations,
// role assignments and metadata, through the real router (tests/unit/arm/arm_fixture.h).
#include "tests/unit/arm/arm_fixture.h"

#include <gmock/gmock.h>

namespace emu::arm::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const std::string kSubPath = std::string("/subscriptions/") + kSub;

std::string code_of(const http::Response& res) {
  auto j = json::parse(res.body, nullptr, false);
  return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
}

class ArmServiceTest : public ArmFixture {};

TEST_F(ArmServiceTest, MissingApiVersionIsRefused) {
  auto res = call("GET", kSubPath + "/resourcegroups", nullptr, "owner", false);
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(code_of(res), "MissingApiVersionParameter");
}

TEST_F(ArmServiceTest, MalformedApiVersionIsRefused) {
  auto res = call("GET", kSubPath + "/resourcegroups?api-version=latest");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(code_of(res), "InvalidApiVersionParameter");
}

TEST_F(ArmServiceTest, AnyWellFormedApiVersionIsAccepted) {
  EXPECT_EQ(call("GET", kSubPath + "/resourcegroups?api-version=2031-07-01-preview").status, 200);
}

TEST_F(ArmServiceTest, TokenRefusalsUseArmCodesAndWwwAuthenticate) {
  auto missing = call("GET", kSubPath, nullptr, "");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(code_of(missing), "AuthenticationFailed");
  EXPECT_THAT(std::string(missing.headers.get_or("WWW-Authenticate", "")),
              HasSubstr("Bearer authorization_uri=\"https://login.windows.net/\""));
  EXPECT_EQ(code_of(call("GET", kSubPath, nullptr, "expired")), "ExpiredAuthenticationToken");
  EXPECT_EQ(code_of(call("GET", kSubPath, nullptr, "wrong-aud")),
            "InvalidAuthenticationTokenAudience");
  EXPECT_EQ(code_of(call("GET", kSubPath, nullptr, "garbage")), "InvalidAuthenticationToken");
}

TEST_F(ArmServiceTest, ResponsesCarryArmHeadersAndEchoCorrelation) {
  auto res = call("GET", kSubPath);
  EXPECT_EQ(res.status, 200);
  EXPECT_FALSE(std::string(res.headers.get_or("x-ms-request-id", "")).empty());
  EXPECT_FALSE(
      std::string(res.headers.get_or("x-ms-ratelimit-remaining-subscription-reads", "")).empty());
  auto put = call("PUT", kSubPath + "/resourcegroups/rg2", json{{"location", "eastus"}});
  EXPECT_FALSE(
      std::string(put.headers.get_or("x-ms-ratelimit-remaining-subscription-writes", "")).empty());
}

TEST_F(ArmServiceTest, SubscriptionsAreListedForPrincipalsWithARole) {
  auto mine = body_of(call("GET", "/subscriptions?api-version=2019-11-01"));
  ASSERT_EQ(mine["value"].size(), 1u);
  EXPECT_EQ(mine["value"][0]["subscriptionId"], kSub);
  EXPECT_EQ(mine["value"][0]["tenantId"], kTenant);
  EXPECT_EQ(mine["value"][0]["state"], "Enabled");
  EXPECT_TRUE(body_of(call("GET", "/subscriptions", nullptr, "stranger"))["value"].empty());
  // A Contributor of one group sees the subscription that holds it.
  EXPECT_EQ(body_of(call("GET", "/subscriptions", nullptr, "contributor"))["value"].size(), 1u);
}

TEST_F(ArmServiceTest, UnknownSubscriptionIsNotFound) {
  auto res = call("GET", "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(code_of(res), "SubscriptionNotFound");
}

TEST_F(ArmServiceTest, TenantsAndLocations) {
  auto tenants = body_of(call("GET", "/tenants"));
  ASSERT_EQ(tenants["value"].size(), 1u);
  EXPECT_EQ(tenants["value"][0]["tenantId"], kTenant);
  auto locations = body_of(call("GET", kSubPath + "/locations"));
  bool japan_east = false;
  for (const auto& l : locations["value"])
    japan_east = japan_east || (l["name"] == "japaneast" && l["displayName"] == "Japan East");
  EXPECT_TRUE(japan_east);
}

TEST_F(ArmServiceTest, ProviderRegistrationTakesTheConfiguredDelay) {
  // The fixture registered the CMG providers; ClassicCompute starts NotRegistered.
  const std::string p = kSubPath + "/providers/Microsoft.ClassicCompute";
  EXPECT_EQ(body_of(call("GET", p))["registrationState"], "NotRegistered");
  auto reg = call("POST", p + "/register");
  ASSERT_EQ(reg.status, 200);
  EXPECT_EQ(body_of(reg)["registrationState"], "Registering");
  advance(std::chrono::seconds(59));
  EXPECT_EQ(body_of(call("GET", p))["registrationState"], "Registering");
  advance(std::chrono::seconds(1));
  EXPECT_EQ(body_of(call("GET", p))["registrationState"], "Registered");
  auto unreg = call("POST", p + "/unregister");
  EXPECT_EQ(body_of(unreg)["registrationState"], "Unregistering");
  advance(std::chrono::minutes(1));
  EXPECT_EQ(body_of(call("GET", p))["registrationState"], "Unregistered");
}

TEST_F(ArmServiceTest, ProviderListAndCaseInsensitiveNamespace) {
  auto list = body_of(call("GET", kSubPath + "/providers"));
  bool compute = false;
  for (const auto& p : list["value"])
    compute = compute || (p["namespace"] == "Microsoft.Compute" &&
                          p["registrationState"] == "Registered" && !p["resourceTypes"].empty());
  EXPECT_TRUE(compute);
  EXPECT_EQ(body_of(call("GET", kSubPath + "/providers/microsoft.network"))["namespace"],
            "Microsoft.Network");
  EXPECT_EQ(call("GET", kSubPath + "/providers/Contoso.Nothing").status, 404);
}

TEST_F(ArmServiceTest, ReaderCannotRegisterProviders) {
  auto res =
      call("POST", kSubPath + "/providers/Microsoft.ClassicCompute/register", nullptr, "reader");
  EXPECT_EQ(res.status, 403);
  EXPECT_EQ(code_of(res), "AuthorizationFailed");
  EXPECT_THAT(body_of(res)["error"]["message"].get<std::string>(),
              HasSubstr("Microsoft.ClassicCompute/register/action"));
}

TEST_F(ArmServiceTest, ResourceGroupLifecycle) {
  const std::string g = kSubPath + "/resourcegroups/cmg-rg";
  auto created = call("PUT", g, json{{"location", "Japan East"}, {"tags", {{"env", "lab"}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  auto body = body_of(created);
  EXPECT_EQ(body["id"], kSubPath + "/resourceGroups/cmg-rg");
  EXPECT_EQ(body["location"], "japaneast");
  EXPECT_EQ(body["properties"]["provisioningState"], "Succeeded");
  EXPECT_EQ(call("PUT", g, json{{"location", "japaneast"}}).status, 200);
  EXPECT_EQ(call("HEAD", kSubPath + "/resourceGroups/CMG-RG").status, 204);
  EXPECT_EQ(call("HEAD", kSubPath + "/resourceGroups/nope").status, 404);
  auto patched = call("PATCH", g, json{{"tags", {{"owner", "it"}}}});
  EXPECT_EQ(body_of(patched)["tags"]["owner"], "it");
  auto del = call("DELETE", g);
  ASSERT_EQ(del.status, 202);
  const std::string location(del.headers.get_or("Location", ""));
  ASSERT_THAT(location, HasSubstr("/operationResults/"));
  const std::string poll = location.substr(location.find("/subscriptions/"));
  EXPECT_EQ(body_of(call("GET", g))["properties"]["provisioningState"], "Deleting");
  EXPECT_EQ(call("GET", poll).status, 202);
  advance(std::chrono::seconds(1));
  EXPECT_EQ(call("GET", poll).status, 200);
  auto gone = call("GET", g);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(code_of(gone), "ResourceGroupNotFound");
}

TEST_F(ArmServiceTest, ResourceGroupNeedsAKnownLocation) {
  EXPECT_EQ(code_of(call("PUT", kSubPath + "/resourcegroups/x", json::object())),
            "LocationRequired");
  EXPECT_EQ(code_of(call("PUT", kSubPath + "/resourcegroups/x", json{{"location", "mars"}})),
            "LocationNotAvailableForResourceGroup");
  EXPECT_EQ(code_of(call("PUT", kSubPath + "/resourcegroups/x", std::string("{not json"))),
            "InvalidRequestContent");
}

TEST_F(ArmServiceTest, ContributorIsScopedToItsGroup) {
  EXPECT_EQ(call("GET", kSubPath + "/resourcegroups/rg1", nullptr, "contributor").status, 200);
  auto other =
      call("PUT", kSubPath + "/resourcegroups/rg9", json{{"location", "eastus"}}, "contributor");
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(code_of(other), "AuthorizationFailed");
  auto list = body_of(call("GET", kSubPath + "/resourcegroups", nullptr, "contributor"));
  ASSERT_EQ(list["value"].size(), 1u);
  EXPECT_EQ(list["value"][0]["name"], "rg1");
}

TEST_F(ArmServiceTest, RoleAssignmentsGrantAccess) {
  const std::string stranger_oid = fake_principals().at("stranger").oid;
  EXPECT_EQ(call("GET", kSubPath + "/resourcegroups/rg1", nullptr, "stranger").status, 403);
  const std::string ra = kSubPath +
                         "/resourceGroups/rg1/providers/Microsoft.Authorization/roleAssignments/"
                         "9c1f9c1f-0000-4000-8000-000000000001";
  json body = {
      {"properties",
       {{"roleDefinitionId", kSubPath + "/providers/Microsoft.Authorization/roleDefinitions/"
                                        "acdd72a7-3385-48ef-bd42-f606fba81ae7"},
        {"principalId", stranger_oid}}}};
  // Contributors may not assign roles.
  EXPECT_EQ(code_of(call("PUT", ra, body, "contributor")), "AuthorizationFailed");
  auto put = call("PUT", ra, body);
  ASSERT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(body_of(put)["properties"]["scope"], kSubPath + "/resourceGroups/rg1");
  EXPECT_EQ(call("GET", kSubPath + "/resourcegroups/rg1", nullptr, "stranger").status, 200);
  // Reader only: writes stay refused.
  EXPECT_EQ(
      call("PATCH", kSubPath + "/resourcegroups/rg1", json{{"tags", json::object()}}, "stranger")
          .status,
      403);
  EXPECT_EQ(code_of(call("PUT", ra + "x", body)), "RoleAssignmentExists");
  body["properties"]["principalId"] = "no-such-principal";
  EXPECT_EQ(code_of(call("PUT", ra + "y", body)), "PrincipalNotFound");
}

TEST_F(ArmServiceTest, RoleDefinitionsAreTheBuiltIns) {
  auto defs =
      body_of(call("GET", kSubPath + "/providers/Microsoft.Authorization/"
                                     "roleDefinitions?$filter=roleName%20eq%20'Contributor'"));
  ASSERT_EQ(defs["value"].size(), 1u);
  EXPECT_EQ(defs["value"][0]["name"], "b24988ac-6180-42a0-ab88-20f7382dd24c");
}

TEST_F(ArmServiceTest, MetadataEndpointsByApiVersion) {
  auto old = call("GET", "//metadata/endpoints?api-version=2015-01-01", nullptr, "");
  ASSERT_EQ(old.status, 200);
  EXPECT_EQ(body_of(old)["authentication"]["loginEndpoint"], "https://127.0.0.1:4aad/adfs");
  auto arr = body_of(call("GET", "/metadata/endpoints?api-version=2019-05-01", nullptr, ""));
  ASSERT_TRUE(arr.is_array());
  EXPECT_EQ(arr[0]["resourceManager"], "https://management.azure.com/");
  EXPECT_EQ(arr[0]["name"], "cmgemu");
  auto obj = body_of(call("GET", "/metadata/endpoints?api-version=2022-09-01", nullptr, ""));
  EXPECT_TRUE(obj.is_object());
  EXPECT_EQ(obj["suffixes"]["storage"], "core.windows.net");
}

TEST_F(ArmServiceTest, UnknownPathAndMethodAreArmErrors) {
  EXPECT_EQ(call("GET", "/nothing/here").status, 404);
  auto res = call("POST", kSubPath + "/resourcegroups/rg1");
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(code_of(res), "MethodNotAllowed");
}

class ArmSeedTest : public ArmFixture {};

TEST_F(ArmSeedTest, BadLabSectionNamesThePath) {
  json lab = {{"subscription", {{"nmae", "x"}}}};
  Status s = service_->seed(lab);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("lab.subscription.nmae: unknown key; did you mean 'name'?"));
  lab = {{"subscription", {{"providers", {{"Microsoft.Compute", "Maybe"}}}}}};
  EXPECT_THAT(service_->seed(lab).message(),
              HasSubstr("lab.subscription.providers.Microsoft.Compute"));
  lab = {{"subscription", {{"role_assignments", {{{"principal", "nobody"}, {"role", "Owner"}}}}}}};
  EXPECT_THAT(service_->seed(lab).message(), HasSubstr("role_assignments[0].principal"));
}

}  // namespace
}  // namespace emu::arm::testing

// Group-level resource handlers through the real ARM router: PUT/GET/HEAD/PATCH/DELETE of the
// CMG resource types with their status codes, LRO headers and provisioning states over virtual
// time; registration, RBAC and not-found errors; case-insensitive IDs; child resources.
#include "tests/unit/arm/resources_test_util.h"

#include <gmock/gmock.h>

namespace emu::arm::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kPip[] = "Microsoft.Network/publicIPAddresses";
constexpr char kStorage[] = "Microsoft.Storage/storageAccounts";
constexpr char kVault[] = "Microsoft.KeyVault/vaults";
constexpr char kVmss[] = "Microsoft.Compute/virtualMachineScaleSets";
constexpr char kVnet[] = "Microsoft.Network/virtualNetworks";

class ResourcesTest : public ArmFixture {
 protected:
  // Polls the Azure-AsyncOperation URL of `res` and returns the status it reports.
  std::string async_status(const http::Response& res) {
    auto poll = call("GET", target_of(header(res, "Azure-AsyncOperation")));
    EXPECT_EQ(poll.status, 200) << poll.body;
    return body_of(poll).value("status", "");
  }
};

TEST_F(ResourcesTest, PublicIpCreateIsLongRunningUntilTheClockPasses) {
  auto put = call("PUT", rid(kPip, "pip1"), pip_body("cmglabel"));
  ASSERT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(state_of(body_of(put)), "Creating");
  EXPECT_EQ(body_of(put)["id"], rid(kPip, "pip1"));
  EXPECT_THAT(header(put, "Azure-AsyncOperation"),
              StartsWith("https://management.azure.com" + kSubPath +
                         "/providers/Microsoft.Network/locations/japaneast/operations/"));
  EXPECT_FALSE(header(put, "Retry-After").empty());
  EXPECT_EQ(async_status(put), "InProgress");
  EXPECT_EQ(state_of(body_of(call("GET", rid(kPip, "pip1")))), "Creating");

  advance(std::chrono::minutes(1));
  EXPECT_EQ(async_status(put), "Succeeded");
  auto get = call("GET", rid(kPip, "pip1"));
  ASSERT_EQ(get.status, 200);
  EXPECT_EQ(state_of(body_of(get)), "Succeeded");
  EXPECT_EQ(body_of(get)["properties"]["dnsSettings"]["fqdn"],
            "cmglabel.japaneast.cloudapp.azure.com");

  auto update = call("PUT", rid(kPip, "pip1"), pip_body("cmglabel"));
  EXPECT_EQ(update.status, 200) << update.body;
  EXPECT_EQ(state_of(body_of(update)), "Updating");
}

TEST_F(ResourcesTest, HeadAnswers204Or404WithoutBody) {
  EXPECT_EQ(call("HEAD", rid(kPip, "pip1")).status, 404);
  ASSERT_EQ(call("PUT", rid(kPip, "pip1"), pip_body()).status, 201);
  auto head = call("HEAD", rid(kPip, "pip1"));
  EXPECT_EQ(head.status, 204);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(call("HEAD", kSubPath + "/resourceGroups/nope/providers/" + kPip + "/p").status, 404);
}

TEST_F(ResourcesTest, StorageCreateAnswers202WithLocationAndNoBody) {
  auto put = call("PUT", rid(kStorage, "cmgstore1"), storage_body());
  ASSERT_EQ(put.status, 202) << put.body;
  EXPECT_TRUE(put.body.empty());
  const std::string location = header(put, "Location");
  ASSERT_FALSE(location.empty());
  EXPECT_EQ(call("GET", target_of(location)).status, 202);
  EXPECT_EQ(state_of(body_of(call("GET", rid(kStorage, "cmgstore1")))), "Creating");

  advance(std::chrono::minutes(5));
  auto done = call("GET", target_of(location));
  EXPECT_EQ(done.status, 200);
  EXPECT_EQ(body_of(done)["name"], "cmgstore1");
  EXPECT_EQ(state_of(body_of(call("GET", rid(kStorage, "cmgstore1")))), "Succeeded");
  EXPECT_EQ(call("PUT", rid(kStorage, "cmgstore1"), storage_body()).status, 200);
}

TEST_F(ResourcesTest, VaultCreateAnswers200AndDeleteSoftDeletes) {
  auto put = call("PUT", rid(kVault, "cmgvault1"), vault_body());
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_FALSE(header(put, "Azure-AsyncOperation").empty());
  advance(std::chrono::minutes(1));
  EXPECT_EQ(state_of(body_of(call("GET", rid(kVault, "cmgvault1")))), "Succeeded");

  auto del = call("DELETE", rid(kVault, "cmgvault1"));
  EXPECT_EQ(del.status, 200);
  EXPECT_EQ(call("GET", rid(kVault, "cmgvault1")).status, 404);
  auto deleted = call("GET", kSubPath + "/providers/Microsoft.KeyVault/deletedVaults");
  ASSERT_EQ(deleted.status, 200);
  ASSERT_EQ(body_of(deleted)["value"].size(), 1u);
  EXPECT_EQ(body_of(deleted)["value"][0]["name"], "cmgvault1");
  EXPECT_EQ(call("DELETE", rid(kVault, "cmgvault1")).status, 204);
}

TEST_F(ResourcesTest, ScaleSetPatchScalesAndDeleteRunsUntilSettled) {
  auto put = call("PUT", rid(kVmss, "cmg1"), vmss_body(2));
  ASSERT_EQ(put.status, 201) << put.body;
  EXPECT_FALSE(header(put, "Azure-AsyncOperation").empty());
  advance(std::chrono::hours(1));

  auto patch = call("PATCH", rid(kVmss, "cmg1"), json{{"sku", {{"capacity", 3}}}});
  ASSERT_EQ(patch.status, 200) << patch.body;
  EXPECT_EQ(body_of(patch)["sku"]["capacity"], 3);
  EXPECT_EQ(body_of(patch)["sku"]["name"], "Standard_A2_v2");
  advance(std::chrono::hours(1));
  auto tagged = call("PATCH", rid(kVmss, "cmg1"), json{{"tags", {{"env", "lab"}}}});
  ASSERT_EQ(tagged.status, 200) << tagged.body;
  auto get = body_of(call("GET", rid(kVmss, "cmg1")));
  EXPECT_EQ(get["tags"], (json{{"env", "lab"}}));
  EXPECT_EQ(get["sku"]["capacity"], 3);

  auto del = call("DELETE", rid(kVmss, "cmg1"));
  ASSERT_EQ(del.status, 202);
  EXPECT_FALSE(header(del, "Location").empty());
  EXPECT_EQ(state_of(body_of(call("GET", rid(kVmss, "cmg1")))), "Deleting");
  EXPECT_EQ(call("PUT", rid(kVmss, "cmg1"), vmss_body(2)).status, 409);
  advance(std::chrono::hours(1));
  EXPECT_EQ(async_status(del), "Succeeded");
  EXPECT_EQ(code_of(call("GET", rid(kVmss, "cmg1"))), "ResourceNotFound");
}

TEST_F(ResourcesTest, PatchOfAMissingResourceIsNotFound) {
  auto res = call("PATCH", rid(kVmss, "nope"), json{{"tags", json::object()}});
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(code_of(res), "ResourceNotFound");
}

TEST_F(ResourcesTest, NetworkDeleteIsAsyncThenGone) {
  ASSERT_EQ(call("PUT", rid(kPip, "pip1"), pip_body("lbl1")).status, 201);
  advance(std::chrono::minutes(1));
  auto del = call("DELETE", rid(kPip, "pip1"));
  ASSERT_EQ(del.status, 202);
  EXPECT_EQ(state_of(body_of(call("GET", rid(kPip, "pip1")))), "Deleting");
  advance(std::chrono::minutes(1));
  EXPECT_EQ(call("GET", rid(kPip, "pip1")).status, 404);
  EXPECT_EQ(call("DELETE", rid(kPip, "pip1")).status, 204);
}

TEST_F(ResourcesTest, MissingResourceNamesTypeAndGroup) {
  auto res = call("GET", rid(kPip, "nope"));
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(code_of(res), "ResourceNotFound");
  EXPECT_THAT(message_of(res), HasSubstr("'Microsoft.Network/publicIPAddresses/nope' under "
                                         "resource group 'rg1' was not found"));
}

TEST_F(ResourcesTest, MissingGroupIsResourceGroupNotFound) {
  auto res = call("PUT", kSubPath + "/resourceGroups/nope/providers/" + kPip + "/p", pip_body());
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(code_of(res), "ResourceGroupNotFound");
}

TEST_F(ResourcesTest, UnknownNamespaceAndTypeAreRefused) {
  auto ns = call("GET", kRgPath + "/providers/Microsoft.Nope/things/x");
  EXPECT_EQ(ns.status, 400);
  EXPECT_EQ(code_of(ns), "InvalidResourceNamespace");
  auto type = call("GET", kRgPath + "/providers/Microsoft.Network/gizmos/x");
  EXPECT_EQ(type.status, 400);
  EXPECT_EQ(code_of(type), "InvalidResourceType");
}

TEST_F(ResourcesTest, ReaderMayReadButNotWrite) {
  auto put = call("PUT", rid(kPip, "pip1"), pip_body(), "reader");
  EXPECT_EQ(put.status, 403);
  EXPECT_EQ(code_of(put), "AuthorizationFailed");
  EXPECT_THAT(message_of(put),
              HasSubstr("'Microsoft.Network/publicIPAddresses/write' over scope '" +
                        rid(kPip, "pip1") + "'"));
  ASSERT_EQ(call("PUT", rid(kPip, "pip1"), pip_body()).status, 201);
  EXPECT_EQ(call("GET", rid(kPip, "pip1"), nullptr, "reader").status, 200);
  EXPECT_EQ(code_of(call("DELETE", rid(kPip, "pip1"), nullptr, "reader")), "AuthorizationFailed");
  EXPECT_EQ(code_of(call("GET", rid(kPip, "pip1"), nullptr, "stranger")), "AuthorizationFailed");
}

TEST_F(ResourcesTest, GroupContributorWritesOnlyInItsGroup) {
  EXPECT_EQ(call("PUT", rid(kPip, "pip1"), pip_body(), "contributor").status, 201);
  ASSERT_EQ(call("PUT", kSubPath + "/resourcegroups/rg2", json{{"location", "japaneast"}}).status,
            201);
  auto other = call("PUT", kSubPath + "/resourceGroups/rg2/providers/" + kPip + "/pip2", pip_body(),
                    "contributor");
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(code_of(other), "AuthorizationFailed");
}

TEST_F(ResourcesTest, IdsAreCaseInsensitiveAndRepliesCanonical) {
  auto put = call(
      "PUT", kSubPath + "/resourcegroups/RG1/providers/MICROSOFT.NETWORK/PUBLICIPADDRESSES/Pip1",
      pip_body());
  ASSERT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(body_of(put)["id"], rid(kPip, "Pip1"));
  EXPECT_EQ(body_of(put)["type"], kPip);
  auto get = call("GET", rid(kPip, "pip1"));
  ASSERT_EQ(get.status, 200);
  EXPECT_EQ(body_of(get)["id"], rid(kPip, "Pip1"));
  EXPECT_EQ(call("GET", kSubPath + "/RESOURCEGROUPS/rg1/providers/microsoft.network/"
                                   "publicipaddresses/PIP1")
                .status,
            200);
}

TEST_F(ResourcesTest, GroupListReturnsTheTypeOnly) {
  ASSERT_EQ(call("PUT", rid(kPip, "a"), pip_body()).status, 201);
  ASSERT_EQ(call("PUT", rid(kPip, "b"), pip_body()).status, 201);
  ASSERT_EQ(call("PUT", rid(kVnet, "v"), vnet_body()).status, 201);
  auto list = call("GET", kRgPath + "/providers/Microsoft.Network/publicIPAddresses");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(body_of(list)["value"].size(), 2u);
  EXPECT_EQ(body_of(list)["value"][0]["name"], "a");
  EXPECT_EQ(
      code_of(call("PUT", kRgPath + "/providers/Microsoft.Network/publicIPAddresses", pip_body())),
      "MethodNotAllowed");
}

TEST_F(ResourcesTest, SubnetsOfAVirtualNetworkAreReadable) {
  ASSERT_EQ(call("PUT", rid(kVnet, "vnet1"), vnet_body()).status, 201);
  auto subnet = call("GET", rid(kVnet, "vnet1") + "/subnets/DEFAULT");
  ASSERT_EQ(subnet.status, 200) << subnet.body;
  EXPECT_EQ(body_of(subnet)["id"], rid(kVnet, "vnet1") + "/subnets/default");
  auto list = call("GET", rid(kVnet, "vnet1") + "/subnets");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(body_of(list)["value"].size(), 1u);
  EXPECT_EQ(code_of(call("GET", rid(kVnet, "vnet1") + "/subnets/other")), "ResourceNotFound");
  EXPECT_EQ(code_of(call("GET", rid(kVnet, "nope") + "/subnets")), "ResourceNotFound");
  auto orphan = call("PUT", rid(kVnet, "nope") + "/subnets/s",
                     json{{"properties", {{"addressPrefix", "10.1.0.0/24"}}}});
  EXPECT_EQ(orphan.status, 404);
  EXPECT_EQ(code_of(orphan), "ParentResourceNotFound");
}

TEST_F(ResourcesTest, UnknownActionOnAResourceIsNotFound) {
  EXPECT_EQ(code_of(call("POST", rid(kVmss, "nope") + "/restart")), "ResourceNotFound");
  ASSERT_EQ(call("PUT", rid(kPip, "pip1"), pip_body()).status, 201);
  auto res = call("POST", rid(kPip, "pip1") + "/frobnicate");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(code_of(res), "NotFound");
  EXPECT_EQ(call("POST", rid(kPip, "pip1")).status, 405);
}

TEST_F(ResourcesTest, MalformedBodyIsInvalidRequestContent) {
  auto res = call("PUT", rid(kPip, "pip1"), json("{not json"));
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(code_of(res), "InvalidRequestContent");
}

// A subscription where Microsoft.Network was never registered.
class UnregisteredTest : public ArmFixture {
 protected:
  json lab() const override {
    json l = ArmFixture::lab();
    l["subscription"]["providers"].erase("Microsoft.Network");
    return l;
  }
};

TEST_F(UnregisteredTest, EveryNetworkRequestNeedsRegistration) {
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"PUT", rid(kPip, "pip1")},
           {"GET", rid(kPip, "pip1")},
           {"GET", kRgPath + "/providers/Microsoft.Network/publicIPAddresses"},
           {"GET", kSubPath + "/providers/Microsoft.Network/locations/japaneast/"
                              "CheckDnsNameAvailability?domainNameLabel=abc"}}) {
    auto res = call(method, path, method == "PUT" ? pip_body() : json());
    EXPECT_EQ(res.status, 409) << method << " " << path;
    EXPECT_EQ(code_of(res), "MissingSubscriptionRegistration");
    EXPECT_THAT(message_of(res), HasSubstr("namespace 'Microsoft.Network'"));
  }
  EXPECT_EQ(call("PUT", rid(kStorage, "cmgstore1"), storage_body()).status, 202);
}

}  // namespace
}  // namespace emu::arm::testing

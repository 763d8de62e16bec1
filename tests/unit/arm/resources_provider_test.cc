// Subscription-level provider operations (name checks, soft-deleted vaults, compute SKUs, lists
// by type), the generic resource lists with $filter/$expand, and resource path parsing.
#include "emulator/arm/handlers/common.h"
#include "tests/unit/arm/resources_test_util.h"

#include <gmock/gmock.h>

namespace emu::arm::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr char kPip[] = "Microsoft.Network/publicIPAddresses";
constexpr char kStorage[] = "Microsoft.Storage/storageAccounts";
constexpr char kVault[] = "Microsoft.KeyVault/vaults";
constexpr char kVmss[] = "Microsoft.Compute/virtualMachineScaleSets";

const std::string kNetLoc = kSubPath + "/providers/Microsoft.Network/locations/japaneast";
const std::string kKvLoc = kSubPath + "/providers/Microsoft.KeyVault/locations/japaneast";

std::vector<std::string> names_of(const json& list) {
  std::vector<std::string> out;
  for (const json& item : list["value"]) out.push_back(item.value("name", ""));
  return out;
}

class ResourcesProviderTest : public ArmFixture {
 protected:
  json dns_check(const std::string& label) {
    auto res = call("GET", kNetLoc + "/CheckDnsNameAvailability?domainNameLabel=" + label);
    EXPECT_EQ(res.status, 200) << res.body;
    return body_of(res);
  }
  json name_check(const std::string& ns, const std::string& type, const std::string& name) {
    auto res = call("POST", kSubPath + "/providers/" + ns + "/checkNameAvailability",
                    json{{"name", name}, {"type", type}});
    EXPECT_EQ(res.status, 200) << res.body;
    return body_of(res);
  }
};

TEST_F(ResourcesProviderTest, DnsLabelIsTakenOnceAPublicIpClaimsIt) {
  EXPECT_EQ(dns_check("cmglabel")["available"], true);
  ASSERT_EQ(call("PUT", rid(kPip, "pip1"), pip_body("cmglabel")).status, 201);
  EXPECT_EQ(dns_check("cmglabel")["available"], false);
  EXPECT_EQ(dns_check("otherlabel")["available"], true);
  auto taken = call("PUT", rid(kPip, "pip2"), pip_body("cmglabel"));
  EXPECT_EQ(taken.status, 400);
  EXPECT_EQ(code_of(taken), "DnsRecordInUse");
  advance(std::chrono::minutes(1));
  ASSERT_EQ(call("DELETE", rid(kPip, "pip1")).status, 202);
  advance(std::chrono::minutes(1));
  EXPECT_EQ(dns_check("cmglabel")["available"], true);
}

TEST_F(ResourcesProviderTest, DnsCheckOnlyAnswersGet) {
  EXPECT_EQ(call("POST", kNetLoc + "/CheckDnsNameAvailability?domainNameLabel=x").status, 405);
}

TEST_F(ResourcesProviderTest, StorageNameCheck) {
  const std::string type = "Microsoft.Storage/storageAccounts";
  EXPECT_EQ(name_check("Microsoft.Storage", type, "cmgstore1")["nameAvailable"], true);
  EXPECT_EQ(name_check("Microsoft.Storage", type, "Bad_Name")["reason"], "AccountNameInvalid");
  ASSERT_EQ(call("PUT", rid(kStorage, "cmgstore1"), storage_body()).status, 202);
  json taken = name_check("Microsoft.Storage", type, "cmgstore1");
  EXPECT_EQ(taken["nameAvailable"], false);
  EXPECT_EQ(taken["reason"], "AlreadyExists");
  EXPECT_EQ(call("GET", kSubPath + "/providers/Microsoft.Storage/checkNameAvailability").status,
            405);
}

TEST_F(ResourcesProviderTest, SoftDeletedVaultKeepsItsNameUntilPurged) {
  const std::string type = "Microsoft.KeyVault/vaults";
  EXPECT_EQ(name_check("Microsoft.KeyVault", type, "cmgvault1")["nameAvailable"], true);
  ASSERT_EQ(call("PUT", rid(kVault, "cmgvault1"), vault_body()).status, 200);
  advance(std::chrono::minutes(1));
  ASSERT_EQ(call("DELETE", rid(kVault, "cmgvault1")).status, 200);
  EXPECT_EQ(name_check("Microsoft.KeyVault", type, "cmgvault1")["nameAvailable"], false);
  EXPECT_EQ(call("PUT", rid(kVault, "cmgvault1"), vault_body()).status, 409);

  auto got = call("GET", kKvLoc + "/deletedVaults/CMGVAULT1");
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(body_of(got)["properties"]["vaultId"], rid(kVault, "cmgvault1"));
  EXPECT_EQ(code_of(call("GET", kSubPath + "/providers/Microsoft.KeyVault/locations/eastus/"
                                           "deletedVaults/cmgvault1")),
            "ResourceNotFound");
  EXPECT_EQ(code_of(call("POST", kKvLoc + "/deletedVaults/cmgvault1/purge", json(), "reader")),
            "AuthorizationFailed");

  auto purge = call("POST", kKvLoc + "/deletedVaults/cmgvault1/purge");
  ASSERT_EQ(purge.status, 202) << purge.body;
  EXPECT_FALSE(header(purge, "Location").empty());
  EXPECT_EQ(call("GET", target_of(header(purge, "Location"))).status, 200);
  EXPECT_EQ(call("GET", kKvLoc + "/deletedVaults/cmgvault1").status, 404);
  EXPECT_EQ(call("POST", kKvLoc + "/deletedVaults/cmgvault1/purge").status, 404);
  EXPECT_TRUE(
      body_of(call("GET", kSubPath + "/providers/Microsoft.KeyVault/deletedVaults"))["value"]
          .empty());
  EXPECT_EQ(name_check("Microsoft.KeyVault", type, "cmgvault1")["nameAvailable"], true);
  EXPECT_EQ(call("PUT", rid(kVault, "cmgvault1"), vault_body()).status, 200);
}

TEST_F(ResourcesProviderTest, ComputeSkusFilterByLocation) {
  const std::string skus = kSubPath + "/providers/Microsoft.Compute/skus?$filter=location%20eq%20";
  auto one = call("GET", skus + "%27japaneast%27");
  ASSERT_EQ(one.status, 200) << one.body;
  const json value = body_of(one)["value"];
  ASSERT_FALSE(value.empty());
  for (const json& sku : value) EXPECT_EQ(sku["locations"][0], "japaneast");
  EXPECT_TRUE(body_of(call("GET", skus + "%27atlantis%27"))["value"].empty());
  EXPECT_EQ(code_of(call("GET", skus + "japaneast")), "InvalidFilterInQueryString");
}

TEST_F(ResourcesProviderTest, SubscriptionListByTypeCoversEveryGroup) {
  ASSERT_EQ(call("PUT", kSubPath + "/resourcegroups/rg2", json{{"location", "japaneast"}}).status,
            201);
  ASSERT_EQ(call("PUT", rid(kVmss, "a"), vmss_body(1)).status, 201);
  ASSERT_EQ(call("PUT", kSubPath + "/resourceGroups/rg2/providers/" + std::string(kVmss) + "/b",
                 vmss_body(1))
                .status,
            201);
  auto list = call("GET", kSubPath + "/providers/microsoft.compute/VIRTUALMACHINESCALESETS");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(names_of(body_of(list)), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(code_of(call("GET", kSubPath + "/providers/Microsoft.Compute/gizmos")),
            "InvalidResourceType");
}

TEST_F(ResourcesProviderTest, GenericListFiltersAndExpands) {
  ASSERT_EQ(call("PUT", rid(kPip, "cmg-pip"), pip_body()).status, 201);
  ASSERT_EQ(call("PUT", rid(kStorage, "cmgstore1"), storage_body()).status, 202);
  ASSERT_EQ(call("PUT", rid(kVault, "cmgvault1"), vault_body()).status, 200);

  auto all = call("GET", kSubPath +
                             "/resources?$filter=&$expand=createdTime%2CchangedTime%2C"
                             "provisioningState");
  ASSERT_EQ(all.status, 200) << all.body;
  ASSERT_EQ(body_of(all)["value"].size(), 3u);
  const json first = body_of(all)["value"][0];
  EXPECT_EQ(first["createdTime"], "2026-01-01T00:00:00.0000000Z");
  EXPECT_EQ(first["provisioningState"], "Creating");
  EXPECT_FALSE(first.contains("properties"));

  auto by_type = call("GET", kSubPath +
                                 "/resources?$filter=resourceType%20eq%20%27"
                                 "microsoft.network%2FPUBLICIPADDRESSES%27");
  EXPECT_EQ(names_of(body_of(by_type)), (std::vector<std::string>{"cmg-pip"}));
  EXPECT_FALSE(body_of(by_type)["value"][0].contains("createdTime"));
  auto sub = call("GET", kRgPath +
                             "/resources?$filter=substringof(%27store%27%2C%20name)%20or%20"
                             "name%20eq%20%27CMGVAULT1%27");
  EXPECT_EQ(names_of(body_of(sub)), (std::vector<std::string>{"cmgvault1", "cmgstore1"}));
  auto both = call("GET", kSubPath +
                              "/resourcegroups/rg1/resources?$filter=location%20eq%20"
                              "%27japaneast%27%20and%20name%20eq%20%27cmg-pip%27");
  EXPECT_EQ(names_of(body_of(both)), (std::vector<std::string>{"cmg-pip"}));
}

TEST_F(ResourcesProviderTest, GenericListRefusesFiltersItCannotRead) {
  auto res = call("GET", kSubPath + "/resources?$filter=identity%20eq%20%27x%27");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(code_of(res), "InvalidFilterInQueryString");
  EXPECT_THAT(message_of(res), HasSubstr("Invalid $filter 'identity eq 'x''"));
  EXPECT_EQ(code_of(call("GET", kSubPath + "/resources?$filter=name%20eq%20%27unterminated")),
            "InvalidFilterInQueryString");
  EXPECT_EQ(code_of(call("GET", kSubPath + "/resourceGroups/nope/resources")),
            "ResourceGroupNotFound");
  EXPECT_EQ(code_of(call("GET", kSubPath + "/resources", json(), "stranger")),
            "AuthorizationFailed");
}

TEST_F(ResourcesProviderTest, GenericListMatchesTags) {
  json tagged = pip_body();
  tagged["tags"] = {{"role", "cmg"}};
  ASSERT_EQ(call("PUT", rid(kPip, "a"), tagged).status, 201);
  ASSERT_EQ(call("PUT", rid(kPip, "b"), pip_body()).status, 201);
  auto res = call("GET", kSubPath +
                             "/resources?$filter=tagName%20eq%20%27Role%27%20and%20"
                             "tagValue%20eq%20%27cmg%27");
  EXPECT_EQ(names_of(body_of(res)), (std::vector<std::string>{"a"}));
  EXPECT_EQ(body_of(res)["value"][0]["tags"], (json{{"role", "cmg"}}));
}

TEST(ResourcePathTest, CanonicalCasingFromTheCatalog) {
  auto p = internal::parse_resource_path("microsoft.network", "VIRTUALNETWORKS/v1/SUBNETS/s1");
  EXPECT_EQ(p.ns, "Microsoft.Network");
  EXPECT_EQ(p.type, "Microsoft.Network/virtualNetworks/subnets");
  EXPECT_EQ(p.names, (std::vector<std::string>{"v1", "s1"}));
  EXPECT_EQ(p.id("s", "rg"),
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v1/"
            "subnets/s1");
  auto collection =
      internal::parse_resource_path("Microsoft.Network", "virtualnetworks/v1/subnets");
  EXPECT_EQ(collection.id("s", ""),
            "/subscriptions/s/providers/Microsoft.Network/virtualNetworks/v1/subnets");
  auto unknown = internal::parse_resource_path("Contoso.Widgets", "GADGETS/g1");
  EXPECT_EQ(unknown.type, "Contoso.Widgets/GADGETS");
  auto half =
      internal::parse_resource_path("MICROSOFT.COMPUTE", "virtualmachinescalesets/v/Gizmos/x");
  EXPECT_EQ(half.type, "Microsoft.Compute/virtualMachineScaleSets/Gizmos");
}

}  // namespace
}  // namespace emu::arm::testing

// Tests for the shared rule machinery: the registry, the generic tracked-resource plan and
// provisioning durations.
#include "emulator/core/text.h"
#include "tests/unit/arm/types_test_util.h"

namespace emu::arm::types_testing {
namespace {

using nlohmann::json;

using CommonTypesTest = TypesTest;

TEST_F(CommonTypesTest, RegistryFindsModelledTypesCaseInsensitively) {
  for (const char* type :
       {"Microsoft.Network/publicIPAddresses", "Microsoft.Network/loadBalancers",
        "Microsoft.Network/networkSecurityGroups", "Microsoft.Network/virtualNetworks",
        "Microsoft.KeyVault/vaults", "Microsoft.Storage/storageAccounts",
        "Microsoft.Compute/virtualMachineScaleSets"}) {
    const ResourceTypeRules* rules = find_type_rules(to_lower(type));
    ASSERT_NE(rules, nullptr) << type;
    EXPECT_EQ(rules->type(), type);
  }
  EXPECT_EQ(find_type_rules("Microsoft.ManagedIdentity/userAssignedIdentities"), nullptr);
  EXPECT_EQ(find_type_rules(""), nullptr);
}

TEST_F(CommonTypesTest, GenericPutCopiesTheBodyAndDefaultsTheLocation) {
  const std::string type = "Microsoft.ManagedIdentity/userAssignedIdentities";
  json body = {{"tags", {{"a", "b"}}},
               {"sku", {{"name", "x"}}},
               {"kind", "k"},
               {"identity", {{"type", "None"}}},
               {"properties", {{"p", 1}, {"provisioningState", "Succeeded"}}},
               {"ignored", true}};
  Result<PutPlan, ArmError> p = plan(type, "id1", body);
  ASSERT_TRUE(p.ok()) << p.error().message;
  const json& b = p->resource.body;
  EXPECT_EQ(p->resource.location, "japaneast");  // the group's
  EXPECT_EQ(b["id"], id_of(type, "id1"));
  EXPECT_EQ(b["type"], type);
  EXPECT_EQ(b["tags"], body["tags"]);
  EXPECT_EQ(b["sku"], body["sku"]);
  EXPECT_EQ(b["kind"], "k");
  EXPECT_EQ(b["identity"], body["identity"]);
  EXPECT_EQ(b["properties"], (json{{"p", 1}}));
  EXPECT_FALSE(b.contains("ignored"));
  EXPECT_EQ(p->duration, Duration(0));
  EXPECT_TRUE(p->claims.empty());
  EXPECT_EQ(p->create_status, 201);
}

TEST_F(CommonTypesTest, GenericPutLocations) {
  const std::string type = "Microsoft.Insights/components";
  EXPECT_EQ(plan(type, "x", {{"location", "global"}})->resource.location, "global");
  EXPECT_EQ(plan(type, "x", {{"location", "West Europe"}})->resource.location, "westeurope");
  Result<PutPlan, ArmError> bad = plan(type, "x", {{"location", "atlantis"}});
  EXPECT_ARM_ERROR(bad, 400, "LocationNotAvailableForResourceType");
  EXPECT_NE(bad.error().message.find("resource type 'Microsoft.Insights/components'"),
            std::string::npos);
  EXPECT_ARM_ERROR(plan(type, "x", {{"location", "eastus"}, {"properties", 3}}), 400,
                   "InvalidRequestContent");
}

TEST_F(CommonTypesTest, GenericPutDurationFromSetting) {
  ASSERT_TRUE(store_->put_setting("durations", {{"microsoft.insights/components", 2.5}}).ok());
  EXPECT_EQ(plan("Microsoft.Insights/components", "x", {{"location", "eastus"}})->duration,
            std::chrono::milliseconds(2500));
}

TEST_F(CommonTypesTest, DefaultDeletePlanIsImmediate) {
  PutPlan p = create("Microsoft.Storage/storageAccounts", "st1",
                     {{"location", "eastus"}, {"sku", {{"name", "Standard_LRS"}}}});
  DeletePlan d = find_type_rules("Microsoft.Storage/storageAccounts")
                     ->plan_delete(p.resource, ctx("Microsoft.Storage/storageAccounts", "st1"));
  EXPECT_EQ(d.duration, Duration(0));
  EXPECT_FALSE(d.soft_delete_vault);
}

}  // namespace
}  // namespace emu::arm::types_testing

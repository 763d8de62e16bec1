// Tests for the Microsoft.Compute rules: VM size availability, instance count, vCPU quotas
// (per family and regional total, from store settings), the scale-set body and the skus list.
#include "tests/unit/arm/types_test_util.h"

namespace emu::arm::types_testing {
namespace {

using nlohmann::json;

constexpr const char* kVmss = "Microsoft.Compute/virtualMachineScaleSets";

json vmss_body(const std::string& size, int capacity, const std::string& location = "japaneast") {
  json extension = {
      {"name", "dsc"},
      {"properties", {{"settings", {{"a", 1}}}, {"protectedSettings", {{"key", "secret"}}}}}};
  json os = {
      {"computerNamePrefix", "cmg"}, {"adminUsername", "cmgadmin"}, {"adminPassword", "P@ssw0rd!"}};
  json profile = {{"osProfile", os},
                  {"extensionProfile", {{"extensions", json::array({extension})}}}};
  return {{"location", location},
          {"sku", {{"name", size}, {"tier", "Standard"}, {"capacity", capacity}}},
          {"identity", {{"type", "SystemAssigned"}}},
          {"properties", {{"virtualMachineProfile", profile}}}};
}

using ComputeTypesTest = TypesTest;

TEST_F(ComputeTypesTest, ScaleSetGetsDefaultsIdentityAndNoSecrets) {
  Result<PutPlan, ArmError> p = plan(kVmss, "cmg1", vmss_body("standard_a2_v2", 2));
  ASSERT_TRUE(p.ok()) << p.error().message;
  const json& b = p->resource.body;
  EXPECT_EQ(b["sku"], (json{{"name", "Standard_A2_v2"}, {"tier", "Standard"}, {"capacity", 2}}));
  const json& props = b["properties"];
  EXPECT_EQ(props["upgradePolicy"]["mode"], "Manual");
  EXPECT_EQ(props["orchestrationMode"], "Uniform");
  EXPECT_EQ(props["overprovision"], true);
  EXPECT_EQ(props["singlePlacementGroup"], true);
  EXPECT_EQ(props["uniqueId"].get<std::string>().size(), 36u);
  EXPECT_EQ(props["timeCreated"], "2026-01-01T00:00:00Z");
  const json& os = props["virtualMachineProfile"]["osProfile"];
  EXPECT_FALSE(os.contains("adminPassword"));
  EXPECT_EQ(os["adminUsername"], "cmgadmin");
  const json& ext = props["virtualMachineProfile"]["extensionProfile"]["extensions"][0];
  EXPECT_FALSE(ext["properties"].contains("protectedSettings"));
  EXPECT_EQ(ext["properties"]["settings"]["a"], 1);
  EXPECT_EQ(b["identity"]["type"], "SystemAssigned");
  EXPECT_EQ(b["identity"]["tenantId"], kTenant);
  EXPECT_EQ(b["identity"]["principalId"].get<std::string>().size(), 36u);
  EXPECT_EQ(p->duration, std::chrono::minutes(10));
  EXPECT_TRUE(p->claims.empty());
}

TEST_F(ComputeTypesTest, UpdateKeepsUniqueIdPrincipalAndTimeCreated) {
  PutPlan first = create(kVmss, "cmg1", vmss_body("Standard_A2_v2", 2));
  now_ += std::chrono::hours(1);
  Result<PutPlan, ArmError> again = plan(kVmss, "cmg1", vmss_body("Standard_A2_v2", 3));
  ASSERT_TRUE(again.ok());
  const json& a = again->resource.body;
  const json& f = first.resource.body;
  EXPECT_EQ(a["properties"]["uniqueId"], f["properties"]["uniqueId"]);
  EXPECT_EQ(a["properties"]["timeCreated"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(a["identity"]["principalId"], f["identity"]["principalId"]);
}

TEST_F(ComputeTypesTest, DurationsSettingOverridesTenMinutes) {
  ASSERT_TRUE(store_->put_setting("durations", {{kVmss, 90}}).ok());
  EXPECT_EQ(plan(kVmss, "cmg1", vmss_body("Standard_B2s", 1))->duration, std::chrono::seconds(90));
}

TEST_F(ComputeTypesTest, UnknownSizeIsInvalidParameter) {
  Result<PutPlan, ArmError> p = plan(kVmss, "cmg1", vmss_body("Standard_Z9", 1));
  EXPECT_ARM_ERROR(p, 400, "InvalidParameter");
  EXPECT_EQ(p.error().target, "sku.name");
  EXPECT_EQ(p.error().message,
            "The value Standard_Z9 provided for the VM size is not valid. The valid sizes in the "
            "current region are: Standard_B2s,Standard_A2_v2,Standard_A4_v2.");
  json b = vmss_body("x", 1);
  b["sku"].erase("name");
  Result<PutPlan, ArmError> missing = plan(kVmss, "cmg1", b);
  EXPECT_ARM_ERROR(missing, 400, "InvalidParameter");
  EXPECT_EQ(missing.error().message, "Required parameter 'sku.name' is missing (null).");
}

TEST_F(ComputeTypesTest, SizeNotOfferedIsSkuNotAvailable) {
  Result<PutPlan, ArmError> p = plan(kVmss, "cmg1", vmss_body("Standard_B1s", 1));
  EXPECT_ARM_ERROR(p, 409, "SkuNotAvailable");
  EXPECT_EQ(p.error().message,
            "The requested size for resource '" + id_of(kVmss, "cmg1") +
                "' is currently not available in location 'japaneast' zones '' for subscription '" +
                kSub +
                "'. Please try another size or deploy to a different location or zones. See "
                "https://aka.ms/azureskunotavailable for details.");
}

TEST_F(ComputeTypesTest, SkuOffersSettingPerRegionAndWildcard) {
  ASSERT_TRUE(store_
                  ->put_setting("sku_offers", {{"West US 3", {"Standard_B2s"}},
                                               {"*", {"standard_a4_v2", "Standard_B1s"}}})
                  .ok());
  EXPECT_ARM_ERROR(plan(kVmss, "cmg1", vmss_body("Standard_A2_v2", 1, "westus3")), 409,
                   "SkuNotAvailable");
  EXPECT_TRUE(plan(kVmss, "cmg1", vmss_body("Standard_B2s", 1, "westus3")).ok());
  EXPECT_TRUE(plan(kVmss, "cmg1", vmss_body("Standard_B1s", 1, "japaneast")).ok());
  EXPECT_EQ(offered_skus(*store_, "japaneast"),
            (std::vector<std::string>{"Standard_A4_v2", "Standard_B1s"}));
  EXPECT_EQ(offered_skus(*store_, "WESTUS3"), (std::vector<std::string>{"Standard_B2s"}));
  ASSERT_TRUE(store_->put_setting("sku_offers", {{"westus3", json::array()}}).ok());
  EXPECT_EQ(offered_skus(*store_, "japaneast"), default_offered_skus());
  EXPECT_TRUE(offered_skus(*store_, "westus3").empty());
}

TEST_F(ComputeTypesTest, CapacityMustBeOneToSixteen) {
  for (int bad : {0, 17, -1}) {
    Result<PutPlan, ArmError> p = plan(kVmss, "cmg1", vmss_body("Standard_B2s", bad));
    EXPECT_ARM_ERROR(p, 400, "InvalidParameter");
    EXPECT_EQ(p.error().target, "sku.capacity");
  }
  json b = vmss_body("Standard_B2s", 1);
  b["sku"]["capacity"] = "2";
  EXPECT_ARM_ERROR(plan(kVmss, "cmg1", b), 400, "InvalidParameter");
  b["sku"].erase("capacity");
  Result<PutPlan, ArmError> missing = plan(kVmss, "cmg1", b);
  EXPECT_ARM_ERROR(missing, 400, "InvalidParameter");
  EXPECT_EQ(missing.error().message, "Required parameter 'sku.capacity' is missing (null).");
  ASSERT_TRUE(
      store_->put_setting("quota", {{"*", {{"standardBSFamily", 100}, {"cores", 100}}}}).ok());
  EXPECT_TRUE(plan(kVmss, "cmg1", vmss_body("Standard_B2s", 16)).ok());
}

TEST_F(ComputeTypesTest, FamilyQuotaExceeded) {
  EXPECT_TRUE(plan(kVmss, "cmg1", vmss_body("Standard_A2_v2", 5)).ok());  // 10 of 10
  Result<PutPlan, ArmError> p = plan(kVmss, "cmg1", vmss_body("Standard_A2_v2", 6));
  EXPECT_ARM_ERROR(p, 409, "QuotaExceeded");
  EXPECT_EQ(p.error().message.rfind(
                "Operation could not be completed as it results in exceeding approved "
                "standardAv2Family Cores quota. Additional details - Deployment Model: Resource "
                "Manager, Location: japaneast, Current Limit: 10, Current Usage: 0, Additional "
                "Required: 12, (Minimum) New Limit Required: 12. ",
                0),
            0u)
      << p.error().message;
  EXPECT_NE(p.error().message.find("%22resourceName%22:%22standardAv2Family%22"),
            std::string::npos);
}

TEST_F(ComputeTypesTest, DirectPutNamesQuotaFailureOperationNotAllowed) {
  TypeContext c = ctx(kVmss, "cmg1");
  c.direct_request = true;
  Result<PutPlan, ArmError> p = find_type_rules(kVmss)->plan_put(vmss_body("Standard_A4_v2", 3), c);
  EXPECT_ARM_ERROR(p, 409, "OperationNotAllowed");
}

TEST_F(ComputeTypesTest, QuotaCountsOtherScaleSetsButNotItself) {
  create(kVmss, "cmg1", vmss_body("Standard_A2_v2", 4));  // 8 vCPUs
  Result<PutPlan, ArmError> p = plan(kVmss, "cmg2", vmss_body("Standard_A2_v2", 2), "rg2");
  EXPECT_ARM_ERROR(p, 409, "QuotaExceeded");
  EXPECT_NE(p.error().message.find("Current Limit: 10, Current Usage: 8, Additional Required: 4, "
                                   "(Minimum) New Limit Required: 12."),
            std::string::npos);
  // Scaling cmg1 itself to 10 vCPUs ignores its own current 8.
  EXPECT_TRUE(plan(kVmss, "cmg1", vmss_body("Standard_A2_v2", 5)).ok());
  // Another region and another subscription have their own quota.
  EXPECT_TRUE(plan(kVmss, "cmg3", vmss_body("Standard_A2_v2", 5, "japanwest")).ok());
  EXPECT_TRUE(plan(kVmss, "cmg4", vmss_body("Standard_A2_v2", 5), "rg1", kOtherSub).ok());
  EXPECT_EQ(quota_usage(*store_, kSub, "Japan East", "STANDARDAV2FAMILY", ""), 8);
  EXPECT_EQ(quota_usage(*store_, kSub, "japaneast", "cores", ""), 8);
  EXPECT_EQ(quota_usage(*store_, kSub, "japaneast", "cores", id_of(kVmss, "CMG1")), 0);
  EXPECT_EQ(quota_usage(*store_, kSub, "japaneast", "standardBSFamily", ""), 0);
  EXPECT_EQ(quota_usage(*store_, kOtherSub, "japaneast", "cores", ""), 0);
}

TEST_F(ComputeTypesTest, RegionalTotalQuotaExceeded) {
  ASSERT_TRUE(
      store_
          ->put_setting("quota",
                        {{"japaneast",
                          {{"standardAv2Family", 100}, {"standardBSFamily", 100}, {"Cores", 12}}}})
          .ok());
  EXPECT_EQ(quota_limit(*store_, "Japan East", "cores"), 12);
  EXPECT_EQ(quota_limit(*store_, "japaneast", "STANDARDBSFAMILY"), 100);
  EXPECT_EQ(quota_limit(*store_, "japanwest", "cores"), 20);
  EXPECT_EQ(quota_limit(*store_, "japaneast", "standardDSv3Family"), 10);
  create(kVmss, "cmg1", vmss_body("Standard_A2_v2", 4));                            // 8
  Result<PutPlan, ArmError> p = plan(kVmss, "cmg2", vmss_body("Standard_B2s", 3));  // +6 > 12
  EXPECT_ARM_ERROR(p, 409, "QuotaExceeded");
  EXPECT_NE(p.error().message.find("exceeding approved Total Regional Cores quota. Additional "
                                   "details - Deployment Model: Resource Manager, Location: "
                                   "japaneast, Current Limit: 12, Current Usage: 8, Additional "
                                   "Required: 6, (Minimum) New Limit Required: 14."),
            std::string::npos);
  EXPECT_NE(p.error().message.find("%22resourceName%22:%22cores%22"), std::string::npos);
  EXPECT_TRUE(plan(kVmss, "cmg2", vmss_body("Standard_B2s", 2)).ok());
}

TEST_F(ComputeTypesTest, DeleteTakesAMinute) {
  PutPlan p = create(kVmss, "cmg1", vmss_body("Standard_B2s", 1));
  DeletePlan d = find_type_rules(kVmss)->plan_delete(p.resource, ctx(kVmss, "cmg1"));
  EXPECT_EQ(d.duration, std::chrono::seconds(60));
  EXPECT_FALSE(d.soft_delete_vault);
}

TEST_F(ComputeTypesTest, ListComputeSkusWithRestrictions) {
  json one = list_compute_skus(*store_, "Japan East");
  ASSERT_EQ(one["value"].size(), vm_skus().size());
  for (const json& e : one["value"]) {
    EXPECT_EQ(e["resourceType"], "virtualMachines");
    EXPECT_EQ(e["locations"], json::array({"japaneast"}));
    const bool offered = e["name"] == "Standard_B2s" || e["name"] == "Standard_A2_v2" ||
                         e["name"] == "Standard_A4_v2";
    if (offered) {
      EXPECT_EQ(e["restrictions"], json::array()) << e["name"];
    } else {
      ASSERT_EQ(e["restrictions"].size(), 1u) << e["name"];
      const json& r = e["restrictions"][0];
      EXPECT_EQ(r["type"], "Location");
      EXPECT_EQ(r["values"], json::array({"japaneast"}));
      EXPECT_EQ(r["reasonCode"], "NotAvailableForSubscription");
      EXPECT_EQ(r["restrictionInfo"]["locations"], json::array({"japaneast"}));
    }
  }
  const json& b2s = one["value"][1];
  EXPECT_EQ(b2s["name"], "Standard_B2s");
  EXPECT_EQ(b2s["family"], "standardBSFamily");
  EXPECT_EQ(b2s["capabilities"][0], (json{{"name", "vCPUs"}, {"value", "2"}}));
  EXPECT_EQ(b2s["capabilities"][2], (json{{"name", "MemoryGB"}, {"value", "4"}}));

  EXPECT_EQ(list_compute_skus(*store_, "")["value"].size(), vm_skus().size() * regions().size());
  EXPECT_EQ(list_compute_skus(*store_, "mars")["value"], json::array());

  ASSERT_TRUE(store_->put_setting("sku_offers", {{"japaneast", {"Standard_B1s"}}}).ok());
  json after = list_compute_skus(*store_, "japaneast");
  EXPECT_EQ(after["value"][0]["name"], "Standard_B1s");
  EXPECT_EQ(after["value"][0]["restrictions"], json::array());
  EXPECT_EQ(after["value"][1]["restrictions"].size(), 1u);
}

}  // namespace
}  // namespace emu::arm::types_testing

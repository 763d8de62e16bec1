// Tests for the Microsoft.KeyVault rules: names, global uniqueness, soft-deleted vaults,
// required properties, checkNameAvailability and the deletedVaults view.
#include "tests/unit/arm/types_test_util.h"

namespace emu::arm::types_testing {
namespace {

using nlohmann::json;

constexpr const char* kVault = "Microsoft.KeyVault/vaults";

// The body `az keyvault create` sends (emulator/arm/README Sources [S6]).
json vault_body() {
  return {{"location", "japaneast"},
          {"properties",
           {{"tenantId", kTenant},
            {"sku", {{"family", "A"}, {"name", "standard"}}},
            {"accessPolicies",
             {{{"tenantId", kTenant},
               {"objectId", "0f8fad5b-d9cb-469f-a165-70867728950e"},
               {"permissions", {{"secrets", {"get", "list"}}}}}}}}}};
}

using KeyVaultTypesTest = TypesTest;

TEST_F(KeyVaultTypesTest, VaultGetsDefaultsUriAndClaim) {
  Result<PutPlan, ArmError> p = plan(kVault, "cmgvault1", vault_body());
  ASSERT_TRUE(p.ok()) << p.error().message;
  const json& props = p->resource.body["properties"];
  EXPECT_EQ(props["vaultUri"], "https://cmgvault1.vault.azure.net/");
  EXPECT_EQ(props["tenantId"], kTenant);
  EXPECT_EQ(props["sku"], (json{{"family", "A"}, {"name", "standard"}}));
  EXPECT_EQ(props["enableSoftDelete"], true);
  EXPECT_EQ(props["softDeleteRetentionInDays"], 90);
  EXPECT_EQ(props["enableRbacAuthorization"], false);
  EXPECT_EQ(props["enabledForDeployment"], false);
  EXPECT_EQ(props["accessPolicies"].size(), 1u);
  ASSERT_EQ(p->claims.size(), 1u);
  EXPECT_EQ(p->claims[0].kind, "vault");
  EXPECT_EQ(p->claims[0].key, "cmgvault1");
  EXPECT_EQ(p->duration, std::chrono::seconds(20));
  EXPECT_EQ(p->create_status, 200);
}

TEST_F(KeyVaultTypesTest, InvalidNamesAreVaultNameNotValid) {
  for (const char* name :
       {"ab", "1vault", "vault-", "va--ult", "vault_1", "abcdefghijklmnopqrstuvwxy"}) {
    Result<PutPlan, ArmError> p = plan(kVault, name, vault_body());
    EXPECT_ARM_ERROR(p, 400, "VaultNameNotValid");
    EXPECT_EQ(p.error().message.rfind(std::string("The vault name '") + name +
                                          "' is invalid. A vault's name must be between 3-24 "
                                          "alphanumeric characters.",
                                      0),
              0u);
  }
  EXPECT_TRUE(plan(kVault, "Abc", vault_body()).ok());
  EXPECT_TRUE(plan(kVault, "a-b-c-123456789012345678", vault_body()).ok());
}

TEST_F(KeyVaultTypesTest, NameTakenByAnotherVaultIsVaultAlreadyExists) {
  create(kVault, "cmgvault1", vault_body());
  // Updating the same vault is fine; any casing of the ID is the same vault.
  EXPECT_TRUE(plan(kVault, "cmgvault1", vault_body()).ok());
  Result<PutPlan, ArmError> p = plan(kVault, "CMGVAULT1", vault_body(), "rg2", kOtherSub);
  EXPECT_ARM_ERROR(p, 409, "VaultAlreadyExists");
  EXPECT_EQ(p.error().message.rfind("The vault name 'CMGVAULT1' is already in use. Vault names "
                                    "are globally unique",
                                    0),
            0u);
}

TEST_F(KeyVaultTypesTest, SoftDeletedVaultBlocksRecreate) {
  PutPlan created = create(kVault, "cmgvault1", vault_body());
  DeletePlan d = find_type_rules(kVault)->plan_delete(created.resource, ctx(kVault, "cmgvault1"));
  EXPECT_TRUE(d.soft_delete_vault);
  EXPECT_EQ(d.duration, Duration(0));
  // What the handler does with that plan: the store keeps the vault soft-deleted and its
  // name claimed under "deleted:<id>".
  ASSERT_TRUE(store_->soft_delete_vault(created.resource, now_).ok());
  ASSERT_TRUE(store_->find_deleted_vault("cmgvault1").ok());

  Result<PutPlan, ArmError> same_sub = plan(kVault, "cmgvault1", vault_body());
  EXPECT_ARM_ERROR(same_sub, 409, "ConflictError");
  EXPECT_EQ(same_sub.error().message,
            "A vault with the same name already exists in deleted state. You need to either "
            "recover or purge existing key vault. Follow this link "
            "https://go.microsoft.com/fwlink/?linkid=2149745 for more information on soft "
            "delete.");
  EXPECT_ARM_ERROR(plan(kVault, "cmgvault1", vault_body(), "rg9", kOtherSub), 409,
                   "VaultAlreadyExists");

  ASSERT_TRUE(store_->purge_deleted_vault("cmgvault1").ok());
  EXPECT_TRUE(plan(kVault, "cmgvault1", vault_body()).ok());
}

TEST_F(KeyVaultTypesTest, RequiredProperties) {
  json b = vault_body();
  b["properties"].erase("tenantId");
  Result<PutPlan, ArmError> p = plan(kVault, "kv1", b);
  EXPECT_ARM_ERROR(p, 400, "BadRequest");
  EXPECT_EQ(p.error().message, "The parameter tenantId is not specified.");

  b = vault_body();
  b["properties"]["tenantId"] = "contoso.onmicrosoft.com";
  p = plan(kVault, "kv1", b);
  EXPECT_ARM_ERROR(p, 400, "BadRequest");
  EXPECT_EQ(p.error().message,
            "Bad JSON content found in the request. Error converting value "
            "\"contoso.onmicrosoft.com\" to type 'System.Guid'. Path 'properties.tenantId'.");

  b = vault_body();
  b["properties"].erase("accessPolicies");
  p = plan(kVault, "kv1", b);
  EXPECT_ARM_ERROR(p, 400, "BadRequest");
  EXPECT_EQ(p.error().message, "The parameter accessPolicies is not specified.");
  b["properties"]["enableRbacAuthorization"] = true;
  Result<PutPlan, ArmError> rbac = plan(kVault, "kv1", b);
  ASSERT_TRUE(rbac.ok());
  EXPECT_EQ(rbac->resource.body["properties"]["accessPolicies"], json::array());

  b = vault_body();
  b["properties"].erase("sku");
  EXPECT_ARM_ERROR(plan(kVault, "kv1", b), 400, "BadRequest");
  b["properties"]["sku"] = {{"family", "A"}, {"name", "gold"}};
  EXPECT_ARM_ERROR(plan(kVault, "kv1", b), 400, "BadRequest");
  b["properties"]["sku"] = {{"family", "A"}, {"name", "Premium"}};
  EXPECT_EQ(plan(kVault, "kv1", b)->resource.body["properties"]["sku"]["name"], "premium");
}

TEST_F(KeyVaultTypesTest, CheckVaultName) {
  const json type = "Microsoft.KeyVault/vaults";
  EXPECT_EQ(check_vault_name(*store_, {{"name", "kv1"}, {"type", type}}).value(),
            (json{{"nameAvailable", true}}));
  create(kVault, "kv1", vault_body());
  json taken = check_vault_name(*store_, {{"name", "KV1"}, {"type", type}}).value();
  EXPECT_EQ(taken["nameAvailable"], false);
  EXPECT_EQ(taken["reason"], "AlreadyExists");
  json bad = check_vault_name(*store_, {{"name", "1kv"}, {"type", type}}).value();
  EXPECT_EQ(bad["nameAvailable"], false);
  EXPECT_EQ(bad["reason"], "AccountNameInvalid");
  EXPECT_ARM_ERROR(check_vault_name(*store_, {{"type", type}}), 400, "InvalidParameter");
  EXPECT_ARM_ERROR(check_vault_name(*store_, {{"name", "kv2"}, {"type", "Microsoft.Foo/bar"}}), 400,
                   "InvalidParameter");
}

TEST_F(KeyVaultTypesTest, DeletedVaultView) {
  DeletedVault v;
  v.name = "kv1";
  v.subscription_id = kSub;
  v.location = "japaneast";
  v.vault_id = id_of(kVault, "kv1");
  v.deleted_at = now_;
  v.scheduled_purge_at = now_ + std::chrono::hours(24 * 90);
  v.tags = {{"env", "lab"}};
  json view = deleted_vault_view(v);
  EXPECT_EQ(view["id"], std::string("/subscriptions/") + kSub +
                            "/providers/Microsoft.KeyVault/locations/japaneast/deletedVaults/kv1");
  EXPECT_EQ(view["type"], "Microsoft.KeyVault/deletedVaults");
  EXPECT_EQ(view["name"], "kv1");
  EXPECT_EQ(view["properties"]["vaultId"], id_of(kVault, "kv1"));
  EXPECT_EQ(view["properties"]["deletionDate"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(view["properties"]["scheduledPurgeDate"], "2026-04-01T00:00:00Z");
  EXPECT_EQ(view["properties"]["tags"]["env"], "lab");
}

}  // namespace
}  // namespace emu::arm::types_testing

// Tests for the Microsoft.Storage rules: account names, global uniqueness, sku/kind, the body
// GET returns, the 202 reply and checkNameAvailability.
#include "tests/unit/arm/types_test_util.h"

namespace emu::arm::types_testing {
namespace {

using nlohmann::json;

constexpr const char* kStorage = "Microsoft.Storage/storageAccounts";

// The body `az storage account create` sends (emulator/arm/README Sources [S6]).
json storage_body(const std::string& sku = "Standard_LRS") {
  json encryption = {{"services", {{"blob", json::object()}}}, {"keySource", "Microsoft.Storage"}};
  return {{"sku", {{"name", sku}}},
          {"kind", "StorageV2"},
          {"location", "japaneast"},
          {"properties", {{"encryption", encryption}}}};
}

using StorageTypesTest = TypesTest;

TEST_F(StorageTypesTest, AccountGetsEndpointsDefaultsAndClaim) {
  Result<PutPlan, ArmError> p = plan(kStorage, "cmgstore1", storage_body());
  ASSERT_TRUE(p.ok()) << p.error().message;
  const json& b = p->resource.body;
  EXPECT_EQ(b["sku"], (json{{"name", "Standard_LRS"}, {"tier", "Standard"}}));
  EXPECT_EQ(b["kind"], "StorageV2");
  const json& props = b["properties"];
  const json& ep = props["primaryEndpoints"];
  EXPECT_EQ(ep["blob"], "https://cmgstore1.blob.core.windows.net/");
  EXPECT_EQ(ep["queue"], "https://cmgstore1.queue.core.windows.net/");
  EXPECT_EQ(ep["table"], "https://cmgstore1.table.core.windows.net/");
  EXPECT_EQ(ep["file"], "https://cmgstore1.file.core.windows.net/");
  EXPECT_EQ(ep["dfs"], "https://cmgstore1.dfs.core.windows.net/");
  EXPECT_TRUE(ep.contains("web"));
  EXPECT_EQ(props["primaryLocation"], "japaneast");
  EXPECT_EQ(props["statusOfPrimary"], "available");
  EXPECT_EQ(props["creationTime"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(props["supportsHttpsTrafficOnly"], true);
  EXPECT_EQ(props["minimumTlsVersion"], "TLS1_2");
  EXPECT_EQ(props["accessTier"], "Hot");
  EXPECT_EQ(props["encryption"]["services"]["blob"]["enabled"], true);
  EXPECT_EQ(props["encryption"]["keySource"], "Microsoft.Storage");
  EXPECT_FALSE(props.contains("secondaryLocation"));
  ASSERT_EQ(p->claims.size(), 1u);
  EXPECT_EQ(p->claims[0].kind, "storage");
  EXPECT_EQ(p->claims[0].key, "cmgstore1");
  EXPECT_EQ(p->create_status, 202);
  EXPECT_EQ(p->update_status, 200);
  EXPECT_EQ(p->duration, std::chrono::seconds(25));
}

TEST_F(StorageTypesTest, KindDefaultsAndGeoSkusUseThePairedRegion) {
  json b = storage_body("standard_ragrs");
  b.erase("kind");
  Result<PutPlan, ArmError> p = plan(kStorage, "geo1", b);
  ASSERT_TRUE(p.ok()) << p.error().message;
  const json& props = p->resource.body["properties"];
  EXPECT_EQ(p->resource.body["kind"], "StorageV2");
  EXPECT_EQ(p->resource.body["sku"]["name"], "Standard_RAGRS");
  EXPECT_EQ(props["secondaryLocation"], "japanwest");
  EXPECT_EQ(props["secondaryEndpoints"]["blob"], "https://geo1-secondary.blob.core.windows.net/");
}

TEST_F(StorageTypesTest, InvalidNamesAreAccountNameInvalid) {
  for (const char* name : {"ab", "CmgStore", "cmg-store", "abcdefghijklmnopqrstuvwxy"}) {
    Result<PutPlan, ArmError> p = plan(kStorage, name, storage_body());
    EXPECT_ARM_ERROR(p, 400, "AccountNameInvalid");
    EXPECT_EQ(p.error().message,
              std::string(name) +
                  " is not a valid storage account name. Storage account name must be between 3 "
                  "and 24 characters in length and use numbers and lower-case letters only.");
    EXPECT_EQ(p.error().target, name);
  }
}

TEST_F(StorageTypesTest, NameTakenIsStorageAccountAlreadyTaken) {
  create(kStorage, "cmgstore1", storage_body());
  EXPECT_TRUE(plan(kStorage, "cmgstore1", storage_body()).ok());  // an update
  Result<PutPlan, ArmError> p = plan(kStorage, "cmgstore1", storage_body(), "rg2", kOtherSub);
  EXPECT_ARM_ERROR(p, 409, "StorageAccountAlreadyTaken");
  EXPECT_EQ(p.error().message, "The storage account named cmgstore1 is already taken.");
  EXPECT_EQ(p.error().target, "cmgstore1");
}

TEST_F(StorageTypesTest, UpdateKeepsCreationTime) {
  create(kStorage, "cmgstore1", storage_body());
  now_ += std::chrono::hours(5);
  Result<PutPlan, ArmError> p = plan(kStorage, "cmgstore1", storage_body());
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->resource.body["properties"]["creationTime"], "2026-01-01T00:00:00Z");
}

TEST_F(StorageTypesTest, SkuAndKindMustBeValid) {
  json b = storage_body();
  b.erase("sku");
  Result<PutPlan, ArmError> p = plan(kStorage, "st1", b);
  EXPECT_ARM_ERROR(p, 400, "InvalidValuesForRequestParameters");
  EXPECT_EQ(p.error().message, "Values for request parameters are invalid: sku.");
  EXPECT_ARM_ERROR(plan(kStorage, "st1", storage_body("Standard_XYZ")), 400,
                   "InvalidValuesForRequestParameters");
  b = storage_body();
  b["kind"] = "Tape";
  p = plan(kStorage, "st1", b);
  EXPECT_ARM_ERROR(p, 400, "InvalidValuesForRequestParameters");
  EXPECT_EQ(p.error().message, "Values for request parameters are invalid: kind.");
  b.erase("location");
  EXPECT_ARM_ERROR(plan(kStorage, "st1", b), 400, "LocationRequired");
}

TEST_F(StorageTypesTest, CheckStorageName) {
  const json type = "Microsoft.Storage/storageAccounts";
  EXPECT_EQ(check_storage_name(*store_, {{"name", "cmgstore1"}, {"type", type}}).value(),
            (json{{"nameAvailable", true}}));
  create(kStorage, "cmgstore1", storage_body());
  EXPECT_EQ(check_storage_name(*store_, {{"name", "cmgstore1"}, {"type", type}}).value(),
            (json{{"nameAvailable", false},
                  {"reason", "AlreadyExists"},
                  {"message", "The storage account named cmgstore1 is already taken."}}));
  json bad = check_storage_name(*store_, {{"name", "Bad-Name"}, {"type", type}}).value();
  EXPECT_EQ(bad["nameAvailable"], false);
  EXPECT_EQ(bad["reason"], "AccountNameInvalid");
  EXPECT_ARM_ERROR(check_storage_name(*store_, {{"type", type}}), 400,
                   "InvalidRequestPropertyValue");
  EXPECT_ARM_ERROR(check_storage_name(*store_, {{"name", "x1x"}, {"type", "Microsoft.Foo/x"}}), 400,
                   "InvalidRequestPropertyValue");
}

}  // namespace
}  // namespace emu::arm::types_testing

// Cloud services, client settings, bulk tokens, site certificates and client records.
#include "emulator/sitedb/site_db.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace emu::sitedb {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class RecordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SiteDb::open(store::StateDir(""), "P01");
    ASSERT_TRUE(db.ok()) << db.status().to_string();
    db_ = std::move(db).value();
  }
  std::unique_ptr<SiteDb> db_;
};

CloudService full_cmg() {
  CloudService c;
  c.name = "cmg.contoso.com";
  c.deployment_name = "cmgcontoso.japaneast.cloudapp.azure.com";
  c.region = "japaneast";
  c.vm_size = "Standard_B2s";
  c.instances = 2;
  c.resource_group = "rg-cmg";
  c.subscription_id = "sub-1";
  c.tenant_id = "tenant-1";
  c.description = "lab CMG";
  c.certificate_thumbprint = "AABBCC";
  c.certificate_pem = "-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n";
  c.state = CloudServiceState::kReady;
  c.status_description = "";
  c.next_maintenance = "2024-05-02T00:00:00Z";
  c.settings = {{"trusted_roots", {"PEM1"}}, {"enforce_tls12", true}, {"public_ip", "20.1.2.3"}};
  c.created = "2024-05-01T00:00:00Z";
  return c;
}

void expect_same(const CloudService& a, const CloudService& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.deployment_name, b.deployment_name);
  EXPECT_EQ(a.service_type, b.service_type);
  EXPECT_EQ(a.environment, b.environment);
  EXPECT_EQ(a.region, b.region);
  EXPECT_EQ(a.vm_size, b.vm_size);
  EXPECT_EQ(a.instances, b.instances);
  EXPECT_EQ(a.resource_group, b.resource_group);
  EXPECT_EQ(a.subscription_id, b.subscription_id);
  EXPECT_EQ(a.tenant_id, b.tenant_id);
  EXPECT_EQ(a.description, b.description);
  EXPECT_EQ(a.certificate_thumbprint, b.certificate_thumbprint);
  EXPECT_EQ(a.certificate_pem, b.certificate_pem);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.status_description, b.status_description);
  EXPECT_EQ(a.next_maintenance, b.next_maintenance);
  EXPECT_EQ(a.settings, b.settings);
  EXPECT_EQ(a.created, b.created);
}

TEST_F(RecordsTest, CloudServiceRoundTripUpdateRemove) {
  auto added = db_->add_cloud_service(full_cmg());
  ASSERT_TRUE(added.ok()) << added.status().to_string();
  EXPECT_EQ(added->id, 1);
  auto got = db_->cloud_service("CMG.Contoso.com");
  ASSERT_TRUE(got.ok());
  expect_same(*got, *added);

  got->state = CloudServiceState::kError;
  got->status_description = "Failed to perform maintenance";
  ASSERT_TRUE(db_->update_cloud_service(*got).ok());
  expect_same(*db_->cloud_service("cmg.contoso.com"), *got);

  auto dup = db_->add_cloud_service(full_cmg());
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(db_->add_cloud_service(CloudService{}).status().code(), StatusCode::kInvalidArgument);

  ASSERT_TRUE(db_->remove_cloud_service(added->id).ok());
  EXPECT_EQ(db_->remove_cloud_service(added->id).code(), StatusCode::kNotFound);
  EXPECT_EQ(db_->update_cloud_service(*got).code(), StatusCode::kNotFound);
  EXPECT_EQ(db_->cloud_service("cmg.contoso.com").status().code(), StatusCode::kNotFound);
  auto again = db_->add_cloud_service(full_cmg());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, 2);  // ids are not reused
  ASSERT_EQ(db_->cloud_services().size(), 1u);
}

TEST_F(RecordsTest, AzureServiceView) {
  ASSERT_TRUE(db_->add_cloud_service(full_cmg()).ok());
  auto view = db_->query(
      "SELECT AzureServiceID, Name, ServiceCName, ServiceType, Region, VMSize, NumberOfInstances, "
      "State, StatusDetails FROM vSMS_AzureService WHERE ServiceType = 'CloudProxyService'");
  ASSERT_TRUE(view.ok()) << view.status().to_string();
  ASSERT_EQ(view->rows.size(), 1u);
  EXPECT_THAT(view->rows[0],
              ElementsAre("1", "cmg.contoso.com", "cmgcontoso.japaneast.cloudapp.azure.com",
                          "CloudProxyService", "japaneast", "Standard_B2s", "2", "1", ""));
}

TEST_F(RecordsTest, ClientSettingsByNameKeepIds) {
  nlohmann::json groups = {
      {"Cloud Services", {{"Enable clients to use a cloud management gateway", "Yes"}}}};
  auto def = db_->put_client_settings({0, "Default Client Settings", 10000, groups});
  ASSERT_TRUE(def.ok()) << def.status().to_string();
  auto custom = db_->put_client_settings({0, "CMG clients", 1, {}});
  ASSERT_TRUE(custom.ok());
  EXPECT_NE(def->id, custom->id);
  groups["Cloud Services"]["Enable clients to use a cloud management gateway"] = "No";
  auto replaced = db_->put_client_settings({0, "default client settings", 10000, groups});
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(replaced->id, def->id);
  auto got = db_->client_settings("Default Client Settings");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->priority, 10000);
  EXPECT_EQ(got->settings, groups);
  auto all = db_->all_client_settings();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "CMG clients");
  EXPECT_EQ(db_->client_settings("nope").status().code(), StatusCode::kNotFound);

  auto values = db_->query(
      "SELECT v.Name, GroupName, SettingName, Value, Type FROM vSMS_ClientSettingValues AS v "
      "JOIN vSMS_ClientSettings USING (SettingsID)");
  ASSERT_TRUE(values.ok()) << values.status().to_string();
  ASSERT_EQ(values->rows.size(), 1u);
  EXPECT_THAT(values->rows[0],
              ElementsAre("default client settings", "Cloud Services",
                          "Enable clients to use a cloud management gateway", "No", "0"));
}

TEST_F(RecordsTest, BulkTokensKeepGuidAndLifetime) {
  BulkToken token{"3F2504E0-4F89-11D3-9A0C-0305E82C3301", "2024-05-01T00:00:00Z", 4320,
                  "2024-05-04T00:00:00Z", false};
  ASSERT_TRUE(db_->add_bulk_token(token).ok());
  Status dup = db_->add_bulk_token(token);
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(dup.message(), HasSubstr(token.guid));
  auto got = db_->bulk_token("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->guid, token.guid);
  EXPECT_EQ(got->issued, token.issued);
  EXPECT_EQ(got->lifetime_minutes, 4320);
  EXPECT_EQ(got->expires, token.expires);
  EXPECT_FALSE(got->blocked);
  ASSERT_TRUE(db_->set_bulk_token_blocked(token.guid, true).ok());
  EXPECT_TRUE(db_->bulk_token(token.guid)->blocked);
  EXPECT_EQ(db_->set_bulk_token_blocked("missing", true).code(), StatusCode::kNotFound);
  EXPECT_EQ(db_->bulk_token("missing").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(db_->add_bulk_token({"G0", "2024-04-01T00:00:00Z", 60, "x", false}).ok());
  auto all = db_->bulk_tokens();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].guid, "G0");
}

TEST_F(RecordsTest, CertificatesOnePerType) {
  SiteCertificate cert;
  cert.thumbprint = "AA11";
  cert.type = "TokenSigning";
  cert.subject = "CN=SMS Token Signing Certificate";
  cert.issuer = "CN=SMS Issuing";
  cert.valid_from = "2024-01-01T00:00:00Z";
  cert.valid_to = "2025-01-01T00:00:00Z";
  cert.certificate_pem = "PEM";
  cert.blocked = true;
  ASSERT_TRUE(db_->put_certificate(cert).ok());
  cert.thumbprint = "BB22";
  cert.blocked = false;
  ASSERT_TRUE(db_->put_certificate(cert).ok());
  auto got = db_->certificate("TokenSigning");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->thumbprint, "BB22");
  EXPECT_EQ(got->subject, cert.subject);
  EXPECT_EQ(got->issuer, cert.issuer);
  EXPECT_EQ(got->valid_from, cert.valid_from);
  EXPECT_EQ(got->valid_to, cert.valid_to);
  EXPECT_EQ(got->certificate_pem, "PEM");
  EXPECT_FALSE(got->blocked);
  EXPECT_EQ(db_->certificate("SiteSigning").status().code(), StatusCode::kNotFound);
  auto count = db_->query("SELECT count(*) FROM Certificates");
  ASSERT_TRUE(count.ok());
  EXPECT_THAT(count->rows[0], ElementsAre("1"));
}

TEST_F(RecordsTest, ClientRecordsUpsertById) {
  ClientRecord client;
  client.client_id = "GUID:0A1B2C3D-0000-4000-8000-000000000001";
  client.name = "PC01";
  client.approval = 1;
  client.authentication = "BulkToken";
  client.registered = "2024-05-01T00:00:00Z";
  client.properties = {{"token_guid", "G1"}};
  ASSERT_TRUE(db_->put_client(client).ok());
  ASSERT_TRUE(db_->put_client({"GUID:2", "PC02", 3, "AzureAD", "2024", {}}).ok());
  client.approval = 2;
  ASSERT_TRUE(db_->put_client(client).ok());
  auto got = db_->client("guid:0a1b2c3d-0000-4000-8000-000000000001");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->name, "PC01");
  EXPECT_EQ(got->approval, 2);
  EXPECT_EQ(got->authentication, "BulkToken");
  EXPECT_EQ(got->registered, client.registered);
  EXPECT_EQ(got->properties, client.properties);
  auto all = db_->clients();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "PC01");  // kept its first registration slot
  EXPECT_EQ(db_->client("GUID:404").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(db_->has_client("guid:0a1b2c3d-0000-4000-8000-000000000001"));
  EXPECT_TRUE(db_->has_client("GUID:2"));
  EXPECT_FALSE(db_->has_client("GUID:404"));
  auto view = db_->query("SELECT ResourceID, Name0, IsApproved FROM v_R_System ORDER BY 1");
  ASSERT_TRUE(view.ok());
  EXPECT_THAT(view->rows[0], ElementsAre("16777217", "PC01", "2"));
}

}  // namespace
}  // namespace emu::sitedb

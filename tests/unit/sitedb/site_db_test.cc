#include "emulator/sitedb/site_db.h"

#include "tests/testlib/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

namespace emu::sitedb {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::unique_ptr<SiteDb> open_db(const store::StateDir& state, const std::string& code = "P01") {
  auto db = SiteDb::open(state, code);
  EXPECT_TRUE(db.ok()) << db.status().to_string();
  return db.ok() ? std::move(db).value() : nullptr;
}

SiteRole role(const std::string& server, int type) {
  SiteRole r;
  r.server = server;
  r.role_type = type;
  return r;
}

TEST(SiteDbOpenTest, InMemoryAndFilePaths) {
  auto memory = open_db(store::StateDir(""));
  ASSERT_NE(memory, nullptr);
  EXPECT_EQ(memory->path(), ":memory:");
  EXPECT_EQ(memory->site_code(), "P01");

  test::TempDir dir;
  auto file = open_db(store::StateDir(dir.file("state")), "p02");
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->path(), dir.file("state") + "/CM_P02.db");
  EXPECT_EQ(file->site_code(), "P02");
  EXPECT_TRUE(std::filesystem::exists(dir.file("state/CM_P02.db")));
}

TEST(SiteDbOpenTest, RejectsBadSiteCodes) {
  for (const char* code : {"", "P1", "P001", "P-1", "P 1"}) {
    auto db = SiteDb::open(store::StateDir(""), code);
    ASSERT_FALSE(db.ok()) << code;
    EXPECT_EQ(db.status().code(), StatusCode::kInvalidArgument) << code;
    EXPECT_THAT(db.status().message(), HasSubstr("invalid site code")) << code;
  }
}

TEST(SiteDbOpenTest, ReopenKeepsRowsAndIdCounter) {
  test::TempDir dir;
  store::StateDir state(dir.path());
  {
    auto db = open_db(state);
    ASSERT_TRUE(db->put_site({"P01", "", "cm01.contoso.com", "2203", "primary", "ABC"}).ok());
    ASSERT_TRUE(db->add_role(role("cm01.contoso.com", kSiteServer)).ok());
    auto mp = db->add_role(role("mp.contoso.com", kManagementPoint));
    ASSERT_TRUE(mp.ok());
    ASSERT_TRUE(db->remove_role(mp->id).ok());
  }
  auto db = open_db(state);
  ASSERT_NE(db, nullptr);
  auto site = db->site();
  ASSERT_TRUE(site.ok()) << site.status().to_string();
  EXPECT_EQ(site->name, "Primary site P01");
  EXPECT_EQ(db->roles().size(), 1u);
  auto next = db->add_role(role("sup.contoso.com", kSoftwareUpdatePoint));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->id, kRoleIdBase + 3);  // 2 was used by the removed MP
}

TEST(SiteDbOpenTest, RefusesANewerSchema) {
  test::TempDir dir;
  store::StateDir state(dir.path());
  ASSERT_NE(open_db(state), nullptr);
  {
    auto raw = store::Database::open(state.path_for("CM_P01"));
    ASSERT_TRUE(raw.ok());
    ASSERT_TRUE((*raw)->exec("PRAGMA user_version = 99").ok());
  }
  auto db = SiteDb::open(state, "P01");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(db.status().message(), HasSubstr("schema version 99"));
}

TEST(SiteDbTest, SiteRoundTripAndCodeCheck) {
  auto db = open_db(store::StateDir(""));
  EXPECT_EQ(db->site().status().code(), StatusCode::kNotFound);
  Site site{"",     "Contoso", "cm01.contoso.com",
            "2203", "primary", "5A2B8C1D-0000-4000-8000-000000000001"};
  ASSERT_TRUE(db->put_site(site).ok());
  auto got = db->site();
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->code, "P01");
  EXPECT_EQ(got->name, "Contoso");
  EXPECT_EQ(got->server, "cm01.contoso.com");
  EXPECT_EQ(got->version, "2203");
  EXPECT_EQ(got->type, "primary");
  EXPECT_EQ(got->hierarchy_id, site.hierarchy_id);

  site.code = "X01";
  Status wrong = db->put_site(site);
  EXPECT_EQ(wrong.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(wrong.message(), HasSubstr("does not match database CM_P01"));

  auto view = db->query("SELECT SiteCode, Type, ServerName FROM v_Site");
  ASSERT_TRUE(view.ok());
  ASSERT_EQ(view->rows.size(), 1u);
  EXPECT_THAT(view->rows[0], ElementsAre("P01", "2", "cm01.contoso.com"));
}

TEST(SiteDbTest, RoleIdsFollowTheSeedOrder) {
  auto db = open_db(store::StateDir(""));
  auto server = db->add_role(role("cm01.contoso.com", kSiteServer));
  auto provider = db->add_role(role("cm01.contoso.com", kSmsProvider));
  auto mp = db->add_role(role("cm01.contoso.com", kManagementPoint));
  ASSERT_TRUE(server.ok() && provider.ok() && mp.ok());
  EXPECT_EQ(server->id, kRoleIdBase + 1);
  EXPECT_EQ(provider->id, kRoleIdBase + 2);
  EXPECT_EQ(mp->id, 72057594037927939LL);
}

TEST(SiteDbTest, AddRoleErrors) {
  auto db = open_db(store::StateDir(""));
  ASSERT_TRUE(db->add_role(role("MP.contoso.com", kManagementPoint)).ok());
  auto dup = db->add_role(role("mp.CONTOSO.com", kManagementPoint));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(dup.status().message(), HasSubstr("SMS Management Point"));
  EXPECT_EQ(db->add_role(role("", kManagementPoint)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(db->add_role(role("x", 0)).status().code(), StatusCode::kInvalidArgument);
  // The failed adds consumed no IDs.
  auto next = db->add_role(role("dp.contoso.com", kDistributionPoint));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->id, kRoleIdBase + 2);
}

TEST(SiteDbTest, RoleRoundTripUpdateAndRemove) {
  auto db = open_db(store::StateDir(""));
  SiteRole mp = role("mp.contoso.com", kManagementPoint);
  mp.https = true;
  mp.enhanced_http = true;
  mp.allow_cmg_traffic = true;
  mp.cmg_client_connections = "internet_only";
  mp.properties = {{"SslState", 63}, {"Replica", "sql.contoso.com"}};
  auto added = db->add_role(mp);
  ASSERT_TRUE(added.ok());
  auto found = db->find_role("MP.contoso.com", kManagementPoint);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, added->id);
  EXPECT_EQ(found->server, "mp.contoso.com");
  EXPECT_TRUE(found->https);
  EXPECT_TRUE(found->enhanced_http);
  EXPECT_TRUE(found->allow_cmg_traffic);
  EXPECT_EQ(found->cmg_client_connections, "internet_only");
  EXPECT_EQ(found->properties, mp.properties);

  SiteRole cp = role("cm01.contoso.com", kCmgConnectionPoint);
  cp.cmg_service = "cmg.contoso.com";
  ASSERT_TRUE(db->add_role(cp).ok());
  EXPECT_EQ(db->find_role("cm01.contoso.com", kCmgConnectionPoint)->cmg_service, "cmg.contoso.com");

  found->https = false;
  ASSERT_TRUE(db->update_role(*found).ok());
  EXPECT_FALSE(db->find_role("mp.contoso.com", kManagementPoint)->https);
  SiteRole missing = *found;
  missing.id = kRoleIdBase + 99;
  EXPECT_EQ(db->update_role(missing).code(), StatusCode::kNotFound);

  auto nal = db->query("SELECT NALPath, RoleName, SiteCode FROM SC_SysResUse WHERE RoleTypeID = 6");
  ASSERT_TRUE(nal.ok());
  EXPECT_THAT(nal->rows[0],
              ElementsAre("[\"Display=\\\\mp.contoso.com\\\"]MSWNET:[\"SMS_SITE=P01\"]"
                          "\\\\mp.contoso.com\\",
                          "SMS Management Point", "P01"));

  ASSERT_TRUE(db->remove_role(added->id).ok());
  EXPECT_EQ(db->remove_role(added->id).code(), StatusCode::kNotFound);
  EXPECT_EQ(db->find_role("mp.contoso.com", kManagementPoint).status().code(),
            StatusCode::kNotFound);
  ASSERT_EQ(db->roles().size(), 1u);
  EXPECT_EQ(db->roles()[0].role_type, kCmgConnectionPoint);
}

TEST(SiteDbTest, ClearEmptiesEveryTableAndResetsCounters) {
  auto db = open_db(store::StateDir(""));
  ASSERT_TRUE(db->put_site({"P01", "", "cm01", "2203", "primary", "H"}).ok());
  ASSERT_TRUE(db->add_role(role("cm01", kSiteServer)).ok());
  ASSERT_TRUE(db->put_environment({"AzurePublicCloud", "l", "g", "m", "r"}).ok());
  AadTenant tenant;
  tenant.tenant_id = "T1";
  ASSERT_TRUE(db->put_tenant(tenant).ok());
  AadApplication app;
  app.tenant_id = "T1";
  app.kind = "web";
  ASSERT_TRUE(db->put_application(app).ok());
  ASSERT_TRUE(db->replace_users("T1", {{"T1", "U1", "u@contoso.com", "U", "", "2024"}}).ok());
  CloudService cmg;
  cmg.name = "cmg.contoso.com";
  ASSERT_TRUE(db->add_cloud_service(cmg).ok());
  ASSERT_TRUE(db->put_client_settings({0, "Default Client Settings", 10000, {}}).ok());
  ASSERT_TRUE(db->add_bulk_token({"G1", "2024", 4320, "2024", false}).ok());
  SiteCertificate cert;
  cert.type = "SiteSigning";
  ASSERT_TRUE(db->put_certificate(cert).ok());
  ClientRecord client;
  client.client_id = "GUID:1";
  ASSERT_TRUE(db->put_client(client).ok());

  ASSERT_TRUE(db->clear().ok());
  auto counts = db->query(
      "SELECT (SELECT count(*) FROM Sites) + (SELECT count(*) FROM SC_SysResUse) + "
      "(SELECT count(*) FROM AzureEnvironments) + (SELECT count(*) FROM AAD_Tenant_Ex) + "
      "(SELECT count(*) FROM AAD_Application_Ex) + (SELECT count(*) FROM User_DISC) + "
      "(SELECT count(*) FROM Azure_CloudService) + (SELECT count(*) FROM ClientSettings) + "
      "(SELECT count(*) FROM BulkRegistrationTokens) + (SELECT count(*) FROM Certificates) + "
      "(SELECT count(*) FROM System_DISC) + (SELECT count(*) FROM Counters)");
  ASSERT_TRUE(counts.ok()) << counts.status().to_string();
  EXPECT_THAT(counts->rows[0], ElementsAre("0"));
  EXPECT_EQ(db->add_role(role("cm01", kSiteServer))->id, kRoleIdBase + 1);
  EXPECT_EQ(db->add_cloud_service(cmg)->id, 1);
}

TEST(SiteDbTest, RoleAndStateNames) {
  EXPECT_EQ(role_name(kManagementPoint), "SMS Management Point");
  EXPECT_EQ(role_name(kSoftwareUpdatePoint), "SMS Software Update Point");
  EXPECT_EQ(role_name(kCmgConnectionPoint), "SMS Cloud Proxy Connector");
  EXPECT_EQ(role_name(999), "");
  EXPECT_EQ(state_name(CloudServiceState::kReady), "Ready");
  EXPECT_EQ(state_name(CloudServiceState::kProvisioning), "Provisioning");
  EXPECT_EQ(state_name(CloudServiceState::kError), "Error");
}

}  // namespace
}  // namespace emu::sitedb

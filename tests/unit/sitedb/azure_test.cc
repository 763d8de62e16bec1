#include "emulator/sitedb/site_db.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace emu::sitedb {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kTenantId = "8D7E1B38-6F0B-4A5A-9C55-3D2E1F4B6A70";

class AzureTablesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SiteDb::open(store::StateDir(""), "P01");
    ASSERT_TRUE(db.ok()) << db.status().to_string();
    db_ = std::move(db).value();
  }
  static AadApplication web_app() {
    AadApplication app;
    app.tenant_id = kTenantId;
    app.kind = "web";
    app.name = "CMG Server App";
    app.client_id = "11111111-2222-3333-4444-555555555555";
    app.object_id = "obj-web";
    app.service_principal_id = "sp-web";
    app.identifier_uri = "https://ConfigMgrService";
    app.secret = "s3cr3t~VALUE.never-in-views";
    app.secret_key_id = "key-1";
    app.secret_expiry = "2026-01-01T00:00:00Z";
    app.imported = true;
    return app;
  }
  std::unique_ptr<SiteDb> db_;
};

TEST_F(AzureTablesTest, EnvironmentRoundTrip) {
  AzureEnvironment env;
  env.name = "AzurePublicCloud";
  env.login_endpoint = "https://login.microsoftonline.com/";
  env.graph_endpoint = "https://graph.microsoft.com/";
  env.management_endpoint = "https://management.azure.com/";
  env.graph_resource = "https://graph.microsoft.com";
  ASSERT_TRUE(db_->put_environment(env).ok());
  env.graph_resource = "https://graph.windows.net";
  ASSERT_TRUE(db_->put_environment(env).ok());  // replaces
  auto got = db_->environment("azurepubliccloud");
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_EQ(got->name, "AzurePublicCloud");
  EXPECT_EQ(got->login_endpoint, env.login_endpoint);
  EXPECT_EQ(got->graph_endpoint, env.graph_endpoint);
  EXPECT_EQ(got->management_endpoint, env.management_endpoint);
  EXPECT_EQ(got->graph_resource, "https://graph.windows.net");
  EXPECT_EQ(db_->environment("AzureUSGovernment").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(db_->put_environment({}).code(), StatusCode::kInvalidArgument);
}

TEST_F(AzureTablesTest, TenantRoundTrip) {
  AadTenant tenant;
  tenant.tenant_id = kTenantId;
  tenant.name = "Cloud Management";
  tenant.domain = "contoso.onmicrosoft.com";
  tenant.environment = "AzurePublicCloud";
  tenant.user_discovery = true;
  tenant.disabled = true;
  tenant.last_discovery = "2024-05-01T10:00:00Z";
  ASSERT_TRUE(db_->put_tenant(tenant).ok());
  auto got = db_->tenant("8d7e1b38-6f0b-4a5a-9c55-3d2e1f4b6a70");
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_EQ(got->tenant_id, kTenantId);
  EXPECT_EQ(got->name, tenant.name);
  EXPECT_EQ(got->domain, tenant.domain);
  EXPECT_EQ(got->environment, tenant.environment);
  EXPECT_TRUE(got->user_discovery);
  EXPECT_TRUE(got->disabled);
  EXPECT_EQ(got->last_discovery, tenant.last_discovery);
  tenant.disabled = false;
  ASSERT_TRUE(db_->put_tenant(tenant).ok());
  ASSERT_EQ(db_->tenants().size(), 1u);
  EXPECT_FALSE(db_->tenants()[0].disabled);
  EXPECT_EQ(db_->tenant("other").status().code(), StatusCode::kNotFound);
}

TEST_F(AzureTablesTest, ApplicationRoundTripAndKinds) {
  AadApplication web = web_app();
  ASSERT_TRUE(db_->put_application(web).ok());
  AadApplication native;
  native.tenant_id = kTenantId;
  native.kind = "native";
  native.name = "CMG Client App";
  native.client_id = "66666666-7777-8888-9999-000000000000";
  ASSERT_TRUE(db_->put_application(native).ok());

  auto got = db_->application(kTenantId, "web");
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_EQ(got->name, web.name);
  EXPECT_EQ(got->client_id, web.client_id);
  EXPECT_EQ(got->object_id, web.object_id);
  EXPECT_EQ(got->service_principal_id, web.service_principal_id);
  EXPECT_EQ(got->identifier_uri, web.identifier_uri);
  EXPECT_EQ(got->secret, web.secret);
  EXPECT_EQ(got->secret_key_id, web.secret_key_id);
  EXPECT_EQ(got->secret_expiry, web.secret_expiry);
  EXPECT_TRUE(got->imported);
  auto apps = db_->applications();
  ASSERT_EQ(apps.size(), 2u);
  EXPECT_EQ(apps[0].kind, "web");
  EXPECT_EQ(apps[1].kind, "native");
  EXPECT_EQ(db_->application(kTenantId, "other").status().code(), StatusCode::kNotFound);

  native.kind = "daemon";
  Status bad = db_->put_application(native);
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.message(), HasSubstr("'web' or 'native'"));
}

TEST_F(AzureTablesTest, ApplicationViewNeverShowsTheSecret) {
  AadTenant tenant;
  tenant.tenant_id = kTenantId;
  tenant.name = "Cloud Management";
  ASSERT_TRUE(db_->put_tenant(tenant).ok());
  const AadApplication web = web_app();
  ASSERT_TRUE(db_->put_application(web).ok());
  auto all = db_->query("SELECT * FROM [dbo].[vSMS_AAD_Application_Ex]");
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  EXPECT_THAT(all->columns, Not(::testing::Contains("SecretKey")));
  ASSERT_EQ(all->rows.size(), 1u);
  for (const auto& value : all->rows[0]) {
    EXPECT_THAT(value.value_or(""), Not(HasSubstr(web.secret)));
  }
  auto uri = db_->query(
      "SELECT IdentifierUri, ClientID, Name, TenantID, AppType, TenantName FROM "
      "dbo.vSMS_AAD_Application_Ex");
  ASSERT_TRUE(uri.ok()) << uri.status().to_string();
  EXPECT_THAT(uri->rows[0], ElementsAre(web.identifier_uri, web.client_id, web.name, kTenantId,
                                        "web", "Cloud Management"));
}

TEST_F(AzureTablesTest, ReplaceUsersIsAFullDiscovery) {
  ASSERT_TRUE(db_->replace_users(kTenantId, {{"", "u1", "alice@contoso.com", "Alice", "a@c",
                                              "2024-05-01T10:00:00Z"},
                                             {"", "u2", "bob@contoso.com", "Bob", "", "2024"}})
                  .ok());
  ASSERT_TRUE(db_->replace_users("other", {{"", "u9", "x@fabrikam.com", "X", "", "2024"}}).ok());
  auto users = db_->users(kTenantId);
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].tenant_id, kTenantId);
  EXPECT_EQ(users[0].object_id, "u1");
  EXPECT_EQ(users[0].upn, "alice@contoso.com");
  EXPECT_EQ(users[0].display_name, "Alice");
  EXPECT_EQ(users[0].mail, "a@c");
  EXPECT_EQ(users[0].discovered, "2024-05-01T10:00:00Z");
  EXPECT_EQ(users[1].object_id, "u2");
  // One user by object id, case-insensitive, within its tenant only.
  EXPECT_EQ(db_->user(kTenantId, "U2").value().upn, "bob@contoso.com");
  EXPECT_EQ(db_->user(kTenantId, "u9").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(db_->user("other", "u9").value().upn, "x@fabrikam.com");

  ASSERT_TRUE(
      db_->replace_users(kTenantId, {{"", "u3", "carol@contoso.com", "Carol", "", ""}}).ok());
  ASSERT_EQ(db_->users(kTenantId).size(), 1u);
  EXPECT_EQ(db_->users(kTenantId)[0].upn, "carol@contoso.com");
  EXPECT_EQ(db_->users("other").size(), 1u);

  // A duplicate object ID rolls the whole discovery back.
  Status dup = db_->replace_users(kTenantId,
                                  {{"", "u4", "d@c", "D", "", ""}, {"", "U4", "e@c", "E", "", ""}});
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists);
  ASSERT_EQ(db_->users(kTenantId).size(), 1u);
  EXPECT_EQ(db_->users(kTenantId)[0].upn, "carol@contoso.com");

  auto view = db_->query(
      "SELECT ResourceID, AADUserID, AADTenantID, UserPrincipalName, DisplayName FROM v_R_User "
      "WHERE AADTenantID = 'other'");
  ASSERT_TRUE(view.ok()) << view.status().to_string();
  ASSERT_EQ(view->rows.size(), 1u);
  EXPECT_THAT(view->rows[0], ElementsAre(::testing::Optional(::testing::StartsWith("20635975")),
                                         "u9", "other", "x@fabrikam.com", "X"));
}

}  // namespace
}  // namespace emu::sitedb

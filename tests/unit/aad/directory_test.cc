#include "emulator/aad/directory/directory.h"

#include "emulator/aad/keys/signing_keys.h"
#include "emulator/core/store/database.h"
#include "tests/unit/aad/signing_keys_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>

namespace emu::aad {
namespace {

class DirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::open(":memory:");
    ASSERT_TRUE(db.ok()) << db.status().to_string();
    db_ = std::move(*db);
    auto dir = Directory::open(*db_, clock_, ids_);
    ASSERT_TRUE(dir.ok()) << dir.status().to_string();
    dir_ = std::move(*dir);
    auto tenant = dir_->create_tenant({"", "contoso.onmicrosoft.com", "Contoso"});
    ASSERT_TRUE(tenant.ok()) << tenant.status().to_string();
    tenant_ = *tenant;
  }

  User make_user(const std::string& upn) {
    User u;
    u.tenant_id = tenant_.id;
    u.upn = upn;
    u.display_name = upn.substr(0, upn.find('@'));
    u.password = "P@ssw0rd!";
    return u;
  }

  VirtualClock clock_{VirtualClock::Mode::kManual, parse_iso8601("2026-01-01T00:00:00Z").value()};
  IdSource ids_{42};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<Directory> dir_;
  Tenant tenant_;
};

TEST_F(DirectoryTest, SchemaHoldsSigningKeysTableAndReopenIsIdempotent) {
  auto rows = store::query_readonly(
      *db_, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'signing_keys'");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->rows.size(), 1u);
  ASSERT_TRUE(db_->exec("INSERT INTO signing_keys VALUES ('k1', 'key', 'cert', 1, 'now', 1)").ok());
  auto again = Directory::open(*db_, clock_, ids_);
  ASSERT_TRUE(again.ok()) << again.status().to_string();
  EXPECT_EQ((*again)->tenants().size(), 1u);
}

TEST_F(DirectoryTest, SigningKeySetOpensOnTheDirectorySchema) {
  auto keys = SigningKeySet::open(*db_, testing::shared_key_dir(), 2, clock_);
  ASSERT_TRUE(keys.ok()) << keys.status().to_string();
  EXPECT_EQ((*keys)->keys().size(), 2u);
}

TEST_F(DirectoryTest, TenantsAreFoundByIdOrDomainIgnoringCase) {
  EXPECT_EQ(tenant_.id.size(), 36u);
  EXPECT_EQ(dir_->find_tenant(tenant_.id)->domain, "contoso.onmicrosoft.com");
  EXPECT_EQ(dir_->find_tenant("CONTOSO.onmicrosoft.COM")->id, tenant_.id);
  EXPECT_EQ(dir_->find_tenant("fabrikam.onmicrosoft.com").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(dir_->create_tenant({"", "Contoso.onmicrosoft.com", ""}).status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(dir_->create_tenant({"", "", ""}).status().code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(dir_->tenants().size(), 1u);
}

TEST_F(DirectoryTest, CreateTenantSeedsFirstPartyApplicationsAndServicePrincipals) {
  auto sps = dir_->list_service_principals(tenant_.id);
  std::set<std::string> app_ids;
  for (const auto& sp : sps) {
    EXPECT_TRUE(sp.first_party);
    app_ids.insert(sp.app_id);
  }
  EXPECT_EQ(app_ids, (std::set<std::string>{kAzureCliAppId, kArmAppId, kGraphAppId}));
  EXPECT_TRUE(dir_->list_applications(tenant_.id).empty());

  auto cli = dir_->find_application_any_tenant(kAzureCliAppId);
  ASSERT_TRUE(cli.ok());
  EXPECT_TRUE(cli->first_party);
  EXPECT_TRUE(cli->is_fallback_public_client);
  EXPECT_EQ(cli->tenant_id, kMicrosoftServicesTenantId);
  EXPECT_EQ(dir_->find_application(tenant_.id, kAzureCliAppId)->id, cli->id);

  for (const char* uri : {"https://management.azure.com/", "https://management.core.windows.net/",
                          "https://management.azure.com", "https://management.core.windows.net"}) {
    EXPECT_EQ(dir_->find_resource(tenant_.id, uri)->app_id, kArmAppId) << uri;
  }
  auto graph = dir_->find_resource(tenant_.id, "https://graph.microsoft.com/");
  ASSERT_TRUE(graph.ok());
  EXPECT_EQ(graph->app_id, kGraphAppId);
  EXPECT_EQ(dir_->find_resource(tenant_.id, kGraphAppId)->id, graph->id);
  bool has_role = std::any_of(graph->app_roles.begin(), graph->app_roles.end(), [](auto& r) {
    return r["value"] == "Application.ReadWrite.All" &&
           r["id"] == "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9";
  });
  EXPECT_TRUE(has_role);
  bool has_scope =
      std::any_of(graph->oauth2_permission_scopes.begin(), graph->oauth2_permission_scopes.end(),
                  [](auto& s) { return s["value"] == "Directory.AccessAsUser.All"; });
  EXPECT_TRUE(has_scope);

  // The Azure CLI is pre-authorised for ARM in the tenant.
  auto cli_sp = dir_->find_service_principal(tenant_.id, kAzureCliAppId);
  auto arm_sp = dir_->find_service_principal(tenant_.id, kArmAppId);
  ASSERT_TRUE(cli_sp.ok() && arm_sp.ok());
  auto grants = dir_->permission_grants(cli_sp->id);
  ASSERT_EQ(grants.size(), 2u);
  auto arm_grant = std::find_if(grants.begin(), grants.end(), [&](const PermissionGrant& g) {
    return g.resource_id == arm_sp->id;
  });
  ASSERT_NE(arm_grant, grants.end());
  EXPECT_EQ(arm_grant->scope, "user_impersonation");
  EXPECT_EQ(arm_grant->consent_type, "AllPrincipals");

  // A second tenant reuses the first-party applications and gets its own SPs.
  auto fabrikam = dir_->create_tenant({"", "fabrikam.onmicrosoft.com", "Fabrikam"});
  ASSERT_TRUE(fabrikam.ok());
  EXPECT_EQ(dir_->find_application_any_tenant(kAzureCliAppId)->id, cli->id);
  auto other_sp = dir_->find_service_principal(fabrikam->id, kAzureCliAppId);
  ASSERT_TRUE(other_sp.ok());
  EXPECT_NE(other_sp->id, cli_sp->id);
}

TEST_F(DirectoryTest, UserCrudWithCaseInsensitiveUpn) {
  User u = make_user("Alice@contoso.onmicrosoft.com");
  u.directory_roles = {kGlobalAdministrator};
  auto created = dir_->create_user(u);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  EXPECT_EQ(created->created, clock_.now());

  auto by_upn = dir_->find_user(tenant_.id, "ALICE@CONTOSO.ONMICROSOFT.COM");
  ASSERT_TRUE(by_upn.ok());
  EXPECT_EQ(by_upn->id, created->id);
  EXPECT_EQ(by_upn->upn, "Alice@contoso.onmicrosoft.com");
  EXPECT_EQ(by_upn->directory_roles, std::vector<std::string>{kGlobalAdministrator});
  EXPECT_EQ(dir_->find_user(tenant_.id, created->id)->upn, u.upn);
  EXPECT_EQ(dir_->find_user_any_tenant("alice@contoso.onmicrosoft.com")->id, created->id);

  EXPECT_EQ(dir_->create_user(make_user("alice@CONTOSO.onmicrosoft.com")).status().code(),
            StatusCode::kAlreadyExists);
  User stray = make_user("bob@contoso.onmicrosoft.com");
  stray.tenant_id = "00000000-0000-0000-0000-000000000000";
  EXPECT_EQ(dir_->create_user(stray).status().code(), StatusCode::kNotFound);

  User changed = *by_upn;
  changed.enabled = false;
  changed.mfa_required = true;
  changed.directory_roles.push_back(kApplicationAdministrator);
  ASSERT_TRUE(dir_->update_user(changed).ok());
  auto reread = dir_->find_user(tenant_.id, changed.id);
  EXPECT_FALSE(reread->enabled);
  EXPECT_TRUE(reread->mfa_required);
  EXPECT_EQ(reread->directory_roles.size(), 2u);

  ASSERT_TRUE(dir_->delete_user(tenant_.id, changed.id).ok());
  EXPECT_EQ(dir_->find_user(tenant_.id, changed.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(dir_->delete_user(tenant_.id, changed.id).code(), StatusCode::kNotFound);
  EXPECT_EQ(dir_->update_user(changed).code(), StatusCode::kNotFound);
}

TEST_F(DirectoryTest, ListUsersPagesInObjectIdOrder) {
  for (int i = 0; i < 25; ++i) {
    ASSERT_TRUE(
        dir_->create_user(make_user("u" + std::to_string(i) + "@contoso.onmicrosoft.com")).ok());
  }
  EXPECT_EQ(dir_->count_users(tenant_.id), 25u);
  std::vector<std::string> seen;
  std::string after;
  for (int page = 0; page < 3; ++page) {
    auto users = dir_->list_users(tenant_.id, after, 10);
    EXPECT_EQ(users.size(), page < 2 ? 10u : 5u);
    for (const auto& u : users) seen.push_back(u.id);
    after = users.back().id;
  }
  EXPECT_TRUE(dir_->list_users(tenant_.id, after, 10).empty());
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 25u);
}

TEST_F(DirectoryTest, ApplicationsKeepCredentialsAndResolveAsResources) {
  Application a;
  a.tenant_id = tenant_.id;
  a.display_name = "ConfigMgr Server";
  a.identifier_uris = {"https://ConfigMgrService"};
  a.web_redirect_uris = {"https://localhost"};
  a.password_credentials.push_back({"", "s1", "abc8Q~secret", "", clock_.now(), clock_.now()});
  std::string der("\x30\x82\x00\x01\x00\xff", 6);  // bytes with a NUL survive as a BLOB
  a.key_credentials.push_back({"", "cert", der, "thumb", clock_.now(), clock_.now()});
  auto created = dir_->create_application(a);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  EXPECT_FALSE(created->app_id.empty());
  EXPECT_EQ(created->password_credentials[0].hint, "abc");

  auto by_app_id = dir_->find_application(tenant_.id, created->app_id);
  ASSERT_TRUE(by_app_id.ok());
  EXPECT_EQ(by_app_id->id, created->id);
  EXPECT_EQ(by_app_id->password_credentials.at(0).secret, "abc8Q~secret");
  EXPECT_EQ(by_app_id->key_credentials.at(0).cert_der, der);
  EXPECT_EQ(by_app_id->web_redirect_uris, a.web_redirect_uris);
  EXPECT_EQ(dir_->find_resource(tenant_.id, "https://configmgrservice")->id, created->id);
  EXPECT_EQ(dir_->list_applications(tenant_.id).size(), 1u);

  auto other = dir_->create_tenant({"", "fabrikam.onmicrosoft.com", ""});
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(dir_->find_application(other->id, created->app_id).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(dir_->find_resource(other->id, "https://ConfigMgrService").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(dir_->find_application_any_tenant(created->app_id)->id, created->id);

  Application changed = *by_app_id;
  changed.display_name = "Renamed";
  changed.password_credentials.clear();
  changed.password_credentials.push_back({"", "s2", "xyz8Q~other", "", {}, {}});
  ASSERT_TRUE(dir_->update_application(changed).ok());
  auto reread = dir_->find_application(tenant_.id, created->id);
  EXPECT_EQ(reread->display_name, "Renamed");
  ASSERT_EQ(reread->password_credentials.size(), 1u);
  EXPECT_EQ(reread->password_credentials[0].secret, "xyz8Q~other");
  EXPECT_EQ(reread->key_credentials.size(), 1u);

  ASSERT_TRUE(dir_->delete_application(tenant_.id, created->id).ok());
  EXPECT_EQ(dir_->find_application_any_tenant(created->app_id).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(dir_->delete_application(tenant_.id, created->id).code(), StatusCode::kNotFound);
  Application dup = a;
  dup.app_id = kGraphAppId;
  EXPECT_EQ(dir_->create_application(dup).status().code(), StatusCode::kAlreadyExists);
}

TEST_F(DirectoryTest, ConsentArtefactsAndCascadingDelete) {
  Application client;
  client.tenant_id = tenant_.id;
  client.display_name = "client";
  auto app = dir_->create_application(client);
  ASSERT_TRUE(app.ok());
  ServicePrincipal spec;
  spec.app_id = app->app_id;
  spec.tenant_id = tenant_.id;
  auto sp = dir_->create_service_principal(spec);
  ASSERT_TRUE(sp.ok()) << sp.status().to_string();
  EXPECT_EQ(dir_->create_service_principal(spec).status().code(), StatusCode::kAlreadyExists);
  auto graph_sp = dir_->find_service_principal(tenant_.id, kGraphAppId);
  ASSERT_TRUE(graph_sp.ok());

  PermissionGrant g{"", sp->id, graph_sp->id, "AllPrincipals", "", "User.Read"};
  auto grant = dir_->add_permission_grant(g);
  ASSERT_TRUE(grant.ok()) << grant.status().to_string();
  EXPECT_EQ(dir_->find_permission_grant(grant->id)->scope, "User.Read");
  EXPECT_EQ(dir_->permission_grants(sp->id).size(), 1u);
  EXPECT_EQ(dir_->list_permission_grants(tenant_.id).size(), 3u);  // + the two CLI grants
  g.client_id = "nope";
  EXPECT_EQ(dir_->add_permission_grant(g).status().code(), StatusCode::kNotFound);
  g.client_id = sp->id;
  g.consent_type = "Principal";
  g.principal_id = "no-such-user";
  EXPECT_EQ(dir_->add_permission_grant(g).status().code(), StatusCode::kNotFound);

  AppRoleAssignment role{"", sp->id, graph_sp->id, "7ab1d382-f21e-4acd-a863-ba3e13f7da61"};
  auto assignment = dir_->add_app_role_assignment(role);
  ASSERT_TRUE(assignment.ok());
  EXPECT_EQ(dir_->add_app_role_assignment(role).status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dir_->app_role_assignments(sp->id).at(0).app_role_id, role.app_role_id);
  EXPECT_EQ(dir_->app_role_assigned_to(graph_sp->id).size(), 1u);
  EXPECT_EQ(dir_->find_app_role_assignment(assignment->id)->principal_id, sp->id);

  ASSERT_TRUE(dir_->delete_service_principal(tenant_.id, sp->id).ok());
  EXPECT_TRUE(dir_->permission_grants(sp->id).empty());
  EXPECT_TRUE(dir_->app_role_assigned_to(graph_sp->id).empty());
  EXPECT_EQ(dir_->delete_permission_grant(grant->id).code(), StatusCode::kNotFound);
  EXPECT_EQ(dir_->delete_app_role_assignment(assignment->id).code(), StatusCode::kNotFound);
}

TEST_F(DirectoryTest, GrantArtefactsRoundTrip) {
  TimePoint later = clock_.now() + std::chrono::minutes(10);
  AuthCode code{"code-1",    tenant_.id, "client", "user", "http://localhost", "openid", "n1",
                "challenge", "S256",     later,    false};
  ASSERT_TRUE(dir_->save_auth_code(code).ok());
  auto found = dir_->find_auth_code("code-1");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->code_challenge, "challenge");
  EXPECT_EQ(found->expires, later);
  EXPECT_FALSE(found->redeemed);
  ASSERT_TRUE(dir_->mark_auth_code_redeemed("code-1").ok());
  EXPECT_TRUE(dir_->find_auth_code("code-1")->redeemed);
  EXPECT_EQ(dir_->mark_auth_code_redeemed("nope").code(), StatusCode::kNotFound);

  RefreshToken rt{"rt-1", tenant_.id, "client", "user", "openid offline_access", later, false};
  ASSERT_TRUE(dir_->save_refresh_token(rt).ok());
  rt.revoked = true;
  ASSERT_TRUE(dir_->save_refresh_token(rt).ok());
  EXPECT_TRUE(dir_->find_refresh_token("rt-1")->revoked);
  EXPECT_EQ(dir_->find_refresh_token("rt-2").status().code(), StatusCode::kNotFound);

  DeviceCode dc{"dc-1", "ABCD-EFGH", tenant_.id, "client", "openid", "", later, false};
  ASSERT_TRUE(dir_->save_device_code(dc).ok());
  dc.user_id = "user-1";
  ASSERT_TRUE(dir_->save_device_code(dc).ok());  // approval updates in place
  EXPECT_EQ(dir_->find_device_code_by_user_code("abcd-efgh")->user_id, "user-1");
  EXPECT_EQ(dir_->find_device_code("dc-1")->user_code, "ABCD-EFGH");
  DeviceCode clash{"dc-2", "abcd-EFGH", tenant_.id, "client", "openid", "", later, false};
  EXPECT_EQ(dir_->save_device_code(clash).code(), StatusCode::kAlreadyExists);
}

TEST_F(DirectoryTest, ClearEmptiesDirectoryButKeepsSigningKeys) {
  ASSERT_TRUE(db_->exec("INSERT INTO signing_keys VALUES ('k1', 'key', 'cert', 1, 'now', 1)").ok());
  ASSERT_TRUE(dir_->create_user(make_user("a@contoso.onmicrosoft.com")).ok());
  ASSERT_TRUE(
      dir_->save_refresh_token({"rt", tenant_.id, "c", "u", "s", clock_.now(), false}).ok());
  ASSERT_TRUE(dir_->clear().ok());
  EXPECT_TRUE(dir_->tenants().empty());
  EXPECT_EQ(dir_->find_user_any_tenant("a@contoso.onmicrosoft.com").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(dir_->find_application_any_tenant(kGraphAppId).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(dir_->find_refresh_token("rt").status().code(), StatusCode::kNotFound);
  auto keys = store::query_readonly(*db_, "SELECT kid FROM signing_keys");
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->rows.size(), 1u);
  // The lab can be seeded again.
  auto again = dir_->create_tenant({"", "contoso.onmicrosoft.com", ""});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(dir_->find_resource(again->id, "https://graph.microsoft.com").ok());
}

TEST_F(DirectoryTest, IdentifiersComeFromTheSeededIdSource) {
  auto db = store::Database::open(":memory:");
  ASSERT_TRUE(db.ok());
  IdSource ids(42);
  auto dir = Directory::open(**db, clock_, ids);
  ASSERT_TRUE(dir.ok());
  auto tenant = (*dir)->create_tenant({"", "contoso.onmicrosoft.com", "Contoso"});
  ASSERT_TRUE(tenant.ok());
  EXPECT_EQ(tenant->id, tenant_.id);
  EXPECT_EQ((*dir)->find_service_principal(tenant->id, kGraphAppId)->id,
            dir_->find_service_principal(tenant_.id, kGraphAppId)->id);
}

}  // namespace
}  // namespace emu::aad

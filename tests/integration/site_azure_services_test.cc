// The Azure Services wizard (Cloud Management) and Azure AD user discovery against a real
// Lab: the apps it creates in the emulated Entra ID (checked through Graph), the site database
// rows, the import path, and the failures (non-admin, MFA not completed, expired secret).
#include "emulator/site/azure_client.h"
#include "emulator/site/azure_services/azure_services.h"
#include "tests/integration/site_fixture.h"

#include <gmock/gmock.h>

namespace emu {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kAdmin = "admin@contoso.onmicrosoft.com";
constexpr const char* kDirectoryReadAllId = "7ab1d382-f21e-4acd-a863-ba3e13f7da61";
constexpr const char* kGraphAppId = "00000003-0000-0000-c000-000000000000";

class SiteAzureServicesTest : public test::SiteLabTest {
 protected:
  void SetUp() override {
    SetUpLab(test::site_lab_section());
    tenant_id_ = summary_["aad"]["tenants"][0]["id"].get<std::string>();
  }

  static json create_args(const std::string& upn = kAdmin) {
    return {{"service", "Cloud Management"},
            {"name", "Contoso Cloud"},
            {"environment", "AzurePublicCloud"},
            {"signed_in_as", upn},
            {"web_app", {{"create", true}, {"name", "CMG Server App"}}},
            {"client_app", {{"create", true}, {"name", "CMG Client App"}}}};
  }

  ActionOutcome lab_action(const std::string& name, const json& args) {
    const ActionDef* def = lab_->actions().find(name);
    EXPECT_NE(def, nullptr) << name;
    if (def == nullptr || !def->run) return {ActionOutcome::Kind::kFailed, "no action", {}, {}};
    return def->run(args, *ctx_);
  }

  // A Graph GET as the Global Administrator (through the console's client).
  json graph_get(const std::string& target) {
    site::AzureClient client(*ctx_);
    if (admin_token_.empty()) {
      auto t = client.sign_in_interactive(config_.console_client_id, "http://localhost", kAdmin,
                                          "P@ssw0rd!", "https://graph.microsoft.com/.default");
      EXPECT_TRUE(t.ok()) << t.error.text();
      admin_token_ = t.value.access_token;
    }
    auto r = client.call("graph", "GET", target, admin_token_);
    EXPECT_TRUE(r.ok()) << target << ": " << r.error.text();
    return r.value.body;
  }

  size_t directory_users() { return graph_get("/v1.0/users?$select=id&$top=999")["value"].size(); }

  bool nothing_recorded() {
    return db_->tenants().empty() && db_->applications().empty() &&
           !db_->environment("AzurePublicCloud").ok();
  }

  std::string tenant_id_;
  std::string admin_token_;
};

TEST_F(SiteAzureServicesTest, CreatesBothAppsInEntraIdAndRecordsThem) {
  ActionOutcome o = site::configure_azure_services(*env_, create_args());
  ASSERT_EQ(o.kind, ActionOutcome::Kind::kPassed) << o.message;
  EXPECT_EQ(o.output["tenant_id"], tenant_id_);
  EXPECT_EQ(o.output["domain"], "contoso.onmicrosoft.com");
  const std::string web_id = o.output["web_app"]["app_id"];
  const std::string native_id = o.output["client_app"]["app_id"];
  const std::string broker = "ms-appx-web://Microsoft.AAD.BrokerPlugin/" + native_id;
  EXPECT_EQ(o.output["client_app"]["redirect_uri"], broker);

  json web = graph_get("/v1.0/applications(appId='" + web_id + "')");
  EXPECT_EQ(web["displayName"], "CMG Server App");
  EXPECT_EQ(web["identifierUris"], json::array({"https://ConfigMgrService"}));
  EXPECT_EQ(web["web"]["redirectUris"], json::array({"http://localhost"}));
  EXPECT_EQ(web["api"]["oauth2PermissionScopes"][0]["value"], "user_impersonation");
  EXPECT_EQ(web["requiredResourceAccess"],
            json::parse(R"([{"resourceAppId":")" + std::string(kGraphAppId) +
                        R"(","resourceAccess":[{"id":")" + kDirectoryReadAllId +
                        R"(","type":"Role"}]}])"));
  json native = graph_get("/v1.0/applications(appId='" + native_id + "')");
  EXPECT_EQ(native["isFallbackPublicClient"], true);
  EXPECT_THAT(native["publicClient"]["redirectUris"].get<std::vector<std::string>>(),
              ::testing::Contains(broker));
  EXPECT_EQ(native["requiredResourceAccess"][0]["resourceAppId"], web_id);
  EXPECT_EQ(native["requiredResourceAccess"][0]["resourceAccess"][0]["type"], "Scope");
  EXPECT_EQ(native["requiredResourceAccess"][0]["resourceAccess"][0]["id"],
            web["api"]["oauth2PermissionScopes"][0]["id"]);

  auto web_row = db_->application(tenant_id_, "web");
  auto native_row = db_->application(tenant_id_, "native");
  ASSERT_TRUE(web_row.ok() && native_row.ok());
  json roles = graph_get("/v1.0/servicePrincipals/" + web_row->service_principal_id +
                         "/appRoleAssignments")["value"];
  ASSERT_EQ(roles.size(), 1u);
  EXPECT_EQ(roles[0]["appRoleId"], kDirectoryReadAllId);
  json grants = graph_get("/v1.0/oauth2PermissionGrants?$filter=clientId%20eq%20'" +
                          native_row->service_principal_id + "'")["value"];
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_EQ(grants[0]["resourceId"], web_row->service_principal_id);
  EXPECT_EQ(grants[0]["scope"], "user_impersonation");
  EXPECT_EQ(grants[0]["consentType"], "AllPrincipals");

  // Site database: environment, tenant, both apps (secret valid one year by default).
  auto azure = db_->environment("AzurePublicCloud");
  ASSERT_TRUE(azure.ok());
  EXPECT_EQ(azure->login_endpoint, "https://login.microsoftonline.com/");
  EXPECT_EQ(azure->graph_endpoint, "https://graph.microsoft.com/");
  EXPECT_EQ(azure->management_endpoint, "https://management.azure.com/");
  auto tenant = db_->tenant(tenant_id_);
  ASSERT_TRUE(tenant.ok());
  EXPECT_EQ(tenant->domain, "contoso.onmicrosoft.com");
  EXPECT_EQ(tenant->name, "Contoso Cloud");
  EXPECT_EQ(web_row->client_id, web_id);
  EXPECT_EQ(web_row->object_id, web["id"]);
  EXPECT_FALSE(web_row->secret.empty());
  EXPECT_FALSE(web_row->secret_key_id.empty());
  EXPECT_EQ(web_row->secret_expiry, "2027-01-01T00:00:00Z");  // lab start + 1 year
  EXPECT_EQ(web_row->identifier_uri, "https://ConfigMgrService");
  EXPECT_FALSE(web_row->imported);
  EXPECT_EQ(native_row->client_id, native_id);
  EXPECT_FALSE(native_row->service_principal_id.empty());
  auto view = db_->query("SELECT IdentifierUri FROM vSMS_AAD_Application_Ex");
  ASSERT_TRUE(view.ok()) << view.status().to_string();
  bool found = false;
  for (const auto& row : view->rows) found |= row[0] == "https://ConfigMgrService";
  EXPECT_TRUE(found);

  // The recorded secret really works: an app-only token carrying Directory.Read.All.
  site::AzureClient client(*ctx_);
  auto app =
      client.app_token(tenant_id_, web_id, web_row->secret, "https://graph.microsoft.com/.default");
  ASSERT_TRUE(app.ok()) << app.error.text();
  EXPECT_EQ(app.value.claims["roles"], json::array({"Directory.Read.All"}));
  EXPECT_THAT(log_text(site::kAdminUiLog),
              HasSubstr("Azure Services Wizard completed: tenant " + tenant_id_));
}

TEST_F(SiteAzureServicesTest, TwoYearSecretAndCustomIdentifierUri) {
  json args = create_args();
  args["web_app"]["secret_years"] = 2;
  args["web_app"]["identifier_uri"] = "api://" + tenant_id_ + "/ConfigMgr";
  ActionOutcome o = site::configure_azure_services(*env_, args);
  ASSERT_EQ(o.kind, ActionOutcome::Kind::kPassed) << o.message;
  EXPECT_EQ(o.output["web_app"]["secret_expiry"], "2028-01-01T00:00:00Z");
  EXPECT_EQ(o.output["web_app"]["identifier_uri"], "api://" + tenant_id_ + "/ConfigMgr");
}

TEST_F(SiteAzureServicesTest, DiscoveryStoresEveryDirectoryUserAcrossPages) {
  for (int i = 0; i < 105; ++i) {
    ActionOutcome u = lab_action(
        "aad.user.create", {{"upn", "bulk" + std::to_string(i) + "@contoso.onmicrosoft.com"}});
    ASSERT_EQ(u.kind, ActionOutcome::Kind::kPassed) << u.message;
  }
  json args = create_args();
  args["user_discovery"] = true;
  ActionOutcome o = site::configure_azure_services(*env_, args);
  ASSERT_EQ(o.kind, ActionOutcome::Kind::kPassed) << o.message;
  const size_t expected = directory_users();
  EXPECT_EQ(expected, 108u);
  EXPECT_EQ(o.output["discovered_users"], expected);
  std::vector<sitedb::AadUser> users = db_->users(tenant_id_);
  ASSERT_EQ(users.size(), expected);
  bool admin = false;
  for (const auto& u : users) admin |= u.upn == kAdmin && u.display_name == "Lab Admin";
  EXPECT_TRUE(admin);
  EXPECT_FALSE(db_->tenant(tenant_id_)->last_discovery.empty());
  std::string log = log_text(site::kDiscoveryLog);
  EXPECT_THAT(log, HasSubstr("(page 2)"));
  EXPECT_THAT(log, HasSubstr("completed: 108 users discovered."));
  EXPECT_THAT(log, HasSubstr("$$<SMS_AZUREAD_DISCOVERY_AGENT><"));
}

TEST_F(SiteAzureServicesTest, ImportsAppsCreatedInThePortal) {
  ActionOutcome server = lab_action(
      "aad.app.create",
      {{"display_name", "Portal Server App"},
       {"identifier_uris", {"https://ConfigMgrService"}},
       {"exposed_scopes", {"user_impersonation"}},
       {"secrets", {{{"value", "portal-secret-1"}, {"expires", "2027-06-01T00:00:00Z"}}}},
       {"app_permissions",
        {{{"resource", "https://graph.microsoft.com"}, {"roles", {"Directory.Read.All"}}}}}});
  ASSERT_EQ(server.kind, ActionOutcome::Kind::kPassed) << server.message;
  ActionOutcome native = lab_action(
      "aad.app.create", {{"display_name", "Portal Client App"}, {"public_client", true}});
  ASSERT_EQ(native.kind, ActionOutcome::Kind::kPassed) << native.message;
  const std::string web_id = server.output["app_id"];
  json args = {
      {"service", "Cloud Management"},
      {"user_discovery", true},
      {"web_app",
       {{"import", true},
        {"tenant_id", tenant_id_},
        {"tenant_name", "contoso.onmicrosoft.com"},
        {"name", "Portal Server App"},
        {"client_id", web_id},
        {"secret", "portal-secret-1"},
        {"secret_expiry", "2027-06-01T00:00:00Z"},
        {"identifier_uri", "https://ConfigMgrService"}}},
      {"client_app",
       {{"import", true}, {"name", "Portal Client App"}, {"client_id", native.output["app_id"]}}}};
  ActionOutcome o = site::configure_azure_services(*env_, args);
  ASSERT_EQ(o.kind, ActionOutcome::Kind::kPassed) << o.message;
  EXPECT_EQ(o.output["discovered_users"], 3);
  auto web_row = db_->application(tenant_id_, "web");
  ASSERT_TRUE(web_row.ok());
  EXPECT_TRUE(web_row->imported);
  EXPECT_EQ(web_row->secret, "portal-secret-1");
  EXPECT_EQ(web_row->secret_expiry, "2027-06-01T00:00:00Z");
  EXPECT_EQ(web_row->service_principal_id, server.output["service_principal_id"]);
  EXPECT_EQ(db_->application(tenant_id_, "native")->object_id, native.output["id"]);
  EXPECT_EQ(db_->tenant(tenant_id_)->domain, "contoso.onmicrosoft.com");

  // A wrong secret fails the dialog's Verify with the token service's error.
  args["web_app"]["secret"] = "wrong";
  db_->clear().ok();
  ActionOutcome bad = site::configure_azure_services(*env_, args);
  ASSERT_EQ(bad.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(bad.output["error"], "AADSTS7000215");
  EXPECT_THAT(bad.message, StartsWith("Import server application: AADSTS7000215: "));
  EXPECT_TRUE(nothing_recorded());
}

TEST_F(SiteAzureServicesTest, NonAdminGetsAuthorizationRequestDeniedAndNothingIsRecorded) {
  ActionOutcome o =
      site::configure_azure_services(*env_, create_args("user1@contoso.onmicrosoft.com"));
  ASSERT_EQ(o.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(o.output["error"], "Authorization_RequestDenied");
  EXPECT_EQ(o.output["status"], 403);
  EXPECT_THAT(o.message, StartsWith("Create server application: Authorization_RequestDenied: "));
  EXPECT_TRUE(nothing_recorded());
  EXPECT_EQ(graph_get("/v1.0/applications?$filter=displayName%20eq%20'CMG%20Server%20App'")["value"]
                .size(),
            0u);
  EXPECT_THAT(log_text(site::kAdminUiLog),
              HasSubstr("ERROR: Azure Services Wizard failed: Create server application: "
                        "Authorization_RequestDenied"));
}

TEST_F(SiteAzureServicesTest, MfaNotCompletedFailsSignInWithTheAadstsCode) {
  ActionOutcome mfa = lab_action("aad.user.require_mfa", {{"user", kAdmin}});
  ASSERT_EQ(mfa.kind, ActionOutcome::Kind::kPassed) << mfa.message;
  json args = create_args();
  args["complete_mfa"] = false;
  ActionOutcome o = site::configure_azure_services(*env_, args);
  ASSERT_EQ(o.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(o.output["error"], "AADSTS50076");
  EXPECT_THAT(o.message, StartsWith("Sign-in: AADSTS50076: Due to a configuration change"));
  EXPECT_TRUE(nothing_recorded());
  EXPECT_THAT(log_text(site::kAdminUiLog),
              HasSubstr("ERROR: Microsoft.Identity.Client.MsalUiRequiredException: AADSTS50076"));
  // Completing MFA (the default) succeeds.
  EXPECT_EQ(site::configure_azure_services(*env_, create_args()).kind,
            ActionOutcome::Kind::kPassed);
}

TEST_F(SiteAzureServicesTest, ExpiredServerAppSecretFailsDiscoveryWithTheAgentError) {
  json args = create_args();
  args["user_discovery"] = true;
  ActionOutcome o = site::configure_azure_services(*env_, args);
  ASSERT_EQ(o.kind, ActionOutcome::Kind::kPassed) << o.message;
  ASSERT_EQ(o.output["discovered_users"], 3);
  ActionOutcome expired =
      lab_action("aad.app.expire_secret", {{"app", o.output["web_app"]["app_id"]}});
  ASSERT_EQ(expired.kind, ActionOutcome::Kind::kPassed) << expired.message;

  ActionOutcome d = site::run_user_discovery(*env_, json::object());
  ASSERT_EQ(d.kind, ActionOutcome::Kind::kFailed);
  EXPECT_THAT(d.message, HasSubstr("AADSTS7000222"));
  EXPECT_EQ(d.output["tenants"][0]["tenant_id"], tenant_id_);
  std::string log = log_text(site::kDiscoveryLog);
  EXPECT_THAT(log, HasSubstr("Could not obtain application secret for tenant " + tenant_id_ +
                             ". If this is after a site expansion, please run \"Renew Secret "
                             "Key\" from admin console.~  $$<SMS_AZUREAD_DISCOVERY_AGENT>"));
  EXPECT_EQ(db_->users(tenant_id_).size(), 3u);  // the previous discovery's users stay
}

TEST_F(SiteAzureServicesTest, DiscoveryOfAnUnknownTenantFails) {
  ActionOutcome d = site::run_user_discovery(*env_, {{"tenant", "fabrikam.onmicrosoft.com"}});
  ASSERT_EQ(d.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(d.message, "tenant 'fabrikam.onmicrosoft.com' is not onboarded to the site");
  ActionOutcome none = site::run_user_discovery(*env_, json::object());
  EXPECT_EQ(none.kind, ActionOutcome::Kind::kPassed);
  EXPECT_EQ(none.output["tenants"], json::array());
}

// --- AzureClient ---------------------------------------------------------------------------

TEST_F(SiteAzureServicesTest, ClientReportsAadstsAndGraphErrors) {
  site::AzureClient client(*ctx_);
  auto bad = client.sign_in_interactive(config_.console_client_id, "http://localhost", kAdmin,
                                        "wrong", "https://graph.microsoft.com/.default");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error.code, "AADSTS50126");
  EXPECT_THAT(bad.error.text(), StartsWith("AADSTS50126: Error validating credentials"));

  auto good =
      client.sign_in_interactive(config_.console_client_id, "http://localhost", kAdmin, "P@ssw0rd!",
                                 "https://graph.microsoft.com/.default offline_access");
  ASSERT_TRUE(good.ok()) << good.error.text();
  EXPECT_EQ(good.value.tenant_id, tenant_id_);
  EXPECT_EQ(good.value.upn, kAdmin);
  EXPECT_FALSE(good.value.object_id.empty());
  auto arm = client.refresh(config_.console_client_id, "organizations", good.value.refresh_token,
                            "https://management.azure.com/.default");
  ASSERT_TRUE(arm.ok()) << arm.error.text();
  EXPECT_THAT(arm.value.claims["aud"].get<std::string>(), StartsWith("https://management."));

  auto missing =
      client.call("graph", "GET", "/v1.0/applications/" + tenant_id_, good.value.access_token);
  EXPECT_EQ(missing.error.status, 404);
  EXPECT_EQ(missing.error.code, "Request_ResourceNotFound");
  EXPECT_EQ(missing.value.status, 404);
  EXPECT_EQ(url_path("https://graph.microsoft.com/v1.0/users?$skiptoken=x"),
            "/v1.0/users?$skiptoken=x");
}

}  // namespace
}  // namespace emu

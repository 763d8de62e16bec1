// Seeding the Entra ID directory from a scenario's lab section: what a good section creates,
// and the JSON path every malformed section is reported at.
#include "emulator/aad/seed.h"

#include "emulator/aad/directory/directory.h"
#include "emulator/aad/keys/signing_keys.h"
#include "emulator/core/store/database.h"
#include "tests/testlib/test_pki.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace emu::aad {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kDirectoryReadAll = "7ab1d382-f21e-4acd-a863-ba3e13f7da61";
constexpr const char* kUserRead = "e1fe6dd8-ba31-4d61-89e7-88639da4683d";

class SeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::open(":memory:");
    ASSERT_TRUE(db.ok()) << db.status().to_string();
    db_ = std::move(db).value();
    auto dir = Directory::open(*db_, clock_, ids_);
    ASSERT_TRUE(dir.ok()) << dir.status().to_string();
    dir_ = std::move(dir).value();
  }

  // Drops the directory and its database and opens fresh ones.
  void fresh() {
    dir_.reset();
    db_.reset();
    SetUp();
  }

  SeedDeps deps() { return SeedDeps{*dir_, clock_, ids_}; }

  // A section that exercises every key.
  static json good_section() {
    return json::parse(R"({
      "subscription": {"name": "ignored: another party's"},
      "tenant": {
        "domain": "contoso.onmicrosoft.com",
        "display_name": "Contoso",
        "users": [
          {"upn": "admin@contoso.onmicrosoft.com", "display_name": "Lab Admin",
           "directory_roles": ["Global Administrator"]},
          {"upn": "Alice@Contoso.onmicrosoft.com", "password": "Secret-1", "mfa_required": true,
           "enabled": false, "given_name": "Alice", "surname": "Liddell",
           "mail": "alice@contoso.com"}
        ],
        "applications": [
          {"display_name": "Server App", "identifier_uris": ["https://ConfigMgrService"],
           "redirect_uris": {"web": ["https://localhost/web"], "spa": ["https://localhost/spa"]},
           "access_token_version": 2,
           "secrets": [{"value": "s3cret-value", "display_name": "seeded",
                        "expires": "2026-06-01T00:00:00Z"}],
           "app_permissions": [{"resource": "https://graph.microsoft.com",
                                "roles": ["Directory.Read.All"]}],
           "delegated_permissions": [{"resource": "https://graph.microsoft.com",
                                      "scopes": ["User.Read"]}]},
          {"display_name": "Client App", "app_id": "11111111-2222-4333-8444-555555555555",
           "public_client": true, "redirect_uris": {"public": ["http://localhost"]}},
          {"display_name": "No SP", "service_principal": false}
        ]
      }
    })");
  }

  Status seed(const json& lab) { return seed_lab(lab, deps()).status(); }

  VirtualClock clock_{VirtualClock::Mode::kManual, parse_iso8601("2026-01-01T00:00:00Z").value()};
  IdSource ids_{7};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<Directory> dir_;
};

TEST_F(SeedTest, GoodSectionSeedsTenantUsersAndApplications) {
  auto summary = seed_lab(good_section(), deps());
  ASSERT_TRUE(summary.ok()) << summary.status().to_string();
  ASSERT_EQ((*summary)["tenants"].size(), 1u);
  const json& t = (*summary)["tenants"][0];
  EXPECT_EQ(t["domain"], "contoso.onmicrosoft.com");
  ASSERT_EQ(t["users"].size(), 2u);
  ASSERT_EQ(t["applications"].size(), 3u);

  auto tenant = dir_->find_tenant("CONTOSO.onmicrosoft.com");
  ASSERT_TRUE(tenant.ok());
  EXPECT_EQ(tenant->id, t["id"]);
  EXPECT_EQ(tenant->display_name, "Contoso");

  auto admin = dir_->find_user(tenant->id, "admin@contoso.onmicrosoft.com");
  ASSERT_TRUE(admin.ok());
  EXPECT_EQ(admin->id, t["users"][0]["id"]);
  EXPECT_EQ(admin->password, kDefaultUserPassword);
  EXPECT_EQ(admin->directory_roles, std::vector<std::string>{"Global Administrator"});
  EXPECT_TRUE(admin->enabled);
  EXPECT_FALSE(admin->mfa_required);
  auto alice = dir_->find_user(tenant->id, "alice@contoso.onmicrosoft.com");
  ASSERT_TRUE(alice.ok());
  EXPECT_EQ(alice->password, "Secret-1");
  EXPECT_EQ(alice->display_name, "Alice");  // defaults to the UPN's local part
  EXPECT_EQ(alice->surname, "Liddell");
  EXPECT_EQ(alice->mail, "alice@contoso.com");
  EXPECT_TRUE(alice->mfa_required);
  EXPECT_FALSE(alice->enabled);

  auto server =
      dir_->find_application(tenant->id, t["applications"][0]["app_id"].get<std::string>());
  ASSERT_TRUE(server.ok()) << server.status().to_string();
  EXPECT_EQ(server->id, t["applications"][0]["id"]);
  EXPECT_EQ(server->identifier_uris, std::vector<std::string>{"https://ConfigMgrService"});
  EXPECT_EQ(server->web_redirect_uris, std::vector<std::string>{"https://localhost/web"});
  EXPECT_EQ(server->spa_redirect_uris, std::vector<std::string>{"https://localhost/spa"});
  EXPECT_EQ(server->access_token_version, 2);
  ASSERT_EQ(server->password_credentials.size(), 1u);
  const PasswordCredential& secret = server->password_credentials[0];
  EXPECT_EQ(secret.secret, "s3cret-value");
  EXPECT_EQ(secret.hint, "s3c");
  EXPECT_EQ(secret.display_name, "seeded");
  EXPECT_EQ(format_iso8601(secret.start), "2026-01-01T00:00:00Z");
  EXPECT_EQ(format_iso8601(secret.end), "2026-06-01T00:00:00Z");

  // Admin consent: the app role assignment and the delegated grant on Graph's SP.
  auto sp = dir_->find_service_principal(tenant->id, server->app_id);
  ASSERT_TRUE(sp.ok());
  EXPECT_EQ(sp->id, t["applications"][0]["service_principal_id"]);
  EXPECT_EQ(sp->service_principal_names,
            (std::vector<std::string>{server->app_id, "https://ConfigMgrService"}));
  auto graph_sp = dir_->find_service_principal(tenant->id, kGraphAppId);
  ASSERT_TRUE(graph_sp.ok());
  auto roles = dir_->app_role_assignments(sp->id);
  ASSERT_EQ(roles.size(), 1u);
  EXPECT_EQ(roles[0].app_role_id, kDirectoryReadAll);
  EXPECT_EQ(roles[0].resource_id, graph_sp->id);
  auto grants = dir_->permission_grants(sp->id);
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_EQ(grants[0].scope, "User.Read");
  EXPECT_EQ(grants[0].consent_type, "AllPrincipals");
  EXPECT_EQ(grants[0].resource_id, graph_sp->id);
  EXPECT_EQ(server->required_resource_access,
            json::parse(std::string(R"([{"resourceAppId":")") + kGraphAppId +
                        R"(","resourceAccess":[{"id":")" + kDirectoryReadAll +
                        R"(","type":"Role"},{"id":")" + kUserRead + R"(","type":"Scope"}]}])"));

  auto client = dir_->find_application(tenant->id, "11111111-2222-4333-8444-555555555555");
  ASSERT_TRUE(client.ok());
  EXPECT_TRUE(client->is_fallback_public_client);
  EXPECT_EQ(client->public_client_redirect_uris, std::vector<std::string>{"http://localhost"});
  EXPECT_EQ(client->access_token_version, 1);

  EXPECT_FALSE(t["applications"][2].contains("service_principal_id"));
  auto no_sp =
      dir_->find_service_principal(tenant->id, t["applications"][2]["app_id"].get<std::string>());
  EXPECT_EQ(no_sp.status().code(), StatusCode::kNotFound);
}

TEST_F(SeedTest, PermissionsMayNameAnApplicationOfTheSameSection) {
  json lab = json::parse(R"({"tenants": [{
    "id": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "domain": "fabrikam.onmicrosoft.com",
    "applications": [
      {"display_name": "Client",
       "delegated_permissions": [{"resource": "api://server", "scopes": ["user_impersonation"]}],
       "app_permissions": [{"resource": "api://server", "roles": ["Sync.All"]}]},
      {"display_name": "Server", "identifier_uris": ["api://server"],
       "exposed_scopes": ["user_impersonation"], "app_roles": ["Sync.All"]}
    ]}]})");
  auto summary = seed_lab(lab, deps());
  ASSERT_TRUE(summary.ok()) << summary.status().to_string();
  const std::string tid = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
  EXPECT_EQ((*summary)["tenants"][0]["id"], tid);
  auto server = dir_->find_resource(tid, "api://server");
  ASSERT_TRUE(server.ok());
  ASSERT_EQ(server->oauth2_permission_scopes.size(), 1u);
  ASSERT_EQ(server->app_roles.size(), 1u);
  EXPECT_EQ(server->oauth2_permission_scopes[0]["value"], "user_impersonation");
  EXPECT_EQ(server->app_roles[0]["allowedMemberTypes"], json::array({"Application"}));
  auto client_sp = dir_->find_service_principal(
      tid, (*summary)["tenants"][0]["applications"][0]["app_id"].get<std::string>());
  ASSERT_TRUE(client_sp.ok());
  auto grants = dir_->permission_grants(client_sp->id);
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_EQ(grants[0].scope, "user_impersonation");
  auto roles = dir_->app_role_assignments(client_sp->id);
  ASSERT_EQ(roles.size(), 1u);
  EXPECT_EQ(roles[0].app_role_id, server->app_roles[0]["id"]);

  // A scope the resource does not expose is refused with its path.
  fresh();
  lab["tenants"][0]["applications"][1].erase("exposed_scopes");
  Status s = seed(lab);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "lab.tenants[0].applications[0].delegated_permissions[0].scopes[0]: "
            "'user_impersonation' is not a delegated permission of Server (known: none)");
}

TEST_F(SeedTest, SeedFlowLabSectionSeeds) {
  std::ifstream in(std::string(CMGEMU_SOURCE_DIR) + "/scenarios/lab-site-token.json");
  std::stringstream text;
  text << in.rdbuf();
  json scenario = json::parse(text.str(), nullptr, /*allow_exceptions=*/false,
                              /*ignore_comments=*/true);
  ASSERT_TRUE(scenario.is_object());
  auto summary = seed_lab(scenario["lab"], deps());
  ASSERT_TRUE(summary.ok()) << summary.status().to_string();
  auto tenant = dir_->find_tenant("contoso.onmicrosoft.com");
  ASSERT_TRUE(tenant.ok());
  auto admin = dir_->find_user(tenant->id, "admin@contoso.onmicrosoft.com");
  ASSERT_TRUE(admin.ok());
  EXPECT_EQ(admin->directory_roles, std::vector<std::string>{"Global Administrator"});
}

TEST_F(SeedTest, SectionsWithoutTenantsSeedNothing) {
  EXPECT_TRUE(seed(json()).ok());
  EXPECT_TRUE(seed(json::parse(R"({"site": {"code": "P01"}, "dns": {}})")).ok());
  EXPECT_TRUE(dir_->tenants().empty());
  EXPECT_EQ(seed(json::array()).message(), "lab: must be an object");
}

struct BadCase {
  const char* name;
  const char* patch;  // JSON Patch (RFC 6902) applied to good_section()
  const char* message;
};

class SeedBadKeyTest : public SeedTest, public ::testing::WithParamInterface<BadCase> {};

TEST_P(SeedBadKeyTest, ReportsThePathAndWritesNothing) {
  json lab = good_section().patch(json::parse(GetParam().patch));
  Status s = seed(lab);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), GetParam().message);
  EXPECT_TRUE(dir_->tenants().empty());  // checked before anything is written
}

const BadCase kBadCases[] = {
    {"UserKeyTypo", R"([{"op":"move","from":"/tenant/users/1/upn","path":"/tenant/users/1/upm"}])",
     "lab.tenant.users[1].upm: unknown key; did you mean 'upn'?"},
    {"TenantKeyTypo", R"([{"op":"move","from":"/tenant/domain","path":"/tenant/domian"}])",
     "lab.tenant.domian: unknown key; did you mean 'domain'?"},
    {"MissingDomain", R"([{"op":"remove","path":"/tenant/domain"}])",
     "lab.tenant.domain: required"},
    {"BadDomain", R"([{"op":"replace","path":"/tenant/domain","value":"contoso"}])",
     "lab.tenant.domain: not a domain name: 'contoso'"},
    {"TenantIdNotGuid", R"([{"op":"add","path":"/tenant/id","value":"contoso"}])",
     "lab.tenant.id: must be a GUID"},
    {"UsersNotArray", R"([{"op":"replace","path":"/tenant/users","value":{}}])",
     "lab.tenant.users: must be an array"},
    {"UpnWithoutDomain", R"([{"op":"replace","path":"/tenant/users/0/upn","value":"admin"}])",
     "lab.tenant.users[0].upn: must be <name>@<domain>, got 'admin'"},
    {"MfaNotBool", R"([{"op":"replace","path":"/tenant/users/1/mfa_required","value":"yes"}])",
     "lab.tenant.users[1].mfa_required: must be true or false"},
    {"RolesNotStrings",
     R"([{"op":"replace","path":"/tenant/users/0/directory_roles","value":[1]}])",
     "lab.tenant.users[0].directory_roles[0]: must be a string"},
    {"EmptyPassword", R"([{"op":"replace","path":"/tenant/users/1/password","value":""}])",
     "lab.tenant.users[1].password: must be a non-empty string"},
    {"AppKeyTypo", R"([{"op":"add","path":"/tenant/applications/1/public_clients","value":true}])",
     "lab.tenant.applications[1].public_clients: unknown key; did you mean 'public_client'?"},
    {"RedirectPlatform",
     R"([{"op":"add","path":"/tenant/applications/0/redirect_uris/mobile","value":[]}])",
     "lab.tenant.applications[0].redirect_uris.mobile: unknown key"},
    {"SecretKeyTypo",
     R"([{"op":"move","from":"/tenant/applications/0/secrets/0/value","path":"/tenant/applications/0/secrets/0/valeu"}])",
     "lab.tenant.applications[0].secrets[0].valeu: unknown key; did you mean 'value'?"},
    {"SecretExpiry",
     R"([{"op":"replace","path":"/tenant/applications/0/secrets/0/expires","value":"soon"}])",
     "lab.tenant.applications[0].secrets[0].expires: not an ISO 8601 UTC time: 'soon'"},
    {"CertificateNotPem",
     R"([{"op":"add","path":"/tenant/applications/1/certificates","value":[{"pem":"abc"}]}])",
     "lab.tenant.applications[1].certificates[0].pem: no PEM certificate "
     "(-----BEGIN CERTIFICATE-----) found"},
    {"AppIdNotGuid", R"([{"op":"replace","path":"/tenant/applications/1/app_id","value":"x"}])",
     "lab.tenant.applications[1].app_id: must be a GUID"},
    {"TokenVersion",
     R"([{"op":"replace","path":"/tenant/applications/0/access_token_version","value":3}])",
     "lab.tenant.applications[0].access_token_version: must be 1 or 2"},
    {"PermissionWithoutRoles",
     R"([{"op":"remove","path":"/tenant/applications/0/app_permissions/0/roles"}])",
     "lab.tenant.applications[0].app_permissions[0].roles: required"},
    {"PermissionsWithoutSp",
     R"([{"op":"add","path":"/tenant/applications/0/service_principal","value":false}])",
     "lab.tenant.applications[0].service_principal: permissions are granted to the service "
     "principal; it cannot be false"},
    {"BothTenantForms", R"([{"op":"add","path":"/tenants","value":[]}])",
     "lab: give either 'tenant' or 'tenants', not both"},
    {"TenantsNotArray", R"([{"op":"move","from":"/tenant","path":"/tenants"}])",
     "lab.tenants: must be an array"},
};

INSTANTIATE_TEST_SUITE_P(Keys, SeedBadKeyTest, ::testing::ValuesIn(kBadCases),
                         [](const auto& p) { return std::string(p.param.name); });

TEST_F(SeedTest, TenantsArrayReportsTheIndex) {
  json lab = json::parse(R"({"tenants": [
    {"domain": "a.onmicrosoft.com"},
    {"domain": "b.onmicrosoft.com", "users": [{"display_name": "no upn"}]}]})");
  EXPECT_EQ(seed(lab).message(), "lab.tenants[1].users[0].upn: required");
}

TEST_F(SeedTest, ConflictsAreReportedAtTheirPath) {
  json lab = good_section();
  lab["tenant"]["users"][1]["upn"] = "ADMIN@contoso.onmicrosoft.com";
  Status s = seed(lab);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), StartsWith("lab.tenant.users[1].upn: "));

  fresh();
  lab = good_section();
  lab["tenant"]["users"][0]["upn"] = "admin@fabrikam.com";
  EXPECT_EQ(seed(lab).message(),
            "lab.tenant.users[0].upn: domain 'fabrikam.com' is not the tenant's domain "
            "'contoso.onmicrosoft.com'");

  fresh();
  lab = good_section();
  lab["tenant"]["applications"][0]["app_permissions"][0]["roles"][0] = "Directory.Fly.All";
  s = seed(lab);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(),
              StartsWith("lab.tenant.applications[0].app_permissions[0].roles[0]: "
                         "'Directory.Fly.All' is not an app role of Microsoft Graph (known: "));
  EXPECT_THAT(s.message(), HasSubstr("Directory.Read.All"));

  fresh();
  lab = good_section();
  lab["tenant"]["applications"][0]["app_permissions"][0]["resource"] = "https://nowhere.example";
  s = seed(lab);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), StartsWith("lab.tenant.applications[0].app_permissions[0].resource: "));

  fresh();
  ASSERT_TRUE(seed(good_section()).ok());
  s = seed(good_section());  // the same tenant again
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), StartsWith("lab.tenant: "));
}

TEST_F(SeedTest, CertificateCredentialFromPem) {
  const pki::IssuedCert& cert = test::shared_pki().client;
  json lab = good_section();
  lab["tenant"]["applications"][1]["certificates"] = json::array({{{"pem", cert.cert_pem}}});
  auto summary = seed_lab(lab, deps());
  ASSERT_TRUE(summary.ok()) << summary.status().to_string();
  auto app = dir_->find_application((*summary)["tenants"][0]["id"].get<std::string>(),
                                    "11111111-2222-4333-8444-555555555555");
  ASSERT_TRUE(app.ok());
  ASSERT_EQ(app->key_credentials.size(), 1u);
  const KeyCredential& k = app->key_credentials[0];
  // x5t = base64url(SHA-1(DER)); the PKI reports the same SHA-1 as upper-case hex.
  auto raw = base64url_decode(k.thumbprint_b64);
  ASSERT_TRUE(raw.ok());
  std::string hex;
  for (unsigned char c : *raw) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
  }
  EXPECT_EQ(hex, cert.thumbprint);
  EXPECT_THAT(k.display_name, HasSubstr("CN="));
  EXPECT_LT(k.start, k.end);
  EXPECT_FALSE(k.cert_der.empty());
  EXPECT_FALSE(k.key_id.empty());
}

TEST(ClientSecret, HasTheEntraShapeAndFollowsTheSeed) {
  IdSource a(3), b(3), c(4);
  const std::string s = generate_client_secret(a);
  ASSERT_EQ(s.size(), 40u);
  EXPECT_EQ(s.substr(3, 3), "8Q~");
  EXPECT_EQ(s, generate_client_secret(b));
  EXPECT_NE(s, generate_client_secret(c));
  EXPECT_NE(s, generate_client_secret(a));  // the next one differs
}

}  // namespace
}  // namespace emu::aad

#include "emulator/aad/graph/graph.h"

#include "emulator/core/store/database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <map>
#include <memory>
#include <set>

namespace emu::aad {
namespace {

using nlohmann::json;

// Accepts the tokens it was given (by their literal text) as the principals chosen by the
// test; "expired" is refused as expired; a principal whose audience the policy does not list
// is refused as kBadAudience.
class FakeValidator : public TokenValidator {
 public:
  TokenCheck validate(std::string_view token, const ValidationPolicy& policy) const override {
    TokenCheck check;
    auto it = principals_.find(std::string(token));
    if (token == "expired") {
      check.error = TokenError::kExpired;
    } else if (it == principals_.end()) {
      check.error = TokenError::kBadSignature;
    } else if (std::find(policy.audiences.begin(), policy.audiences.end(), it->second.audience) ==
               policy.audiences.end()) {
      check.error = TokenError::kBadAudience;
    } else {
      check.principal = it->second;
    }
    return check;
  }
  std::map<std::string, Principal> principals_;
};

class GraphTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::open(":memory:");
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    auto dir = Directory::open(*db_, clock_, ids_);
    ASSERT_TRUE(dir.ok());
    dir_ = std::move(*dir);
    tenant_ = dir_->create_tenant({"", "contoso.onmicrosoft.com", "Contoso"}).value();
    admin_ = add_user("admin@contoso.onmicrosoft.com", {"Global Administrator"});
    member_ = add_user("member@contoso.onmicrosoft.com", {});
    app_token("app-rw", {"Application.ReadWrite.All", "Directory.Read.All",
                         "AppRoleAssignment.ReadWrite.All", "User.ReadWrite.All"});
    app_token("app-read", {"Directory.Read.All"});
    user_token("admin", admin_, "Directory.AccessAsUser.All User.Read");
    user_token("member", member_, "Directory.AccessAsUser.All User.Read");
    Principal wrong_aud = validator_.principals_["app-read"];
    wrong_aud.audience = "https://management.azure.com/";
    validator_.principals_["wrong-aud"] = wrong_aud;
    router_ = make_graph_router(GraphDeps{*dir_, validator_, clock_, ids_});
  }

  User add_user(const std::string& upn, std::vector<std::string> roles) {
    User u;
    u.tenant_id = tenant_.id;
    u.upn = upn;
    u.display_name = upn.substr(0, upn.find('@'));
    u.password = "pw";
    u.directory_roles = std::move(roles);
    return dir_->create_user(u).value();
  }
  void app_token(const std::string& token, std::vector<std::string> roles) {
    Principal p;
    p.tenant_id = tenant_.id;
    p.object_id = ids_.guid();
    p.app_id = ids_.guid();
    p.idtyp = "app";
    p.audience = "https://graph.microsoft.com";
    p.roles = std::move(roles);
    validator_.principals_[token] = p;
  }
  void user_token(const std::string& token, const User& u, const std::string& scp) {
    Principal p;
    p.tenant_id = tenant_.id;
    p.object_id = u.id;
    p.app_id = kAzureCliAppId;
    p.idtyp = "user";
    p.upn = u.upn;
    p.audience = "00000003-0000-0000-c000-000000000000";
    for (size_t i = 0; i < scp.size();) {
      size_t j = std::min(scp.find(' ', i), scp.size());
      p.scopes.push_back(scp.substr(i, j - i));
      i = j + 1;
    }
    validator_.principals_[token] = p;
  }

  http::Response call(const std::string& method, const std::string& target,
                      const std::string& token, const std::string& body = "") {
    http::Request req;
    req.method = method;
    req.target = target;
    size_t q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) {
      req.query_string = target.substr(q + 1);
      req.query = http::parse_form(req.query_string);
    }
    req.headers.set("Host", "graph.lab.test:8443");
    req.headers.set("client-request-id", "client-rid");
    if (!token.empty()) req.headers.set("Authorization", "Bearer " + token);
    req.host = "graph.lab.test";
    req.request_id = "rid-" + std::to_string(++requests_);
    req.body = body;
    return router_.dispatch(req);
  }
  static json body(const http::Response& r) { return json::parse(r.body); }
  static void expect_error(const http::Response& r, int status, const std::string& code,
                           const std::string& message) {
    EXPECT_EQ(r.status, status) << r.body;
    json j = json::parse(r.body, nullptr, false);
    EXPECT_EQ(j["error"]["code"], code) << r.body;
    EXPECT_EQ(j["error"]["message"], message) << r.body;
  }
  json create_app(const std::string& name) {
    auto r = call("POST", "/v1.0/applications", "app-rw", json{{"displayName", name}}.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return body(r);
  }

  VirtualClock clock_{VirtualClock::Mode::kManual, parse_iso8601("2026-01-01T00:00:00Z").value()};
  IdSource ids_{7};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<Directory> dir_;
  FakeValidator validator_;
  http::Router router_;
  Tenant tenant_;
  User admin_, member_;
  int requests_ = 0;
};

TEST_F(GraphTest, MissingOrRefusedTokensAre401WithGraphErrorShape) {
  auto r = call("GET", "/v1.0/users", "");
  expect_error(r, 401, "InvalidAuthenticationToken", "Access token is empty.");
  EXPECT_TRUE(r.headers.get("WWW-Authenticate").has_value());
  json inner = body(r)["error"]["innerError"];
  EXPECT_EQ(inner["date"], "2026-01-01T00:00:00");
  EXPECT_EQ(inner["request-id"], "rid-1");
  EXPECT_EQ(inner["client-request-id"], "client-rid");
  expect_error(call("GET", "/v1.0/users", "expired"), 401, "InvalidAuthenticationToken",
               "Lifetime validation failed, the token is expired.");
  expect_error(call("GET", "/v1.0/users", "wrong-aud"), 401, "InvalidAuthenticationToken",
               "Access token validation failure. Invalid audience.");
}

TEST_F(GraphTest, UsersPageOver250WithNextLinks) {
  for (int i = 0; i < 250; ++i)
    add_user("user" + std::to_string(i) + "@contoso.onmicrosoft.com", {});
  std::set<std::string> seen;
  std::string target = "/v1.0/users?$select=id,userPrincipalName";
  int pages = 0;
  while (!target.empty()) {
    auto r = call("GET", target, "app-read");
    ASSERT_EQ(r.status, 200) << r.body;
    json page = body(r);
    ++pages;
    EXPECT_EQ(page["@odata.context"],
              "https://graph.microsoft.com/v1.0/$metadata#users(id,userPrincipalName)");
    for (const auto& u : page["value"]) {
      EXPECT_EQ(u.size(), 2u);
      EXPECT_TRUE(seen.insert(u["id"].get<std::string>()).second);
    }
    target.clear();
    if (page.contains("@odata.nextLink")) {
      EXPECT_EQ(page["value"].size(), 100u);
      std::string link = page["@odata.nextLink"];
      const std::string prefix = "https://graph.lab.test:8443/v1.0/users?";
      ASSERT_EQ(link.substr(0, prefix.size()), prefix);
      EXPECT_NE(link.find("$select=id%2CuserPrincipalName"), std::string::npos) << link;
      EXPECT_NE(link.find("$skiptoken="), std::string::npos);
      target = link.substr(std::string("https://graph.lab.test:8443").size());
    } else {
      EXPECT_EQ(page["value"].size(), 52u);  // 250 + admin + member
    }
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 252u);
  auto all = call("GET", "/v1.0/users?$top=999", "app-read");
  EXPECT_EQ(body(all)["value"].size(), 252u);
  EXPECT_FALSE(body(all).contains("@odata.nextLink"));
}

TEST_F(GraphTest, UsersDefaultPropertiesSelectAndTopLimits) {
  auto r = call("GET", "/v1.0/users/MEMBER@contoso.onmicrosoft.com", "app-read");
  ASSERT_EQ(r.status, 200) << r.body;
  json u = body(r);
  std::set<std::string> keys;
  for (auto& item : u.items()) keys.insert(item.key());
  EXPECT_EQ(keys,
            (std::set<std::string>{"@odata.context", "businessPhones", "displayName", "givenName",
                                   "jobTitle", "mail", "mobilePhone", "officeLocation",
                                   "preferredLanguage", "surname", "userPrincipalName", "id"}));
  EXPECT_EQ(u["id"], member_.id);
  EXPECT_EQ(u["@odata.context"], "https://graph.microsoft.com/v1.0/$metadata#users/$entity");

  auto sel = body(call("GET", "/v1.0/users/" + member_.id + "?$select=accountEnabled", "app-read"));
  EXPECT_EQ(sel["accountEnabled"], true);
  EXPECT_FALSE(sel.contains("id"));
  expect_error(call("GET", "/v1.0/users?$select=shoeSize", "app-read"), 400, "BadRequest",
               "Could not find a property named 'shoeSize' on type 'microsoft.graph.user'.");
  expect_error(call("GET", "/v1.0/users?$top=1000", "app-read"), 400, "Request_UnsupportedQuery",
               "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.");
  expect_error(call("GET", "/v1.0/users?$top=0", "app-read"), 400, "Request_UnsupportedQuery",
               "Invalid page size specified: '0'. Must be between 1 and 999 inclusive.");
}

TEST_F(GraphTest, UsersFilters) {
  User off = add_user("disabled@contoso.onmicrosoft.com", {});
  off.enabled = false;
  ASSERT_TRUE(dir_->update_user(off).ok());
  auto count = [&](const std::string& filter) {
    auto r = call("GET", "/v1.0/users?$filter=" + http::url_encode(filter), "app-read");
    EXPECT_EQ(r.status, 200) << filter << ": " << r.body;
    return r.status == 200 ? body(r)["value"].size() : 0u;
  };
  EXPECT_EQ(count("userPrincipalName eq 'ADMIN@contoso.onmicrosoft.com'"), 1u);
  EXPECT_EQ(count("startswith(displayName,'mem')"), 1u);
  EXPECT_EQ(count("accountEnabled eq false"), 1u);
  EXPECT_EQ(count("accountEnabled eq true and startswith(userPrincipalName,'a')"), 1u);
  expect_error(
      call("GET", "/v1.0/users?$filter=" + http::url_encode("jobTitle eq 'x'"), "app-read"), 400,
      "Request_UnsupportedQuery",
      "Unsupported or invalid query filter clause specified for property 'jobTitle' of "
      "resource 'User'.");
  expect_error(call("GET", "/v1.0/users?$filter=" + http::url_encode("displayName eq"), "app-read"),
               400, "BadRequest", "Invalid filter clause");
}

TEST_F(GraphTest, ApplicationLifecycleAndSecrets) {
  json app = create_app("ConfigMgr CMG");
  EXPECT_EQ(app["signInAudience"], "AzureADMyOrg");
  EXPECT_EQ(app["publisherDomain"], "contoso.onmicrosoft.com");
  EXPECT_EQ(app["passwordCredentials"], json::array());
  std::string id = app["id"], app_id = app["appId"];

  auto list =
      call("GET", "/v1.0/applications?$filter=" + http::url_encode("appId eq '" + app_id + "'"),
           "app-read");
  ASSERT_EQ(body(list)["value"].size(), 1u);
  EXPECT_EQ(body(list)["value"][0]["id"], id);
  auto by_alt = call("GET", "/v1.0/applications(appId='" + app_id + "')", "app-read");
  EXPECT_EQ(body(by_alt)["id"], id);

  auto added = call("POST", "/v1.0/applications/" + id + "/addPassword", "app-rw",
                    R"({"passwordCredential":{"displayName":"cmg"}})");
  ASSERT_EQ(added.status, 200) << added.body;
  json cred = body(added);
  std::string secret = cred["secretText"];
  EXPECT_EQ(secret.size(), 40u);
  EXPECT_EQ(cred["hint"], secret.substr(0, 3));
  EXPECT_EQ(cred["displayName"], "cmg");
  EXPECT_EQ(cred["endDateTime"], "2028-01-01T00:00:00Z");
  auto stored = dir_->find_application(tenant_.id, app_id);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->password_credentials.size(), 1u);
  EXPECT_EQ(stored->password_credentials[0].secret, secret);
  json shown = body(call("GET", "/v1.0/applications/" + id, "app-read"));
  EXPECT_TRUE(shown["passwordCredentials"][0]["secretText"].is_null());

  expect_error(call("POST", "/v1.0/applications/" + id + "/removePassword", "app-rw",
                    R"({"keyId":"00000000-0000-0000-0000-000000000000"})"),
               400, "Request_BadRequest",
               "No password credential found with keyId '00000000-0000-0000-0000-000000000000'.");
  auto removed = call("POST", "/v1.0/applications/" + id + "/removePassword", "app-rw",
                      json{{"keyId", cred["keyId"]}}.dump());
  EXPECT_EQ(removed.status, 204) << removed.body;
  EXPECT_TRUE(dir_->find_application(tenant_.id, id)->password_credentials.empty());

  auto patched = call("PATCH", "/v1.0/applications/" + id, "app-rw",
                      R"({"displayName":"Renamed","identifierUris":["api://cmg"]})");
  EXPECT_EQ(patched.status, 204) << patched.body;
  EXPECT_EQ(dir_->find_resource(tenant_.id, "api://cmg")->display_name, "Renamed");
  EXPECT_EQ(call("DELETE", "/v1.0/applications/" + id, "app-rw").status, 204);
  expect_error(call("GET", "/v1.0/applications/" + id, "app-read"), 404, "Request_ResourceNotFound",
               "Resource '" + id +
                   "' does not exist or one of its queried reference-property objects are not "
                   "present.");
}

TEST_F(GraphTest, KeyCredentialsFromCertificates) {
  std::string id = create_app("cert app")["id"];
  // A small self-signed EC certificate.
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  ASSERT_GT(X509_sign(cert, key, EVP_sha256()), 0);
  unsigned char* der = nullptr;
  int len = i2d_X509(cert, &der);
  std::string der_bytes(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  std::string b64(4 * ((der_bytes.size() + 2) / 3) + 1, '\0');
  b64.resize(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), der,
                             static_cast<int>(der_bytes.size())));
  OPENSSL_free(der);
  X509_free(cert);
  EVP_PKEY_free(key);

  json patch = {{"keyCredentials",
                 {{{"type", "AsymmetricX509Cert"},
                   {"usage", "Verify"},
                   {"key", b64},
                   {"displayName", "CN=cmg"}}}}};
  auto r = call("PATCH", "/v1.0/applications/" + id, "app-rw", patch.dump());
  ASSERT_EQ(r.status, 204) << r.body;
  auto app = dir_->find_application(tenant_.id, id);
  ASSERT_EQ(app->key_credentials.size(), 1u);
  EXPECT_EQ(app->key_credentials[0].cert_der, der_bytes);
  EXPECT_EQ(app->key_credentials[0].thumbprint_b64.size(), 27u);  // base64url of 20 bytes
  expect_error(call("PATCH", "/v1.0/applications/" + id, "app-rw",
                    R"({"keyCredentials":[{"key":"bm90IGEgY2VydA=="}]})"),
               400, "Request_BadRequest",
               "Invalid value specified for property 'keyCredentials' of resource 'Application'.");
}

TEST_F(GraphTest, WritesNeedPermissionsAndAnAdminRole) {
  const std::string payload = R"({"displayName":"x"})";
  const std::string denied = "Insufficient privileges to complete the operation.";
  expect_error(call("POST", "/v1.0/applications", "app-read", payload), 403,
               "Authorization_RequestDenied", denied);
  expect_error(call("POST", "/v1.0/applications", "member", payload), 403,
               "Authorization_RequestDenied", denied);
  EXPECT_EQ(call("POST", "/v1.0/applications", "admin", payload).status, 201);
  user_token("admin-readonly", admin_, "User.Read");
  expect_error(call("POST", "/v1.0/applications", "admin-readonly", payload), 403,
               "Authorization_RequestDenied", denied);
}

TEST_F(GraphTest, MeOrganizationAndUnknownRoutes) {
  expect_error(call("GET", "/v1.0/me", "app-read"), 400, "BadRequest",
               "/me request is only valid with delegated authentication flow.");
  auto me = call("GET", "/v1.0/me", "member");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(body(me)["userPrincipalName"], "member@contoso.onmicrosoft.com");

  json org = body(call("GET", "/v1.0/organization", "member"));
  EXPECT_EQ(org["value"][0]["id"], tenant_.id);
  EXPECT_EQ(org["value"][0]["verifiedDomains"][0]["name"], "contoso.onmicrosoft.com");

  expect_error(call("GET", "/v1.0/widgets", "member"), 400, "BadRequest",
               "Resource not found for the segment 'widgets'.");
  expect_error(call("GET", "/v1.0/users/" + member_.id + "/gadgets", "app-read"), 400, "BadRequest",
               "Resource not found for the segment 'gadgets'.");
  expect_error(call("PUT", "/v1.0/users", "app-read"), 405, "Request_BadRequest",
               "Specified HTTP method is not allowed for the request target.");
  expect_error(call("GET", "/v1.0/users/nobody@contoso.onmicrosoft.com", "app-read"), 404,
               "Request_ResourceNotFound",
               "Resource 'nobody@contoso.onmicrosoft.com' does not exist or one of its queried "
               "reference-property objects are not present.");
}

TEST_F(GraphTest, UserCreateUpdateDelete) {
  json user = {{"accountEnabled", true},
               {"displayName", "New User"},
               {"mailNickname", "new"},
               {"userPrincipalName", "new@contoso.onmicrosoft.com"},
               {"passwordProfile", {{"password", "S3cret!!"}}}};
  auto r = call("POST", "/v1.0/users", "app-rw", user.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  std::string id = body(r)["id"];
  EXPECT_EQ(dir_->find_user(tenant_.id, "new@contoso.onmicrosoft.com")->password, "S3cret!!");
  expect_error(call("POST", "/v1.0/users", "app-rw", user.dump()), 400, "Request_BadRequest",
               "Another object with the same value for property userPrincipalName already "
               "exists.");
  user["userPrincipalName"] = "x@fabrikam.com";
  expect_error(call("POST", "/v1.0/users", "app-rw", user.dump()), 400, "Request_BadRequest",
               "The domain portion of the userPrincipalName property is invalid. You must use "
               "one of the verified domain names in your organization.");
  expect_error(call("POST", "/v1.0/users", "member", user.dump()), 403,
               "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
  EXPECT_EQ(call("PATCH", "/v1.0/users/" + id, "app-rw", R"({"accountEnabled":false})").status,
            204);
  EXPECT_FALSE(dir_->find_user(tenant_.id, id)->enabled);
  EXPECT_EQ(call("DELETE", "/v1.0/users/" + id, "app-rw").status, 204);
  EXPECT_EQ(call("GET", "/v1.0/users/" + id, "app-rw").status, 404);
}

TEST_F(GraphTest, ServicePrincipalsAndAdminConsent) {
  auto graph =
      call("GET",
           "/v1.0/servicePrincipals?$filter=" + http::url_encode("servicePrincipalNames/any(c:c eq "
                                                                 "'https://graph.microsoft.com')"),
           "app-read");
  ASSERT_EQ(body(graph)["value"].size(), 1u) << graph.body;
  json graph_sp = body(graph)["value"][0];
  EXPECT_EQ(graph_sp["appId"], kGraphAppId);
  EXPECT_EQ(graph_sp["appOwnerOrganizationId"], kMicrosoftServicesTenantId);

  std::string app_id = create_app("client")["appId"];
  auto created = call("POST", "/v1.0/servicePrincipals", "app-rw", json{{"appId", app_id}}.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  std::string sp_id = body(created)["id"];
  EXPECT_EQ(body(created)["servicePrincipalNames"], json::array({app_id}));
  EXPECT_EQ(
      call("POST", "/v1.0/servicePrincipals", "app-rw", json{{"appId", app_id}}.dump()).status,
      409);
  expect_error(call("POST", "/v1.0/servicePrincipals", "app-rw", R"({"appId":"nope"})"), 400,
               "Request_BadRequest",
               "The appId 'nope' of the service principal does not reference a valid "
               "application object.");

  const std::string role = "7ab1d382-f21e-4acd-a863-ba3e13f7da61";  // Directory.Read.All
  json assignment = {{"principalId", sp_id}, {"resourceId", graph_sp["id"]}, {"appRoleId", role}};
  auto assigned = call("POST", "/v1.0/servicePrincipals/" + sp_id + "/appRoleAssignments", "app-rw",
                       assignment.dump());
  ASSERT_EQ(assigned.status, 201) << assigned.body;
  EXPECT_EQ(dir_->app_role_assignments(sp_id).at(0).app_role_id, role);
  auto listed = call("GET", "/v1.0/servicePrincipals/" + sp_id + "/appRoleAssignments", "app-read");
  EXPECT_EQ(body(listed)["value"][0]["resourceDisplayName"], "Microsoft Graph");
  assignment["appRoleId"] = "11111111-1111-1111-1111-111111111111";
  expect_error(
      call("POST", "/v1.0/servicePrincipals/" + sp_id + "/appRoleAssignments", "app-rw",
           assignment.dump()),
      400, "Request_BadRequest",
      std::string("Permission being assigned was not found on application '") + kGraphAppId + "'.");

  json grant = {{"clientId", sp_id},
                {"consentType", "AllPrincipals"},
                {"resourceId", graph_sp["id"]},
                {"scope", "User.Read"}};
  expect_error(call("POST", "/v1.0/oauth2PermissionGrants", "member", grant.dump()), 403,
               "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
  auto granted = call("POST", "/v1.0/oauth2PermissionGrants", "admin", grant.dump());
  ASSERT_EQ(granted.status, 201) << granted.body;
  auto grants = call(
      "GET",
      "/v1.0/oauth2PermissionGrants?$filter=" + http::url_encode("clientId eq '" + sp_id + "'"),
      "app-read");
  ASSERT_EQ(body(grants)["value"].size(), 1u);
  EXPECT_EQ(body(grants)["value"][0]["scope"], "User.Read");
  EXPECT_TRUE(body(grants)["value"][0]["principalId"].is_null());
}

// Finding 8b of issue 11: Graph accepted a 7 MiB displayName (201). Documented property
// limits apply, with Graph's error for a rejected value; bodies are bounded in size and depth.
TEST_F(GraphTest, Finding8_OverlongPropertiesAreRefused) {
  const std::string bad_app =
      "Invalid value specified for property 'displayName' of resource 'Application'.";
  auto r = call("POST", "/v1.0/applications", "app-rw",
                json{{"displayName", std::string(257, 'a')}}.dump());
  expect_error(r, 400, "Request_BadRequest", bad_app);
  EXPECT_EQ(json::parse(r.body)["error"]["innerError"]["request-id"],
            "rid-" + std::to_string(requests_));
  EXPECT_EQ(call("POST", "/v1.0/applications", "app-rw",
                 json{{"displayName", std::string(256, 'a')}}.dump())
                .status,
            201);
  // Characters, not bytes: 256 two-byte characters fit.
  std::string accents;
  for (int i = 0; i < 256; ++i) accents += "\xc3\xa9";
  EXPECT_EQ(
      call("POST", "/v1.0/applications", "app-rw", json{{"displayName", accents}}.dump()).status,
      201);
  json app = create_app("limits");
  const std::string id = app["id"];
  expect_error(call("PATCH", "/v1.0/applications/" + id, "app-rw",
                    json{{"displayName", std::string(300, 'b')}}.dump()),
               400, "Request_BadRequest", bad_app);
  json uris = json::array();
  for (int i = 0; i < 51; ++i) uris.push_back("api://limits-" + std::to_string(i));
  expect_error(
      call("PATCH", "/v1.0/applications/" + id, "app-rw", json{{"identifierUris", uris}}.dump()),
      400, "Request_BadRequest",
      "Invalid value specified for property 'identifierUris' of resource 'Application'.");
  expect_error(
      call("PATCH", "/v1.0/applications/" + id, "app-rw",
           json{{"web", {{"redirectUris", {"https://x.test/" + std::string(250, 'r')}}}}}.dump()),
      400, "Request_BadRequest",
      "Invalid value specified for property 'web.redirectUris' of resource 'Application'.");
  auto pw = call("POST", "/v1.0/applications/" + id + "/addPassword", "app-rw",
                 json{{"passwordCredential", {{"displayName", std::string(257, 'p')}}}}.dump());
  EXPECT_EQ(pw.status, 400) << pw.body;

  json user = {{"accountEnabled", true},
               {"displayName", "Limits"},
               {"mailNickname", "limits"},
               {"userPrincipalName", "limits@contoso.onmicrosoft.com"},
               {"passwordProfile", {{"password", "S3cret!!"}}}};
  auto bad_user = [&](const char* property, const json& value) {
    json u = user;
    if (std::string(property) == "password")
      u["passwordProfile"]["password"] = value;
    else
      u[property] = value;
    auto reply = call("POST", "/v1.0/users", "app-rw", u.dump());
    EXPECT_EQ(reply.status, 400) << property << ": " << reply.body;
    EXPECT_EQ(json::parse(reply.body, nullptr, false)["error"]["code"], "Request_BadRequest");
  };
  bad_user("displayName", std::string(257, 'd'));
  bad_user("givenName", std::string(65, 'g'));
  bad_user("surname", std::string(65, 's'));
  bad_user("mailNickname", std::string(65, 'm'));
  bad_user("userPrincipalName", std::string(65, 'u') + "@contoso.onmicrosoft.com");
  bad_user("password", std::string(257, 'p'));
  EXPECT_EQ(call("POST", "/v1.0/users", "app-rw", user.dump()).status, 201);
}

TEST_F(GraphTest, Finding8_HugeOrDeepBodiesAreRefusedBeforeTheyAreRead) {
  auto big = call("POST", "/v1.0/applications", "app-rw",
                  json{{"displayName", std::string(7 * 1024 * 1024, 'x')}}.dump());
  EXPECT_EQ(big.status, 413) << big.body.substr(0, 200);
  EXPECT_EQ(json::parse(big.body, nullptr, false)["error"]["code"], "Request_BadRequest");
  auto deep = call("POST", "/v1.0/applications", "app-rw",
                   "{\"displayName\":\"d\",\"appRoles\":" + std::string(5000, '[') +
                       std::string(5000, ']') + "}");
  EXPECT_EQ(deep.status, 400) << deep.body.substr(0, 200);
  EXPECT_THAT(deep.body, ::testing::HasSubstr("nested too deeply"));
  auto overflow =
      call("POST", "/v1.0/applications", "app-rw", R"({"displayName":"n","x":1e999999})");
  EXPECT_EQ(overflow.status, 400) << overflow.body;
}

}  // namespace
}  // namespace emu::aad

// The token service, driven through its router: OIDC discovery (real-world issuers), JWKS,
// instance discovery, user realm, and the client_credentials grant with a secret or a
// certificate assertion, including each AADSTS failure and expiry on the virtual clock.
#include "tests/testlib/test_pki.h"
#include "tests/unit/aad/token_test_fixture.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace emu::aad::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

class TokenServiceTest : public TokenServiceFixture {};

// --- discovery -----------------------------------------------------------------------------

TEST_F(TokenServiceTest, OpenIdConfigurationV2UsesTheRequestOriginAndTenantGuid) {
  // Named by its domain, on a non-default port: the endpoints speak the tenant GUID and the
  // origin the client used; the issuer is the real-world one, whatever the origin.
  auto r = get("/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration",
               "login.microsoftonline.com:8443");
  ASSERT_EQ(r.status, 200) << r.body;
  Json doc = body(r);
  const std::string origin = "https://login.microsoftonline.com:8443";
  EXPECT_EQ(doc["issuer"], "https://login.microsoftonline.com/" + tenant_.id + "/v2.0");
  EXPECT_EQ(doc["token_endpoint"], origin + "/" + tenant_.id + "/oauth2/v2.0/token");
  EXPECT_EQ(doc["authorization_endpoint"], origin + "/" + tenant_.id + "/oauth2/v2.0/authorize");
  EXPECT_EQ(doc["device_authorization_endpoint"],
            origin + "/" + tenant_.id + "/oauth2/v2.0/devicecode");
  EXPECT_EQ(doc["jwks_uri"], origin + "/" + tenant_.id + "/discovery/v2.0/keys");
  EXPECT_EQ(doc["id_token_signing_alg_values_supported"], Json::array({"RS256"}));
  EXPECT_EQ(doc["tenant_region_scope"], "NA");
  EXPECT_THAT(doc["subject_types_supported"], Contains("pairwise"));
  EXPECT_THAT(doc["claims_supported"], Contains("tid"));
}

TEST_F(TokenServiceTest, OpenIdConfigurationForCommonKeepsTheTenantTemplate) {
  Json doc = body(get("/organizations/v2.0/.well-known/openid-configuration"));
  EXPECT_EQ(doc["issuer"], "https://login.microsoftonline.com/{tenantid}/v2.0");
  EXPECT_EQ(doc["token_endpoint"],
            "https://login.microsoftonline.com/organizations/oauth2/v2.0/token");
  EXPECT_TRUE(doc["tenant_region_scope"].is_null());
}

TEST_F(TokenServiceTest, OpenIdConfigurationV1AndAdfs) {
  Json v1 = body(get("/" + tenant_.id + "/.well-known/openid-configuration"));
  EXPECT_EQ(v1["issuer"], "https://sts.windows.net/" + tenant_.id + "/");
  EXPECT_EQ(v1["token_endpoint"],
            "https://login.microsoftonline.com/" + tenant_.id + "/oauth2/token");
  Json adfs = body(get("/adfs/.well-known/openid-configuration", "127.0.0.1:8443"));
  EXPECT_EQ(adfs["issuer"], "https://127.0.0.1:8443/adfs");
  EXPECT_EQ(adfs["token_endpoint"], "https://127.0.0.1:8443/adfs/oauth2/token");
  EXPECT_EQ(adfs["jwks_uri"], "https://127.0.0.1:8443/adfs/discovery/keys");
}

// A validator that takes the issuer from discovery (jose, Microsoft.Identity.Web) must accept
// the tenant's tokens: each document's issuer is the iss of the tokens of its version, on any
// origin.
TEST_F(TokenServiceTest, DiscoveryIssuerIsTheIssOfTheTenantsTokens) {
  Application api;
  api.tenant_id = tenant_.id;
  api.display_name = "v2 API";
  api.identifier_uris = {"api://v2-api"};
  api.access_token_version = 2;
  api = dir_->create_application(api).value();
  ServicePrincipal api_sp;
  api_sp.app_id = api.app_id;
  api_sp.tenant_id = tenant_.id;
  api_sp.display_name = api.display_name;
  ASSERT_TRUE(dir_->create_service_principal(api_sp).ok());

  for (const std::string host : {"login.microsoftonline.com", "127.0.0.1:8443"}) {
    SCOPED_TRACE(host);
    Json v2_doc = body(get("/" + tenant_.id + "/v2.0/.well-known/openid-configuration", host));
    Json v1_doc = body(get("/" + tenant_.id + "/.well-known/openid-configuration", host));

    http::Request v2_req =
        request("POST", token_path(2), app_credentials("api://v2-api/.default"), host);
    auto v2 = router_->dispatch(v2_req);
    ASSERT_EQ(v2.status, 200) << v2.body;
    Json v2_claims = claims(body(v2)["access_token"]);
    ASSERT_EQ(v2_claims["ver"], "2.0");
    EXPECT_EQ(v2_claims["iss"], v2_doc["issuer"]);

    http::Request v1_req = request("POST", token_path(1),
                                   {{"grant_type", "client_credentials"},
                                    {"client_id", app_.app_id},
                                    {"client_secret", kSecret},
                                    {"resource", kArmResource}},
                                   host);
    auto v1 = router_->dispatch(v1_req);
    ASSERT_EQ(v1.status, 200) << v1.body;
    Json v1_claims = claims(body(v1)["access_token"]);
    ASSERT_EQ(v1_claims["ver"], "1.0");
    EXPECT_EQ(v1_claims["iss"], v1_doc["issuer"]);

    // ID tokens too: MSAL Python requires their iss to equal the discovery issuer.
    http::Request ropc = request("POST", token_path(2), cli_password(user_.upn, kPassword), host);
    auto user = router_->dispatch(ropc);
    ASSERT_EQ(user.status, 200) << user.body;
    EXPECT_EQ(claims(body(user)["id_token"])["iss"], v2_doc["issuer"]);
  }
}

TEST_F(TokenServiceTest, OpenIdConfigurationOfAnUnknownTenantIs90002) {
  auto r = get("/nowhere.example/v2.0/.well-known/openid-configuration");
  expect_aadsts(r, 400, "invalid_tenant", 90002);
  EXPECT_THAT(body(r)["error_description"].get<std::string>(),
              HasSubstr("Tenant 'nowhere.example' not found."));
}

TEST_F(TokenServiceTest, JwksPublishesTheSigningKeys) {
  Json v1 = body(get("/common/discovery/keys"));
  ASSERT_EQ(v1["keys"].size(), 2u);
  EXPECT_THAT(v1["keys"][0].value("kid", ""), ::testing::Not(::testing::IsEmpty()));
  EXPECT_FALSE(v1["keys"][0].contains("issuer"));
  Json v2 = body(get("/" + tenant_.id + "/discovery/v2.0/keys"));
  EXPECT_EQ(v2["keys"][1]["issuer"], "https://login.microsoftonline.com/" + tenant_.id + "/v2.0");
  expect_aadsts(get("/unknown.example/discovery/keys"), 400, "invalid_tenant", 90002);
}

TEST_F(TokenServiceTest, InstanceDiscoveryPointsAtTheAuthorityAndListsItsHost) {
  Json doc = body(
      get("/common/discovery/instance?api-version=1.1&authorization_endpoint="
          "https%3A%2F%2F127.0.0.1%3A8443%2Fcontoso.onmicrosoft.com%2Foauth2%2Fv2.0%2Fauthorize"));
  EXPECT_EQ(doc["tenant_discovery_endpoint"],
            "https://127.0.0.1:8443/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration");
  EXPECT_EQ(doc["api-version"], "1.1");
  EXPECT_EQ(doc["metadata"][0]["preferred_network"], "login.microsoftonline.com");
  EXPECT_EQ(doc["metadata"][1]["aliases"], Json::array({"127.0.0.1:8443", "127.0.0.1"}));
  expect_aadsts(get("/common/discovery/instance?authorization_endpoint=ftp%3A%2F%2Fx%2Fy"), 400,
                "invalid_instance", 50049);
}

TEST_F(TokenServiceTest, UserRealmIsManagedForAKnownDomainAndUnknownOtherwise) {
  Json known = body(get("/common/userrealm/alice@contoso.onmicrosoft.com?api-version=1.0"));
  EXPECT_EQ(known["account_type"], "Managed");
  EXPECT_EQ(known["domain_name"], "contoso.onmicrosoft.com");
  EXPECT_EQ(known["cloud_audience_urn"], "urn:federation:MicrosoftOnline");
  Json unknown = body(get("/common/UserRealm/bob@fabrikam.example?api-version=1.0"));
  EXPECT_EQ(unknown["account_type"], "Unknown");
}

// --- client credentials with a secret ----------------------------------------------------

TEST_F(TokenServiceTest, ClientSecretGetsAnArmTokenWithTheV1AppClaimSet) {
  auto r = post(token_path(), app_credentials());
  ASSERT_EQ(r.status, 200) << r.body;
  Json b = body(r);
  EXPECT_EQ(b["token_type"], "Bearer");
  EXPECT_EQ(b["expires_in"], 3599);  // a number on v2
  EXPECT_EQ(b["ext_expires_in"], 3599);
  EXPECT_FALSE(b.contains("refresh_token"));
  EXPECT_FALSE(b.contains("scope"));
  EXPECT_EQ(r.headers.get_or("Cache-Control", ""), "no-store, no-cache");

  ValidationPolicy policy;
  policy.audiences = {kArmResource};
  TokenCheck check = validator_->validate(b["access_token"].get<std::string>(), policy);
  ASSERT_TRUE(check.ok()) << check.message;
  Json c = check.principal.claims;
  EXPECT_EQ(c["aud"], kArmResource);
  EXPECT_EQ(c["iss"], "https://sts.windows.net/" + tenant_.id + "/");
  EXPECT_EQ(c["idp"], c["iss"]);
  EXPECT_EQ(c["appid"], app_.app_id);
  EXPECT_EQ(c["appidacr"], "1");
  EXPECT_EQ(c["idtyp"], "app");
  EXPECT_EQ(c["oid"], sp_.id);
  EXPECT_EQ(c["sub"], sp_.id);
  EXPECT_EQ(c["tid"], tenant_.id);
  EXPECT_EQ(c["ver"], "1.0");
  EXPECT_EQ(c["exp"].get<int64_t>() - c["iat"].get<int64_t>(), 3599);
  EXPECT_EQ(c["nbf"], c["iat"]);
  EXPECT_FALSE(c.contains("roles"));
  EXPECT_FALSE(c.contains("scp"));
  EXPECT_EQ(c["uti"].get<std::string>().size(), 22u);
}

TEST_F(TokenServiceTest, AppRolesAssignedOnGraphBecomeRoles) {
  auto graph_sp = dir_->find_service_principal(tenant_.id, kGraphAppId);
  ASSERT_TRUE(graph_sp.ok());
  ASSERT_TRUE(dir_->add_app_role_assignment(
                      {"", sp_.id, graph_sp->id, "7ab1d382-f21e-4acd-a863-ba3e13f7da61"})
                  .ok());
  auto r = post(token_path(), app_credentials("https://graph.microsoft.com/.default"));
  ASSERT_EQ(r.status, 200) << r.body;
  Json c = claims(body(r)["access_token"]);
  EXPECT_EQ(c["aud"], "https://graph.microsoft.com");
  EXPECT_EQ(c["roles"], Json::array({"Directory.Read.All"}));
}

TEST_F(TokenServiceTest, V1EndpointTakesResourceAndAnswersStrings) {
  auto r = post(token_path(1), {{"grant_type", "client_credentials"},
                                {"client_id", app_.app_id},
                                {"client_secret", kSecret},
                                {"resource", "https://management.azure.com/"}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json b = body(r);
  EXPECT_EQ(b["expires_in"], "3599");
  EXPECT_EQ(b["ext_expires_in"], "3599");
  EXPECT_EQ(b["not_before"], std::to_string(unix_seconds(clock_.now())));
  EXPECT_EQ(b["expires_on"], std::to_string(unix_seconds(clock_.now()) + 3599));
  EXPECT_EQ(b["resource"], "https://management.azure.com/");
  EXPECT_EQ(claims(b["access_token"])["aud"], "https://management.azure.com/");
}

TEST_F(TokenServiceTest, UnknownFormFieldsAndQueryStringsAreIgnored) {
  Fields form = app_credentials();
  form.push_back({"claims", R"({"access_token":{"xms_cc":{"values":["CP1"]}}})"});
  form.push_back({"x-client-SKU", "msal.js.node"});
  form.push_back({"client_info", "1"});
  http::Request req = request("POST", token_path() + "?client-request-id=abc", form);
  EXPECT_EQ(router_->dispatch(req).status, 200);
}

TEST_F(TokenServiceTest, WrongSecretIs7000215WithEntraHeaders) {
  Fields form = app_credentials();
  form[2].second = "not-the-secret";
  http::Request req = request("POST", token_path(), form);
  req.headers.set("client-request-id", "5a0a2f1e-0000-4000-8000-000000000001");
  auto r = router_->dispatch(req);
  expect_aadsts(r, 401, "invalid_client", 7000215);
  Json b = body(r);
  EXPECT_THAT(b["error_description"].get<std::string>(),
              HasSubstr("for a secret added to app '" + app_.app_id + "'.\r\nTrace ID: "));
  EXPECT_EQ(b["correlation_id"], "5a0a2f1e-0000-4000-8000-000000000001");
  EXPECT_EQ(b["timestamp"], "2026-03-01 12:00:00Z");
  EXPECT_EQ(r.headers.get_or("x-ms-clitelem", ""), "1,7000215,0,,");
  EXPECT_EQ(r.headers.get_or("x-ms-request-id", ""), b["trace_id"]);
}

TEST_F(TokenServiceTest, ExpiredSecretIs7000222) {
  clock_.advance(std::chrono::hours(25));
  expect_aadsts(post(token_path(), app_credentials()), 401, "invalid_client", 7000222);
}

TEST_F(TokenServiceTest, ClientCredentialErrors) {
  Fields unknown = app_credentials();
  unknown[1].second = "11111111-2222-4333-8444-555555555555";
  expect_aadsts(post(token_path(), unknown), 400, "unauthorized_client", 700016);
  expect_aadsts(post("/fabrikam.example/oauth2/v2.0/token", app_credentials()), 400,
                "invalid_request", 90002);
  Fields no_scope = app_credentials();
  no_scope.pop_back();
  auto r = post(token_path(), no_scope);
  expect_aadsts(r, 400, "invalid_request", 900144);
  EXPECT_THAT(body(r)["error_description"].get<std::string>(),
              HasSubstr("must contain the following parameter: 'scope'."));
  expect_aadsts(post(token_path(), {{"client_id", app_.app_id}}), 400, "invalid_request", 900144);
  expect_aadsts(
      post(token_path(), app_credentials("https://management.azure.com/user_impersonation")), 400,
      "invalid_scope", 1002012);
  expect_aadsts(post(token_path(), app_credentials("https://nothing.example/.default")), 400,
                "invalid_resource", 500011);
  Fields no_secret = app_credentials();
  no_secret.erase(no_secret.begin() + 2);
  expect_aadsts(post(token_path(), no_secret), 401, "invalid_client", 7000216);
  Fields bad_grant = app_credentials();
  bad_grant[0].second = "urn:example:unknown";
  expect_aadsts(post(token_path(), bad_grant), 400, "unsupported_grant_type", 70003);
}

TEST_F(TokenServiceTest, SecretMayComeAsHttpBasic) {
  Fields form = app_credentials();
  form.erase(form.begin() + 2);
  http::Request req = request("POST", token_path(), form);
  // base64("<client_id>:s3cr3t~value-of-the-app"), the secret form-urlencoded first.
  std::string pair = app_.app_id + ":" + http::url_encode(kSecret);
  std::string b64 = base64url_encode(pair);
  for (char& c : b64) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (b64.size() % 4) b64 += '=';
  req.headers.set("Authorization", "Basic " + b64);
  auto r = router_->dispatch(req);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(claims(body(r)["access_token"])["appidacr"], "1");
}

TEST_F(TokenServiceTest, APublicFirstPartyClientMustNotSendASecret) {
  Fields form = app_credentials();
  form[1].second = kAzureCliAppId;
  expect_aadsts(post(token_path(), form), 401, "invalid_client", 700025);
}

TEST_F(TokenServiceTest, ScopesOfTwoResourcesAre28000) {
  Fields form = cli_password(user_.upn, kPassword,
                             "https://graph.microsoft.com/User.Read "
                             "https://management.azure.com/user_impersonation");
  expect_aadsts(post(token_path(), form), 400, "invalid_scope", 28000);
}

TEST_F(TokenServiceTest, AppWithoutServicePrincipalIs7000229) {
  Application a;
  a.tenant_id = tenant_.id;
  a.display_name = "No SP";
  a.password_credentials = {make_password_credential(kSecret, "s", clock_.now(),
                                                     clock_.now() + std::chrono::hours(1), ids_)};
  Application lonely = dir_->create_application(a).value();
  Fields form = app_credentials();
  form[1].second = lonely.app_id;
  expect_aadsts(post(token_path(), form), 400, "invalid_client", 7000229);
}

TEST_F(TokenServiceTest, AccessTokenExpiresOnTheVirtualClock) {
  std::string token = body(post(token_path(), app_credentials()))["access_token"];
  ValidationPolicy policy;
  policy.audiences = {kArmResource};
  clock_.advance(std::chrono::seconds(3599) + std::chrono::minutes(5));  // exp + skew
  EXPECT_TRUE(validator_->validate(token, policy).ok());
  clock_.advance(std::chrono::seconds(1));
  EXPECT_EQ(validator_->validate(token, policy).error, TokenError::kExpired);
}

TEST_F(TokenServiceTest, AdfsAuthorityInfersTheTenantFromTheClient) {
  auto r = post("/adfs/oauth2/token", app_credentials());
  ASSERT_EQ(r.status, 200) << r.body;
  Json b = body(r);
  EXPECT_EQ(b["expires_in"], 3599);  // v2-like reply
  EXPECT_EQ(claims(b["access_token"])["tid"], tenant_.id);
}

// --- client credentials with a certificate assertion ---------------------------------------

std::string rs256(const std::string& key_pem, const std::string& input) {
  BIO* bio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  std::string sig;
  if (key && EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) == 1) {
    sig.resize(len);
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    sig.resize(len);
  }
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return sig;
}

class AssertionTest : public TokenServiceFixture {
 protected:
  void SetUp() override {
    TokenServiceFixture::SetUp();
    auto kc = key_credential_from_pem(test::shared_pki().client.cert_pem, ids_);
    ASSERT_TRUE(kc.ok()) << kc.status().to_string();
    kc->start = clock_.now() - std::chrono::hours(1);
    kc->end = clock_.now() + std::chrono::hours(24);
    key_ = *kc;
    app_.key_credentials = {key_};
    ASSERT_TRUE(dir_->update_application(app_).ok());
  }

  Json assertion_claims() const {
    int64_t now = unix_seconds(clock_.now());
    return {{"aud", "https://login.microsoftonline.com/" + tenant_.id + "/oauth2/v2.0/token"},
            {"iss", app_.app_id},
            {"sub", app_.app_id},
            {"jti", "1"},
            {"nbf", now},
            {"exp", now + 600}};
  }

  std::string assertion(const Json& payload, const std::string& key_pem,
                        const std::string& x5t) const {
    Json header = {{"alg", "RS256"}, {"typ", "JWT"}, {"x5t", x5t}};
    std::string input = base64url_encode(header.dump()) + "." + base64url_encode(payload.dump());
    return input + "." + base64url_encode(rs256(key_pem, input));
  }

  http::Response redeem(const std::string& jwt) {
    return post(token_path(), {{"grant_type", "client_credentials"},
                               {"client_id", app_.app_id},
                               {"client_assertion_type", kJwtBearer},
                               {"client_assertion", jwt},
                               {"scope", kArmScope}});
  }

  const std::string& key_pem() const { return test::shared_pki().client.key_pem; }
  KeyCredential key_;
};

TEST_F(AssertionTest, AValidAssertionGetsATokenWithAppidacr2) {
  auto r = redeem(assertion(assertion_claims(), key_pem(), key_.thumbprint_b64));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(claims(body(r)["access_token"])["appidacr"], "2");
}

TEST_F(AssertionTest, TheAudienceMayNameTheEmulatorsOwnTokenEndpoint) {
  Json c = assertion_claims();
  c["aud"] = "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/token";
  EXPECT_EQ(redeem(assertion(c, key_pem(), key_.thumbprint_b64)).status, 200);
}

TEST_F(AssertionTest, ASignatureByAnotherKeyIs700027) {
  auto r = redeem(assertion(assertion_claims(), test::shared_pki().foreign_client.key_pem,
                            key_.thumbprint_b64));
  expect_aadsts(r, 401, "invalid_client", 700027);
  EXPECT_THAT(body(r)["error_description"].get<std::string>(),
              HasSubstr("[Reason - The provided signature value did not match"));
}

TEST_F(AssertionTest, AnUnregisteredKeyIs700027KeyNotFound) {
  auto r = redeem(assertion(assertion_claims(), key_pem(), "AAAAAAAAAAAAAAAAAAAAAAAAAAA"));
  expect_aadsts(r, 401, "invalid_client", 700027);
  EXPECT_THAT(body(r)["error_description"].get<std::string>(),
              HasSubstr("[Reason - The key was not found."));
}

TEST_F(AssertionTest, ClaimsAreChecked) {
  Json wrong_aud = assertion_claims();
  wrong_aud["aud"] = "https://login.microsoftonline.com/other-tenant/oauth2/v2.0/token";
  expect_aadsts(redeem(assertion(wrong_aud, key_pem(), key_.thumbprint_b64)), 401, "invalid_client",
                700023);
  Json wrong_iss = assertion_claims();
  wrong_iss["iss"] = "someone-else";
  expect_aadsts(redeem(assertion(wrong_iss, key_pem(), key_.thumbprint_b64)), 401, "invalid_client",
                700021);
  std::string jwt = assertion(assertion_claims(), key_pem(), key_.thumbprint_b64);
  clock_.advance(std::chrono::minutes(16));  // exp (10 min) + 5 min skew, passed
  expect_aadsts(redeem(jwt), 401, "invalid_client", 700024);
  expect_aadsts(redeem("not-a-jwt"), 400, "invalid_request", 50027);
}

}  // namespace
}  // namespace emu::aad::testing

// The token service's user flows, driven through its router: ROPC (v2, v1, /adfs), refresh
// tokens, the authorize endpoint with authorization code + PKCE, and the device code flow,
// with their claim sets and each AADSTS failure.
#include "emulator/aad/token/claims.h"
#include "tests/unit/aad/token_test_fixture.h"

namespace emu::aad::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class UserFlowTest : public TokenServiceFixture {
 protected:
  // The value of `name` in a redirect Location's query.
  static std::string location_param(const http::Response& r, const std::string& name) {
    std::string loc = r.headers.get_or("Location", "");
    size_t q = loc.find('?');
    if (q == std::string::npos) return "";
    for (const auto& [k, v] : http::parse_form(loc.substr(q + 1)))
      if (k == name) return v;
    return "";
  }

  // Signs in through the authorize form's POST and returns the code from the redirect.
  std::string sign_in_for_code(const std::string& challenge, const std::string& scope,
                               const std::string& redirect = "https://spa.contoso.test/") {
    auto r = post("/" + tenant_.id + "/oauth2/v2.0/authorize", {{"client_id", app_.app_id},
                                                                {"response_type", "code"},
                                                                {"redirect_uri", redirect},
                                                                {"scope", scope},
                                                                {"state", "st-1"},
                                                                {"nonce", "n-1"},
                                                                {"code_challenge", challenge},
                                                                {"code_challenge_method", "S256"},
                                                                {"username", user_.upn},
                                                                {"password", kPassword}});
    EXPECT_EQ(r.status, 302) << r.body;
    EXPECT_EQ(location_param(r, "state"), "st-1");
    return location_param(r, "code");
  }

  Fields redeem_form(const std::string& code, const std::string& verifier,
                     const std::string& redirect = "https://spa.contoso.test/") const {
    return {{"client_id", app_.app_id},
            {"grant_type", "authorization_code"},
            {"code", code},
            {"redirect_uri", redirect},
            {"code_verifier", verifier},
            {"scope", "https://graph.microsoft.com/User.Read openid offline_access"}};
  }

  void consent_user_read() {
    auto graph = dir_->find_service_principal(tenant_.id, kGraphAppId);
    ASSERT_TRUE(graph.ok());
    ASSERT_TRUE(
        dir_->add_permission_grant({"", sp_.id, graph->id, "AllPrincipals", "", "User.Read"}).ok());
  }

  // RFC 7636 appendix B.
  static constexpr char kVerifier[] = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  static constexpr char kChallenge[] = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
};

// --- ROPC ----------------------------------------------------------------------------------

TEST_F(UserFlowTest, AzureCliPasswordGrantReturnsTheUserClaimSets) {
  auto r = post("/organizations/oauth2/v2.0/token", cli_password(user_.upn, kPassword));
  ASSERT_EQ(r.status, 200) << r.body;
  Json b = body(r);
  EXPECT_EQ(b["scope"],
            "https://management.core.windows.net//user_impersonation "
            "https://management.core.windows.net//.default openid profile");
  EXPECT_THAT(b["refresh_token"].get<std::string>(), StartsWith("1.A"));
  Json info = Json::parse(base64url_decode(b["client_info"].get<std::string>()).value());
  EXPECT_EQ(info, Json({{"uid", user_.id}, {"utid", tenant_.id}}));

  ValidationPolicy policy;
  policy.audiences = {kArmResource};
  TokenCheck check = validator_->validate(b["access_token"].get<std::string>(), policy);
  ASSERT_TRUE(check.ok()) << check.message;
  Json at = check.principal.claims;
  EXPECT_EQ(at["idtyp"], "user");
  EXPECT_EQ(at["appid"], kAzureCliAppId);
  EXPECT_EQ(at["appidacr"], "0");
  EXPECT_EQ(at["oid"], user_.id);
  EXPECT_EQ(at["sub"], pairwise_subject(user_.id, kAzureCliAppId));
  EXPECT_EQ(at["upn"], user_.upn);
  EXPECT_EQ(at["unique_name"], user_.upn);
  EXPECT_EQ(at["name"], "Alice Example");
  EXPECT_EQ(at["scp"], "user_impersonation");
  EXPECT_EQ(at["amr"], Json::array({"pwd"}));
  EXPECT_EQ(at["wids"][0], "62e90394-69f5-4237-9190-012177145e10");
  EXPECT_FALSE(at.contains("idp"));

  Json id = claims(b["id_token"]);
  EXPECT_EQ(id["aud"], kAzureCliAppId);
  EXPECT_EQ(id["iss"], "https://login.microsoftonline.com/" + tenant_.id + "/v2.0");
  EXPECT_EQ(id["tid"], tenant_.id);
  EXPECT_EQ(id["oid"], user_.id);
  EXPECT_EQ(id["preferred_username"], user_.upn);
  EXPECT_EQ(id["ver"], "2.0");
  EXPECT_FALSE(id.contains("nonce"));
}

TEST_F(UserFlowTest, PasswordGrantFailures) {
  const std::string path = "/organizations/oauth2/v2.0/token";
  auto unknown = post(path, cli_password("bob@contoso.onmicrosoft.com", kPassword));
  expect_aadsts(unknown, 400, "invalid_grant", 50034);
  EXPECT_THAT(body(unknown)["error_description"].get<std::string>(),
              HasSubstr("The user account bob@contoso.onmicrosoft.com does not exist in the "
                        "contoso.onmicrosoft.com directory."));
  expect_aadsts(post(path, cli_password(user_.upn, "wrong")), 400, "invalid_grant", 50126);
  User disabled = user_;
  disabled.enabled = false;
  ASSERT_TRUE(dir_->update_user(disabled).ok());
  expect_aadsts(post(path, cli_password(user_.upn, kPassword)), 400, "invalid_grant", 50057);
  disabled.enabled = true;
  disabled.mfa_required = true;
  ASSERT_TRUE(dir_->update_user(disabled).ok());
  auto mfa = post(path, cli_password(user_.upn, kPassword));
  expect_aadsts(mfa, 400, "interaction_required", 50076);
  EXPECT_EQ(body(mfa)["suberror"], "basic_action");
  EXPECT_THAT(body(mfa)["error_description"].get<std::string>(),
              HasSubstr("to access '" + std::string(kArmAppId) + "'"));
}

TEST_F(UserFlowTest, ConfidentialClientNeedsItsSecretForRopc) {
  Fields form = cli_password(user_.upn, kPassword, "https://graph.microsoft.com/User.Read");
  form[0].second = app_.app_id;
  expect_aadsts(post(token_path(), form), 401, "invalid_client", 7000218);
  form.push_back({"client_secret", kSecret});
  auto no_consent = post(token_path(), form);
  expect_aadsts(no_consent, 400, "invalid_grant", 65001);
  EXPECT_EQ(body(no_consent)["suberror"], "consent_required");
  consent_user_read();
  auto r = post(token_path(), form);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body(r)["scope"], "User.Read");  // Graph scopes come back short
  Json at = claims(body(r)["access_token"]);
  EXPECT_EQ(at["scp"], "User.Read");
  EXPECT_EQ(at["appidacr"], "1");
  EXPECT_FALSE(body(r).contains("refresh_token"));  // no offline_access asked
}

TEST_F(UserFlowTest, TheAzureCliNeedsNoConsentForNamedGraphPermissions) {
  auto r = post(token_path(),
                cli_password(user_.upn, kPassword, "https://graph.microsoft.com/User.Read openid"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(claims(body(r)["access_token"])["scp"], "User.Read");
  EXPECT_EQ(body(r)["scope"], "User.Read openid");
}

TEST_F(UserFlowTest, UndefinedPermissionIs70011) {
  auto r = post(token_path(),
                cli_password(user_.upn, kPassword, "https://graph.microsoft.com/Nope.Read"));
  expect_aadsts(r, 400, "invalid_scope", 70011);
  EXPECT_THAT(body(r)["error_description"].get<std::string>(),
              HasSubstr("The scope https://graph.microsoft.com/Nope.Read is not valid."));
  expect_aadsts(post(token_path(), cli_password(user_.upn, kPassword,
                                                "https://graph.microsoft.com/.default User.Read")),
                400, "invalid_scope", 70011);
}

TEST_F(UserFlowTest, V1PasswordGrantAnswersStringsAndAV1IdToken) {
  auto r = post(token_path(1), {{"client_id", kAzureCliAppId},
                                {"grant_type", "password"},
                                {"username", user_.upn},
                                {"password", kPassword},
                                {"resource", kArmResource},
                                {"scope", "openid"}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json b = body(r);
  EXPECT_EQ(b["expires_in"], "3599");
  EXPECT_EQ(b["resource"], kArmResource);
  EXPECT_EQ(b["scope"], "user_impersonation");
  EXPECT_TRUE(b.contains("refresh_token"));
  EXPECT_EQ(claims(b["id_token"])["ver"], "1.0");
  EXPECT_EQ(claims(b["id_token"])["upn"], user_.upn);
}

TEST_F(UserFlowTest, AdfsPasswordGrantInfersTheTenantFromTheUser) {
  http::Request req =
      request("POST", "/adfs/oauth2/token", cli_password(user_.upn, kPassword), "127.0.0.1:8443");
  auto r = router_->dispatch(req);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(claims(body(r)["access_token"])["tid"], tenant_.id);
  EXPECT_EQ(claims(body(r)["id_token"])["iss"], "https://127.0.0.1:8443/adfs");
}

// --- refresh tokens ------------------------------------------------------------------------

TEST_F(UserFlowTest, RefreshTokenRotatesAndReachesAnotherResource) {
  std::string rt = body(post("/organizations/oauth2/v2.0/token",
                             cli_password(user_.upn, kPassword)))["refresh_token"];
  Fields form = {{"client_id", kAzureCliAppId},
                 {"grant_type", "refresh_token"},
                 {"refresh_token", rt},
                 {"scope", "https://graph.microsoft.com/.default offline_access openid profile"}};
  auto r = post(token_path(), form);
  ASSERT_EQ(r.status, 200) << r.body;
  Json b = body(r);
  EXPECT_NE(b["refresh_token"], rt);
  Json at = claims(b["access_token"]);
  EXPECT_EQ(at["aud"], "https://graph.microsoft.com");
  EXPECT_THAT(at["scp"].get<std::string>(), HasSubstr("Directory.AccessAsUser.All"));
  // The old token stays valid until it expires, as Entra's do.
  EXPECT_EQ(post(token_path(), form).status, 200);
  Fields other = form;
  other[0].second = app_.app_id;
  expect_aadsts(post(token_path(), other), 400, "invalid_grant", 70000);
  clock_.advance(std::chrono::hours(24 * 90));
  expect_aadsts(post(token_path(), form), 400, "invalid_grant", 700082);
  form[2].second = "1.Anot-a-token";
  expect_aadsts(post(token_path(), form), 400, "invalid_grant", 9002313);
}

// --- authorization code + PKCE -------------------------------------------------------------

TEST_F(UserFlowTest, AuthorizeServesASignInFormCarryingTheRequest) {
  auto r = get("/" + tenant_.id + "/oauth2/v2.0/authorize?client_id=" + app_.app_id +
               "&response_type=code&redirect_uri=https%3A%2F%2Fspa.contoso.test%2F"
               "&scope=openid&state=xyz&login_hint=alice%40contoso.onmicrosoft.com");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.headers.get_or("Content-Type", ""), StartsWith("text/html"));
  EXPECT_THAT(r.body, HasSubstr("<form method=\"post\" action=\"/" + tenant_.id +
                                "/oauth2/v2.0/authorize\">"));
  EXPECT_THAT(r.body, HasSubstr("name=\"state\" value=\"xyz\""));
  EXPECT_THAT(r.body, HasSubstr("name=\"username\" value=\"alice@contoso.onmicrosoft.com\""));
}

TEST_F(UserFlowTest, AuthorizeRejectsAnUnregisteredRedirectUriWithAnErrorPage) {
  auto r = get("/" + tenant_.id + "/oauth2/v2.0/authorize?client_id=" + app_.app_id +
               "&response_type=code&redirect_uri=https%3A%2F%2Fevil.example%2F&scope=openid");
  EXPECT_EQ(r.status, 400);
  EXPECT_FALSE(r.headers.has("Location"));
  EXPECT_THAT(r.body, HasSubstr("AADSTS50011: The redirect URI &#39;https://evil.example/&#39; "
                                "specified in the request does not match"));
}

TEST_F(UserFlowTest, AuthorizeShowsTheFormAgainForABadPassword) {
  auto r = post("/" + tenant_.id + "/oauth2/v2.0/authorize",
                {{"client_id", app_.app_id},
                 {"response_type", "code"},
                 {"redirect_uri", "https://spa.contoso.test/"},
                 {"scope", "openid"},
                 {"username", user_.upn},
                 {"password", "nope"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("AADSTS50126: Error validating credentials"));
}

TEST_F(UserFlowTest, AuthorizeRedirectsOAuthErrors) {
  auto r = post("/" + tenant_.id + "/oauth2/v2.0/authorize",
                {{"client_id", app_.app_id},
                 {"response_type", "code"},
                 {"redirect_uri", "https://spa.contoso.test/"},
                 {"state", "s"},
                 {"scope", "https://graph.microsoft.com/User.Read"},
                 {"username", user_.upn},
                 {"password", kPassword}});
  ASSERT_EQ(r.status, 302);
  EXPECT_EQ(location_param(r, "error"), "consent_required");
  EXPECT_THAT(location_param(r, "error_description"), StartsWith("AADSTS65001: "));
  EXPECT_EQ(location_param(r, "state"), "s");
}

TEST_F(UserFlowTest, AuthorizeRedirectsPromptNoneAndUnsupportedResponseTypes) {
  const std::string base = "/" + tenant_.id + "/oauth2/v2.0/authorize?client_id=" + app_.app_id +
                           "&redirect_uri=https%3A%2F%2Fspa.contoso.test%2F&scope=openid";
  auto silent = get(base + "&response_type=code&prompt=none");
  ASSERT_EQ(silent.status, 302);
  EXPECT_EQ(location_param(silent, "error"), "login_required");
  EXPECT_THAT(location_param(silent, "error_description"), StartsWith("AADSTS50058: "));
  auto token = get(base + "&response_type=token&state=q");
  EXPECT_EQ(location_param(token, "error"), "unsupported_response_type");
  EXPECT_EQ(location_param(token, "state"), "q");
  auto fragment = get(base + "&response_type=token&response_mode=fragment");
  EXPECT_THAT(fragment.headers.get_or("Location", ""),
              StartsWith("https://spa.contoso.test/#error=unsupported_response_type&"));
}

TEST_F(UserFlowTest, V1AuthorizeAndFormPost) {
  consent_user_read();
  auto r =
      post("/" + tenant_.id + "/oauth2/authorize", {{"client_id", app_.app_id},
                                                    {"response_type", "code"},
                                                    {"redirect_uri", "https://spa.contoso.test/"},
                                                    {"response_mode", "form_post"},
                                                    {"resource", "https://graph.microsoft.com"},
                                                    {"state", "v1"},
                                                    {"username", user_.upn},
                                                    {"password", kPassword}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr("action=\"https://spa.contoso.test/\""));
  EXPECT_THAT(r.body, HasSubstr("name=\"code\" value=\"0.A"));
  EXPECT_THAT(r.body, HasSubstr("name=\"state\" value=\"v1\""));
}

TEST_F(UserFlowTest, LogoutRedirectsToThePostLogoutUri) {
  auto r =
      get("/common/oauth2/v2.0/logout?post_logout_redirect_uri=https%3A%2F%2Fspa.contoso.test%2F");
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(r.headers.get_or("Location", ""), "https://spa.contoso.test/");
}

TEST_F(UserFlowTest, AuthorizationCodeWithPkce) {
  consent_user_read();
  std::string code = sign_in_for_code(kChallenge, "https://graph.microsoft.com/User.Read openid");
  ASSERT_FALSE(code.empty());
  auto r = post(token_path(), redeem_form(code, kVerifier));
  ASSERT_EQ(r.status, 200) << r.body;
  Json b = body(r);
  EXPECT_EQ(claims(b["access_token"])["scp"], "User.Read");
  EXPECT_EQ(claims(b["access_token"])["appidacr"], "0");  // SPA redirect: public client
  EXPECT_EQ(claims(b["id_token"])["nonce"], "n-1");
  EXPECT_EQ(claims(b["id_token"])["aud"], app_.app_id);
  expect_aadsts(post(token_path(), redeem_form(code, kVerifier)), 400, "invalid_grant", 54005);

  std::string code2 = sign_in_for_code(kChallenge, "https://graph.microsoft.com/User.Read openid");
  expect_aadsts(post(token_path(), redeem_form(code2, "wrong-verifier")), 400, "invalid_grant",
                501481);
  expect_aadsts(
      post(token_path(), redeem_form(code2, kVerifier, "https://app.contoso.test/callback")), 400,
      "invalid_grant", 500112);
  clock_.advance(std::chrono::minutes(10));
  expect_aadsts(post(token_path(), redeem_form(code2, kVerifier)), 400, "invalid_grant", 70008);
}

TEST_F(UserFlowTest, WebRedirectCodesNeedTheClientSecret) {
  consent_user_read();
  const std::string web = "https://app.contoso.test/callback";
  std::string code = sign_in_for_code(kChallenge, "https://graph.microsoft.com/User.Read", web);
  expect_aadsts(post(token_path(), redeem_form(code, kVerifier, web)), 401, "invalid_client",
                7000218);
  Fields form = redeem_form(code, kVerifier, web);
  form.push_back({"client_secret", kSecret});
  EXPECT_EQ(post(token_path(), form).status, 200);
}

// --- device code ---------------------------------------------------------------------------

TEST_F(UserFlowTest, DeviceCodeFlow) {
  auto dc = post("/organizations/oauth2/v2.0/devicecode",
                 {{"client_id", kAzureCliAppId}, {"scope", std::string(kArmScope) + " openid"}});
  ASSERT_EQ(dc.status, 200) << dc.body;
  Json d = body(dc);
  EXPECT_EQ(d["expires_in"], 900);
  EXPECT_EQ(d["interval"], 5);
  EXPECT_EQ(d["verification_uri"], "https://login.microsoftonline.com/common/oauth2/deviceauth");
  EXPECT_EQ(d["user_code"].get<std::string>().size(), 9u);
  Fields poll = {{"client_id", kAzureCliAppId},
                 {"grant_type", "urn:ietf:params:oauth:grant-type:device_code"},
                 {"device_code", d["device_code"]}};
  expect_aadsts(post(token_path(), poll), 400, "authorization_pending", 70016);

  auto page = get("/common/oauth2/deviceauth");
  EXPECT_THAT(page.body, HasSubstr("name=\"user_code\""));
  auto bad = post("/common/oauth2/deviceauth",
                  {{"user_code", d["user_code"]}, {"username", user_.upn}, {"password", "x"}});
  EXPECT_THAT(bad.body, HasSubstr("AADSTS50126"));
  auto ok = post("/common/oauth2/deviceauth",
                 {{"user_code", d["user_code"]}, {"username", user_.upn}, {"password", kPassword}});
  EXPECT_THAT(ok.body, HasSubstr("You have signed in to the Microsoft Azure CLI application"));
  auto r = post(token_path(), poll);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(claims(body(r)["access_token"])["upn"], user_.upn);
  EXPECT_EQ(claims(body(r)["id_token"])["tid"], tenant_.id);
  expect_aadsts(post(token_path(), poll), 400, "expired_token", 70020);  // used up
}

TEST_F(UserFlowTest, DeviceCodeDeclinedExpiredAndUnknown) {
  auto start = [&] {
    return body(post("/" + tenant_.id + "/oauth2/v2.0/devicecode",
                     {{"client_id", kAzureCliAppId}, {"scope", kArmScope}}));
  };
  Json declined = start();
  post("/common/oauth2/deviceauth", {{"user_code", declined["user_code"]}, {"action", "deny"}});
  Fields poll = {{"client_id", kAzureCliAppId},
                 {"grant_type", "urn:ietf:params:oauth:grant-type:device_code"},
                 {"device_code", declined["device_code"]}};
  expect_aadsts(post(token_path(), poll), 400, "authorization_declined", 65004);
  Json expired = start();
  clock_.advance(std::chrono::minutes(15));
  poll[2].second = expired["device_code"];
  expect_aadsts(post(token_path(), poll), 400, "expired_token", 70020);
  auto late =
      post("/common/oauth2/deviceauth",
           {{"user_code", expired["user_code"]}, {"username", user_.upn}, {"password", kPassword}});
  EXPECT_THAT(late.body, HasSubstr("AADSTS70019"));
  poll[2].second = "DAQnot-a-code";
  expect_aadsts(post(token_path(), poll), 400, "bad_verification_code", 70018);
}

}  // namespace
}  // namespace emu::aad::testing

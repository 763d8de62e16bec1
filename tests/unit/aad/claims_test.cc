// Claim sets: v1/v2 access tokens for apps and users, id tokens, client_info, the pairwise
// subject, opaque IDs and directory role template IDs.
#include "emulator/aad/token/claims.h"

#include "emulator/aad/keys/signing_keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace emu::aad {
namespace {

using ::testing::ElementsAre;
using Json = nlohmann::json;

constexpr char kTid[] = "72f988bf-86f1-41af-91ab-2d7cd011db47";
constexpr char kClient[] = "3f4e5d6c-0000-4000-8000-00000000c11e";
constexpr char kSpOid[] = "9a8b7c6d-0000-4000-8000-0000000005b0";
const TimePoint kNow = parse_iso8601("2026-03-01T12:00:00Z").value();
const int64_t kNowSecs = unix_seconds(kNow);

OpaqueIds opaque() { return {"uti-1", "aio-1", "0.Arh."}; }

User alice() {
  User u;
  u.id = "11111111-2222-4333-8444-555555555555";
  u.tenant_id = kTid;
  u.upn = "alice@contoso.onmicrosoft.com";
  u.display_name = "Alice Example";
  u.given_name = "Alice";
  u.surname = "Example";
  u.directory_roles = {"Global Administrator"};
  return u;
}

AccessTokenSpec app_spec() {
  AccessTokenSpec s;
  s.audience = "https://management.azure.com/";
  s.tenant_id = kTid;
  s.client_app_id = kClient;
  s.client_auth = ClientAuth::kSecret;
  s.client_sp_object_id = kSpOid;
  s.issued_at = kNow;
  s.lifetime = std::chrono::seconds(3599);
  s.opaque = opaque();
  return s;
}

TEST(ClaimsTest, V1AppToken) {
  Json c = access_token_claims(app_spec());
  EXPECT_EQ(c, Json({{"aud", "https://management.azure.com/"},
                     {"iss", std::string("https://sts.windows.net/") + kTid + "/"},
                     {"iat", kNowSecs},
                     {"nbf", kNowSecs},
                     {"exp", kNowSecs + 3599},
                     {"aio", "aio-1"},
                     {"rh", "0.Arh."},
                     {"uti", "uti-1"},
                     {"appid", kClient},
                     {"appidacr", "1"},
                     {"idtyp", "app"},
                     {"idp", std::string("https://sts.windows.net/") + kTid + "/"},
                     {"oid", kSpOid},
                     {"sub", kSpOid},
                     {"tid", kTid},
                     {"ver", "1.0"}}));
}

TEST(ClaimsTest, V2AppTokenWithRoles) {
  AccessTokenSpec s = app_spec();
  s.version = 2;
  s.audience = "00000003-0000-0000-c000-000000000000";
  s.client_auth = ClientAuth::kCertificate;
  s.roles = {"Directory.Read.All", "User.Read.All"};
  Json c = access_token_claims(s);
  EXPECT_EQ(c["iss"], std::string("https://login.microsoftonline.com/") + kTid + "/v2.0");
  EXPECT_EQ(c["azp"], kClient);
  EXPECT_EQ(c["azpacr"], "2");
  EXPECT_EQ(c["ver"], "2.0");
  EXPECT_EQ(c["roles"], Json::array({"Directory.Read.All", "User.Read.All"}));
  EXPECT_FALSE(c.contains("appid"));
  EXPECT_FALSE(c.contains("idp"));
}

TEST(ClaimsTest, V1UserToken) {
  AccessTokenSpec s = app_spec();
  s.client_auth = ClientAuth::kPublic;
  s.user = alice();
  s.scopes = {"user_impersonation", "openid"};
  Json c = access_token_claims(s);
  EXPECT_EQ(c["idtyp"], "user");
  EXPECT_EQ(c["appidacr"], "0");
  EXPECT_EQ(c["oid"], alice().id);
  EXPECT_EQ(c["sub"], pairwise_subject(alice().id, kClient));
  EXPECT_EQ(c["scp"], "user_impersonation openid");
  EXPECT_EQ(c["upn"], "alice@contoso.onmicrosoft.com");
  EXPECT_EQ(c["unique_name"], "alice@contoso.onmicrosoft.com");
  EXPECT_EQ(c["name"], "Alice Example");
  EXPECT_EQ(c["given_name"], "Alice");
  EXPECT_EQ(c["family_name"], "Example");
  EXPECT_EQ(c["amr"], Json::array({"pwd"}));
  EXPECT_EQ(c["wids"], Json::array({"62e90394-69f5-4237-9190-012177145e10",
                                    "b79fbf4d-3ef9-4689-8143-76b194e85509"}));
  EXPECT_FALSE(c.contains("idp"));
  EXPECT_FALSE(c.contains("roles"));
}

TEST(ClaimsTest, V2UserToken) {
  AccessTokenSpec s = app_spec();
  s.version = 2;
  s.user = alice();
  s.scopes = {"User.Read"};
  s.amr = {"pwd", "mfa"};
  Json c = access_token_claims(s);
  EXPECT_EQ(c["preferred_username"], "alice@contoso.onmicrosoft.com");
  EXPECT_EQ(c["scp"], "User.Read");
  EXPECT_FALSE(c.contains("upn"));
  EXPECT_FALSE(c.contains("amr"));
}

TEST(ClaimsTest, IdTokenV2AndV1) {
  IdTokenSpec s;
  s.issuer = std::string("https://127.0.0.1:8443/") + kTid + "/v2.0";
  s.client_id = kClient;
  s.tenant_id = kTid;
  s.user = alice();
  s.nonce = "n-1";
  s.issued_at = kNow;
  s.lifetime = std::chrono::hours(1);
  s.opaque = opaque();
  Json c = id_token_claims(s);
  EXPECT_EQ(c, Json({{"aud", kClient},
                     {"iss", s.issuer},
                     {"iat", kNowSecs},
                     {"nbf", kNowSecs},
                     {"exp", kNowSecs + 3600},
                     {"aio", "aio-1"},
                     {"rh", "0.Arh."},
                     {"uti", "uti-1"},
                     {"name", "Alice Example"},
                     {"nonce", "n-1"},
                     {"oid", alice().id},
                     {"preferred_username", "alice@contoso.onmicrosoft.com"},
                     {"sub", pairwise_subject(alice().id, kClient)},
                     {"tid", kTid},
                     {"ver", "2.0"}}));
  s.version = "1.0";
  s.nonce.clear();
  Json v1 = id_token_claims(s);
  EXPECT_EQ(v1["upn"], "alice@contoso.onmicrosoft.com");
  EXPECT_EQ(v1["ver"], "1.0");
  EXPECT_FALSE(v1.contains("nonce"));
}

TEST(ClaimsTest, ClientInfoIsBase64UrlJson) {
  std::string info = client_info("uid-1", kTid);
  EXPECT_EQ(info.find('='), std::string::npos);
  EXPECT_EQ(Json::parse(base64url_decode(info).value()), Json({{"uid", "uid-1"}, {"utid", kTid}}));
}

TEST(ClaimsTest, PairwiseSubjectIsStablePerApplication) {
  std::string a = pairwise_subject("oid-1", "app-1");
  EXPECT_EQ(a.size(), 43u);
  EXPECT_EQ(a, pairwise_subject("oid-1", "app-1"));
  EXPECT_NE(a, pairwise_subject("oid-1", "app-2"));
  EXPECT_NE(a, pairwise_subject("oid-2", "app-1"));
}

TEST(ClaimsTest, OpaqueIdsAreDeterministicPerSeed) {
  IdSource a(5), b(5), c(6);
  OpaqueIds x = make_opaque_ids(a), y = make_opaque_ids(b), z = make_opaque_ids(c);
  EXPECT_EQ(x.uti, y.uti);
  EXPECT_EQ(x.rh, y.rh);
  EXPECT_NE(x.uti, z.uti);
  EXPECT_EQ(x.uti.size(), 22u);
  EXPECT_EQ(x.rh.substr(0, 3), "0.A");
  EXPECT_EQ(x.rh.back(), '.');
  EXPECT_EQ(random_b64url(a, 3).size(), 4u);
}

TEST(ClaimsTest, RoleTemplatesAndAcr) {
  EXPECT_THAT(
      role_template_ids({"Application Administrator", "Unknown Role"}),
      ElementsAre("9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", "b79fbf4d-3ef9-4689-8143-76b194e85509"));
  EXPECT_EQ(client_acr(ClientAuth::kPublic), "0");
  EXPECT_EQ(client_acr(ClientAuth::kSecret), "1");
  EXPECT_EQ(client_acr(ClientAuth::kCertificate), "2");
}

}  // namespace
}  // namespace emu::aad

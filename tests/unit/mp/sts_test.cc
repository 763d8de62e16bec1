// CCM_STS: bulk, Entra ID and client unique tokens exchanged for CCM tokens; refusals and their
// CCM_STS.log lines (memdocs azure-ccmsetup.md; support cmg-communication-error.md).
#include "tests/unit/mp/mp_fixture.h"

#include <gmock/gmock.h>

namespace emu::mp {
namespace {

using ::testing::HasSubstr;

class StsTest : public testing::MpFixture {};

TEST_F(StsTest, BulkTokenGivesPreAuthCcmToken) {
  int status = 0;
  auto reply = sts(bulk_token(), &status);
  ASSERT_EQ(status, 200);
  EXPECT_EQ(reply["token_type"], "PreAuth");
  EXPECT_EQ(reply["expires_on"], "2026-01-01T08:00:00Z");
  auto claims = validate_site_token(*testing::signers().token, reply["token"].get<std::string>(),
                                    clock_.now(), std::chrono::minutes(5));
  ASSERT_TRUE(claims.ok()) << claims.status().message();
  EXPECT_EQ(claims->token_type, "PreAuth");
  EXPECT_EQ(claims->tenant_id, testing::kHierarchy);
  EXPECT_TRUE(log_has("CCM_STS.log", "ProcessRequest - Start"));
  EXPECT_TRUE(log_has("CCM_STS.log", "Incoming request URL: http://cm01.contoso.com/CCM_STS"));
  EXPECT_TRUE(log_has("CCM_STS.log", "Created SCCM token, token type: PreAuth, hierarchyId: " +
                                         to_lower(testing::kHierarchy)));
  EXPECT_TRUE(log_has("CCM_STS.log", "Issued token"));
  EXPECT_TRUE(log_has("CCM_STS.log", "Return token to client"));
  EXPECT_TRUE(log_has("CCM_STS.log", "component=\"CCM_STS\""));
}

TEST_F(StsTest, ExpiredBulkTokenIs401WithIdx10223AndSkewIsHonoured) {
  const std::string token = bulk_token(60);
  clock_.advance(std::chrono::minutes(64));
  int status = 0;
  sts(token, &status);
  EXPECT_EQ(status, 200);  // within the 5-minute skew
  clock_.advance(std::chrono::minutes(2));
  sts(token, &status);
  EXPECT_EQ(status, 401);
  EXPECT_TRUE(log_has("CCM_STS.log",
                      "Return code: 401, Description: PreAuth token validation failed, "
                      "System\\.IdentityModel\\.Tokens\\.SecurityTokenExpiredException: IDX10223: "
                      "Lifetime validation failed\\. The token is expired\\. ValidTo: '01/01/2026 "
                      "01:00:00' Current time: '01/01/2026 01:06:00'\\."));
}

TEST_F(StsTest, BlockedBulkTokenIsRefused) {
  const std::string token = bulk_token();
  ASSERT_TRUE(db_->set_bulk_token_blocked(last_bulk_guid_, true).ok());
  int status = 0;
  sts(token, &status);
  EXPECT_EQ(status, 401);
  EXPECT_TRUE(log_has("CCM_STS.log", "is blocked"));
}

TEST_F(StsTest, ForgedOrMissingTokensAreRefused) {
  int status = 0;
  auto other = site::issue_bulk_token(*testing::signers().site, testing::kHierarchy, ids_.guid(),
                                      clock_.now(), 60)
                   .value();
  sts(other.token, &status);
  EXPECT_EQ(status, 401);
  EXPECT_EQ(call("POST", "/CCM_STS").status, 401);
  sts("garbage", &status);
  EXPECT_EQ(status, 401);
  EXPECT_EQ(call("PUT", "/CCM_STS").status, 405);
}

TEST_F(StsTest, EntraUserTokenForTheServerAppAudience) {
  int status = 0;
  const std::string user_token =
      testing::fake_aad_token({{"tid", testing::kTenant},
                               {"oid", "aaaaaaaa-0000-4000-8000-000000000001"},
                               {"aud", testing::kServerAppUri},
                               {"sig", "good"}});
  // A user the site has not discovered (Azure AD user discovery) is refused.
  sts(user_token, &status);
  EXPECT_EQ(status, 401);
  EXPECT_TRUE(log_has("CCM_STS.log",
                      "user 'aaaaaaaa-0000-4000-8000-000000000001' is not a "
                      "discovered user of tenant"));
  sitedb::AadUser discovered;
  discovered.object_id = "aaaaaaaa-0000-4000-8000-000000000001";
  discovered.upn = "alice@contoso.onmicrosoft.com";
  ASSERT_TRUE(db_->replace_users(testing::kTenant, {discovered}).ok());
  auto reply = sts(testing::fake_aad_token({{"tid", testing::kTenant},
                                            {"oid", "aaaaaaaa-0000-4000-8000-000000000001"},
                                            {"aud", testing::kServerAppUri},
                                            {"sig", "good"}}),
                   &status);
  ASSERT_EQ(status, 200);
  EXPECT_EQ(reply["token_type"], "User");
  EXPECT_TRUE(log_has("CCM_STS.log", "Validated AAD token\\. TokenType: User TenantId: " +
                                         std::string(testing::kTenant) +
                                         " UserId: aaaaaaaa-0000-4000-8000-000000000001"));
  // Wrong audience, unknown tenant, disabled tenant.
  sts(testing::fake_aad_token(
          {{"tid", testing::kTenant}, {"aud", "https://management.azure.com/"}, {"sig", "good"}}),
      &status);
  EXPECT_EQ(status, 401);
  sts(testing::fake_aad_token({{"tid", "99999999-0000-4000-8000-000000000000"},
                               {"aud", testing::kServerAppUri},
                               {"sig", "good"}}),
      &status);
  EXPECT_EQ(status, 401);
  auto t = db_->tenant(testing::kTenant).value();
  t.disabled = true;
  ASSERT_TRUE(db_->put_tenant(t).ok());
  sts(testing::fake_aad_token(
          {{"tid", testing::kTenant}, {"aud", testing::kServerAppUri}, {"sig", "good"}}),
      &status);
  EXPECT_EQ(status, 401);
}

TEST_F(StsTest, StsBrokenAnswers500WithTheJwtAssemblyException) {
  ASSERT_EQ(action("mp.sts_broken", {{"on", true}}).kind, ActionOutcome::Kind::kPassed);
  int status = 0;
  sts(bulk_token(), &status);
  EXPECT_EQ(status, 500);
  EXPECT_TRUE(log_has("CCM_STS.log",
                      "ProcessRequest - Exception: System\\.IO\\.FileLoadException: Could not "
                      "load file or assembly 'System\\.IdentityModel\\.Tokens\\.Jwt.*0x80131040"));
  ASSERT_EQ(action("mp.sts_broken", {{"on", false}}).kind, ActionOutcome::Kind::kPassed);
  sts(bulk_token(), &status);
  EXPECT_EQ(status, 200);
}

TEST_F(StsTest, MpDownDropsTheConnection) {
  ASSERT_EQ(action("mp.down", nlohmann::json::object()).kind, ActionOutcome::Kind::kPassed);
  http::Response r = call("GET", "/SMS_MP/.sms_aut?MPLIST");
  EXPECT_TRUE(r.reset_connection);
  auto state = action("mp.state", nlohmann::json::object());
  EXPECT_EQ(state.output["down"], true);
  ASSERT_EQ(action("mp.up", nlohmann::json::object()).kind, ActionOutcome::Kind::kPassed);
  EXPECT_FALSE(call("GET", "/SMS_MP/.sms_aut?MPLIST").reset_connection);
}

}  // namespace
}  // namespace emu::mp

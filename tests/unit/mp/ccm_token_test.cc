// CCM tokens and the site-issued tokens CCM_STS accepts (emulator/mp/sts/ccm_token.h).
#include "emulator/mp/sts/ccm_token.h"

#include "tests/unit/mp/mp_fixture.h"

#include <gmock/gmock.h>

namespace emu::mp {
namespace {

using testing::kHierarchy;
using testing::signers;
using testing::start_time;

CcmTokenClaims device_claims(TimePoint nbf) {
  CcmTokenClaims c;
  c.token_type = "Device";
  c.tenant_id = kHierarchy;
  c.device_id = "GUID:0EAD457A-7EE3-4E90-B8BF-6144266E6823";
  c.unique_id = "9c0c7a1e-0000-4000-8000-000000000001";
  c.not_before = nbf;
  c.expires = nbf + std::chrono::hours(8);
  return c;
}

TEST(CcmTokenTest, IssuedTokenValidatesWithItsClaims) {
  const std::string jwt = issue_ccm_token(*signers().token, device_claims(start_time())).value();
  auto c = validate_site_token(*signers().token, jwt, start_time() + std::chrono::hours(1),
                               std::chrono::minutes(5));
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->category, "SCCMAccessToken");
  EXPECT_EQ(c->token_type, "Device");
  EXPECT_EQ(c->tenant_id, kHierarchy);
  EXPECT_EQ(c->device_id, "GUID:0EAD457A-7EE3-4E90-B8BF-6144266E6823");
  EXPECT_EQ(c->raw["iss"], "urn:sccm:oauth2:" + to_lower(kHierarchy));
  EXPECT_EQ(c->raw["aud"], "urn:sccm:service");
  EXPECT_EQ(c->raw["Authority"], "SCCM");
  EXPECT_EQ(c->raw["exp"].get<int64_t>() - c->raw["nbf"].get<int64_t>(), 8 * 3600);
}

TEST(CcmTokenTest, LifetimeIsCheckedWithFiveMinutesSkew) {
  const std::string jwt = issue_ccm_token(*signers().token, device_claims(start_time())).value();
  const auto skew = std::chrono::minutes(5);
  const TimePoint exp = start_time() + std::chrono::hours(8);
  EXPECT_TRUE(validate_site_token(*signers().token, jwt, exp + std::chrono::minutes(4), skew).ok());
  auto late = validate_site_token(*signers().token, jwt, exp + std::chrono::minutes(6), skew);
  ASSERT_FALSE(late.ok());
  EXPECT_THAT(late.status().message(), ::testing::HasSubstr("IDX10223"));
  EXPECT_TRUE(
      validate_site_token(*signers().token, jwt, start_time() - std::chrono::minutes(4), skew)
          .ok());
  EXPECT_FALSE(
      validate_site_token(*signers().token, jwt, start_time() - std::chrono::minutes(6), skew)
          .ok());
}

TEST(CcmTokenTest, RefusesOtherSignerAndOtherCategory) {
  const std::string jwt = issue_ccm_token(*signers().token, device_claims(start_time())).value();
  EXPECT_FALSE(
      validate_site_token(*signers().site, jwt, start_time(), std::chrono::minutes(5)).ok());
  CcmTokenClaims unique = device_claims(start_time());
  unique.category = "SCCMClientToken";
  unique.token_type = "ClientUnique";
  const std::string client = issue_ccm_token(*signers().token, unique).value();
  EXPECT_FALSE(
      validate_site_token(*signers().token, client, start_time(), std::chrono::minutes(5)).ok());
  EXPECT_TRUE(validate_site_token(*signers().token, client, start_time(), std::chrono::minutes(5),
                                  "SCCMClientToken")
                  .ok());
  // A bulk registration token is not a CCM token.
  auto bulk = site::issue_bulk_token(*signers().token, kHierarchy,
                                     "0f8fad5b-d9cb-469f-a165-70867728950e", start_time(), 60)
                  .value();
  EXPECT_FALSE(
      validate_site_token(*signers().token, bulk.token, start_time(), std::chrono::minutes(5))
          .ok());
}

TEST(BulkTokenTest, ExpiryMessageIsTheCcmStsLine) {
  auto bulk = site::issue_bulk_token(*signers().token, kHierarchy,
                                     "0f8fad5b-d9cb-469f-a165-70867728950e", start_time(), 60)
                  .value();
  const auto skew = std::chrono::minutes(5);
  EXPECT_TRUE(site::validate_bulk_token(*signers().token, bulk.token,
                                        start_time() + std::chrono::minutes(64), skew)
                  .ok());
  auto expired = site::validate_bulk_token(*signers().token, bulk.token,
                                           start_time() + std::chrono::hours(26), skew);
  ASSERT_FALSE(expired.ok());
  // support cmg-communication-error.md: "... IDX10223: ... ValidTo: '10/01/2020 22:03:24'
  // Current time: '10/28/2020 13:05:05'."
  EXPECT_EQ(expired.status().message(),
            "PreAuth token validation failed, "
            "System.IdentityModel.Tokens.SecurityTokenExpiredException: IDX10223: Lifetime "
            "validation failed. The token is expired. ValidTo: '01/01/2026 01:00:00' Current "
            "time: '01/02/2026 02:00:00'.");
  EXPECT_FALSE(site::validate_bulk_token(*signers().site, bulk.token, start_time(), skew).ok());
}

TEST(BulkTokenTest, PeekReadsPayloadWithoutVerifying) {
  auto p = peek_jwt_payload(testing::fake_aad_token({{"tid", "x"}}));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)["tid"], "x");
  EXPECT_FALSE(peek_jwt_payload("not-a-jwt").ok());
  EXPECT_FALSE(peek_jwt_payload("a.b.c.d").ok());
}

}  // namespace
}  // namespace emu::mp

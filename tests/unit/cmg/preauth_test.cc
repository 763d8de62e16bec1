// The CMG's token decisions: which token kind is accepted on which path (emulator/cmg/README.md,
// "Pre-authentication").
#include "emulator/cmg/preauth.h"

#include "tests/unit/cmg/cmg_test_util.h"

#include <gtest/gtest.h>

namespace emu::cmg {
namespace {

using namespace emu::cmg::testing;

class PreauthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Publication p;
    p.hierarchy_id = kHierarchy;
    p.token_signing_cert_pem = signing_cert();
    p.blocked_bulk_tokens = {"aaaaaaaa-0000-4000-8000-000000000001"};
    p.tenants = {Tenant{kTenant, "native-app-id", kResource, false},
                 Tenant{"11111111-2222-4333-8444-555555555555", "n2", "api://other", true}};
    settings_ = SecuritySettings::from(p).value();
  }
  TokenDecision check(const std::string& token, TokenPath path) {
    return check_token(*settings_, &validator_, "Bearer " + token, path, now_);
  }
  std::string site(const std::string& kind, int64_t lifetime = 3600) {
    return sign(site_claims(kind, now_s_ - 60, lifetime), signing_key());
  }

  std::shared_ptr<const SecuritySettings> settings_;
  FakeValidator validator_;
  TimePoint now_ = parse_iso8601("2026-01-01T12:00:00Z").value();
  int64_t now_s_ = unix_seconds(now_);
};

TEST_F(PreauthTest, AcceptanceTable) {
  struct Row {
    std::string kind;
    TokenPath path;
    bool accepted;
  };
  const std::vector<Row> rows = {
      {"BulkRegistration", TokenPath::kSts, true},
      {"BulkRegistration", TokenPath::kRegistration, true},
      {"BulkRegistration", TokenPath::kOther, false},
      {"Device", TokenPath::kSts, false},
      {"Device", TokenPath::kRegistration, true},
      {"Device", TokenPath::kOther, true},
      {"User", TokenPath::kOther, true},
      {"UDA", TokenPath::kOther, true},
      {"PreAuth", TokenPath::kRegistration, true},
      {"PreAuth", TokenPath::kOther, false},
      {"PreAuth", TokenPath::kBootstrap, true},
      {"Device", TokenPath::kBootstrap, true},
      {"ClientUnique", TokenPath::kBootstrap, false},
      {"ClientUnique", TokenPath::kSts, true},
      {"ClientUnique", TokenPath::kOther, false},
      {"Device", TokenPath::kAny, true},
  };
  for (const Row& r : rows) {
    TokenDecision d = check(site(r.kind), r.path);
    EXPECT_EQ(d.accepted, r.accepted) << r.kind << " on path " << int(r.path) << ": " << d.why;
  }
}

TEST_F(PreauthTest, RefusesMissingMalformedForgedAndExpiredTokens) {
  EXPECT_FALSE(check_token(*settings_, &validator_, "", TokenPath::kOther, now_).accepted);
  EXPECT_EQ(check_token(*settings_, &validator_, "Basic abc", TokenPath::kOther, now_).why,
            "no bearer token");
  EXPECT_EQ(check("not-a-jwt", TokenPath::kOther).why, "malformed");
  EXPECT_EQ(check("a.b.c.d", TokenPath::kOther).why, "malformed");
  const std::string forged = sign(site_claims("Device", now_s_, 3600), rogue_key());
  EXPECT_EQ(check(forged, TokenPath::kOther).why, "bad signature");
  // Expired beyond the 5-minute skew; still inside it is accepted.
  EXPECT_EQ(
      check(sign(site_claims("Device", now_s_ - 3600, 3000), signing_key()), TokenPath::kOther).why,
      "expired");
  EXPECT_TRUE(
      check(sign(site_claims("Device", now_s_ - 3600, 3400), signing_key()), TokenPath::kOther)
          .accepted);
  auto wrong_aud = site_claims("Device", now_s_, 3600);
  wrong_aud["aud"] = "urn:other";
  EXPECT_EQ(check(sign(wrong_aud, signing_key()), TokenPath::kOther).why, "bad audience");
  auto wrong_iss = site_claims("Device", now_s_, 3600);
  wrong_iss["iss"] = "urn:sccm:oauth2:00000000-0000-0000-0000-000000000000";
  EXPECT_EQ(check(sign(wrong_iss, signing_key()), TokenPath::kOther).why, "bad issuer");
}

TEST_F(PreauthTest, ExpiredBulkTokenIsLeftToCcmStsButNotElsewhere) {
  const std::string expired =
      sign(site_claims("BulkRegistration", now_s_ - 86400, 3600), signing_key());
  EXPECT_TRUE(check(expired, TokenPath::kSts).accepted);
  EXPECT_EQ(check(expired, TokenPath::kAny).why, "expired");  // ServiceMetadata: 401 (§7 #7)
}

TEST_F(PreauthTest, BlockedBulkTokenIsRefused) {
  const std::string blocked =
      sign(site_claims("BulkRegistration", now_s_, 3600, "AAAAAAAA-0000-4000-8000-000000000001"),
           signing_key());
  TokenDecision d = check(blocked, TokenPath::kSts);
  EXPECT_FALSE(d.accepted);
  EXPECT_EQ(d.why, "bulk token blocked");
}

TEST_F(PreauthTest, EntraTokensOfOnboardedTenantsOnly) {
  EXPECT_TRUE(check(entra_token(kTenant, kResource), TokenPath::kSts).accepted);
  EXPECT_TRUE(check(entra_token(kTenant, kResource), TokenPath::kRegistration).accepted);
  EXPECT_FALSE(check(entra_token(kTenant, kResource), TokenPath::kOther).accepted);
  EXPECT_FALSE(
      check(entra_token(kTenant, "https://management.azure.com/"), TokenPath::kSts).accepted);
  EXPECT_FALSE(check(entra_token(kTenant, kResource, false), TokenPath::kSts).accepted);
  // The disabled tenant's audience is not even offered to the validator.
  EXPECT_FALSE(
      check(entra_token("11111111-2222-4333-8444-555555555555", "api://other"), TokenPath::kSts)
          .accepted);
  // Another tenant using the onboarded audience.
  EXPECT_EQ(
      check(entra_token("99999999-2222-4333-8444-555555555555", kResource), TokenPath::kSts).why,
      "tenant not onboarded or disabled");
  EXPECT_FALSE(check_token(*settings_, nullptr, "Bearer " + entra_token(kTenant, kResource),
                           TokenPath::kSts, now_)
                   .accepted);
}

TEST_F(PreauthTest, ClassifiesPathsAndFindsTheRegistrationEndpointInUtf16) {
  EXPECT_EQ(classify_path("ccm_sts", "/ccm_sts", ""), TokenPath::kSts);
  auto utf16_of = [](const std::string& ascii) {
    std::string out;
    for (char c : ascii) {
      out.push_back(c);
      out.push_back('\0');
    }
    return out;
  };
  const std::string utf16 = utf16_of("<TargetEndpoint>MP_ClientRegistration</TargetEndpoint>");
  EXPECT_EQ(classify_path("ccm_system_tokenauth", "/ccm_system_tokenauth/request", utf16),
            TokenPath::kRegistration);
  EXPECT_EQ(
      classify_path("ccm_system_tokenauth", "/ccm_system_tokenauth/request", "MP_PolicyManager"),
      TokenPath::kOther);
  EXPECT_EQ(classify_path("SMS_MP", "/SMS_MP/.sms_aut?MPLIST", utf16), TokenPath::kOther);
  EXPECT_EQ(classify_path("ccm_system_tokenauth", "/ccm_system_tokenauth/request",
                          utf16_of("<TargetEndpoint>MP_LocationManager</TargetEndpoint>")),
            TokenPath::kBootstrap);
  EXPECT_EQ(classify_path("CCM_Client", "/CCM_Client/ccmsetup.cab", ""), TokenPath::kBootstrap);
}

TEST_F(PreauthTest, APublicationWithABadCertificateIsRefused) {
  Publication p;
  p.token_signing_cert_pem = "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n";
  EXPECT_FALSE(SecuritySettings::from(p).ok());
}

}  // namespace
}  // namespace emu::cmg

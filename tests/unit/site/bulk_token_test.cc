#include "emulator/site/tokens/bulk_token_tool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace emu::site {
namespace {

using ::testing::HasSubstr;

TimePoint at(const char* iso) { return parse_iso8601(iso).value(); }

constexpr const char* kHierarchy = "cdcc5e91-0adf-4a24-82d0-196667f1c081";
constexpr const char* kGuid = "db591e33-06fd-4c5b-82f3-bf673e5bd0a2";

Result<BulkTokenToolArgs> parse(std::vector<std::string> argv) {
  return parse_bulk_token_tool_args(argv);
}

void expect_error(std::vector<std::string> argv, const std::string& message) {
  auto r = parse_bulk_token_tool_args(argv);
  ASSERT_FALSE(r.ok()) << ::testing::PrintToString(argv);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), message) << ::testing::PrintToString(argv);
}

TEST(BulkTokenArgsTest, HelpAndDefaults) {
  auto none = parse({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->help);
  EXPECT_FALSE(none->new_token);

  auto help = parse({"/?"});
  ASSERT_TRUE(help.ok());
  EXPECT_TRUE(help->help);

  auto help_wins = parse({"/lifetime", "60", "/?"});  // would need /new, but help wins
  ASSERT_TRUE(help_wins.ok());
  EXPECT_TRUE(help_wins->help);

  auto fresh = parse({"/NeW"});
  ASSERT_TRUE(fresh.ok());
  EXPECT_FALSE(fresh->help);
  EXPECT_TRUE(fresh->new_token);
  EXPECT_EQ(fresh->lifetime_minutes, 4320);
}

TEST(BulkTokenArgsTest, LifetimeTakesSpaceSeparatedMinutes) {
  auto r = parse({"/new", "/LIFETIME", "60"});
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_TRUE(r->new_token);
  EXPECT_EQ(r->lifetime_minutes, 60);
  EXPECT_EQ(parse({"/lifetime", "10080", "/new"})->lifetime_minutes, 10080);
  EXPECT_EQ(parse({"/new", "/lifetime", "1"})->lifetime_minutes, 1);
}

TEST(BulkTokenArgsTest, RefusesBadArguments) {
  // The colon form is refused as an unknown parameter (memdocs PR #257: it causes an error).
  expect_error({"/new", "/lifetime:60"}, "Unrecognized parameter '/lifetime:60'.");
  expect_error({"/new", "/blockall"}, "Unrecognized parameter '/blockall'.");
  expect_error({"new"}, "Unrecognized parameter 'new'.");
  expect_error({"/new", "/lifetime"}, "The /lifetime parameter requires a value in minutes.");
  expect_error({"/lifetime", "/new"}, "The /lifetime parameter requires a value in minutes.");
  const std::string range = "'. Specify a whole number of minutes from 1 to 10080.";
  expect_error({"/new", "/lifetime", "10081"}, "Invalid lifetime value '10081" + range);
  expect_error({"/new", "/lifetime", "0"}, "Invalid lifetime value '0" + range);
  expect_error({"/new", "/lifetime", "-5"}, "Invalid lifetime value '-5" + range);
  expect_error({"/new", "/lifetime", "abc"}, "Invalid lifetime value 'abc" + range);
  expect_error({"/new", "/lifetime", "60m"}, "Invalid lifetime value '60m" + range);
  expect_error({"/new", "/lifetime", "99999999999"}, "Invalid lifetime value '99999999999" + range);
  expect_error({"/lifetime", "60"}, "The /lifetime parameter must be used with /new.");
}

TEST(BulkTokenArgsTest, UsageNamesEveryOption) {
  const std::string usage = bulk_token_tool_usage();
  EXPECT_THAT(usage, HasSubstr("BulkRegistrationTokenTool.exe"));
  EXPECT_THAT(usage, HasSubstr("/?"));
  EXPECT_THAT(usage, HasSubstr("/new"));
  EXPECT_THAT(usage, HasSubstr("/lifetime <minutes>"));
  EXPECT_THAT(usage, HasSubstr("4320"));
  EXPECT_THAT(usage, HasSubstr("10080"));
}

class BulkTokenIssueTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto c = SiteSigningCert::ensure("", "PS1", "token-signing", at("2020-01-01T00:00:00Z"));
    ASSERT_TRUE(c.ok()) << c.status().to_string();
    signer_ = new std::shared_ptr<const SiteSigningCert>(*c);
  }
  static void TearDownTestSuite() { delete signer_; }
  static const SiteSigningCert& signer() { return **signer_; }
  static std::shared_ptr<const SiteSigningCert>* signer_;
};
std::shared_ptr<const SiteSigningCert>* BulkTokenIssueTest::signer_ = nullptr;

std::string part(const std::string& token, int index) {
  size_t d1 = token.find('.'), d2 = token.rfind('.');
  std::string b64 = index == 0 ? token.substr(0, d1) : token.substr(d1 + 1, d2 - d1 - 1);
  return base64url_decode(b64).value();
}

TEST_F(BulkTokenIssueTest, ClaimsMatchTheDocumentedToken) {
  // The memdocs example: nbf 1580156305 (2020-01-27T20:18:25Z), default lifetime.
  auto t = issue_bulk_token(signer(), kHierarchy, kGuid, at("2020-01-27T20:18:25.750Z"), 4320);
  ASSERT_TRUE(t.ok()) << t.status().to_string();
  EXPECT_EQ(t->guid, kGuid);
  EXPECT_EQ(t->lifetime_minutes, 4320);
  EXPECT_EQ(t->not_before, at("2020-01-27T20:18:25Z"));
  EXPECT_EQ(t->expires, at("2020-01-30T20:18:25Z"));
  EXPECT_EQ(part(t->token, 0), R"({"typ":"JWT","alg":"RS256","x5t":")" + signer().x5t() + R"("})");
  EXPECT_EQ(part(t->token, 1),
            R"({"SCCMTokenCategory":"SCCMPreAuthToken","Authority":"SCCM","License":"SCCM",)"
            R"("Type":"BulkRegistration","TenantId":"CDCC5E91-0ADF-4A24-82D0-196667F1C081",)"
            R"("UniqueId":"db591e33-06fd-4c5b-82f3-bf673e5bd0a2",)"
            R"("iss":"urn:sccm:oauth2:cdcc5e91-0adf-4a24-82d0-196667f1c081",)"
            R"("aud":"urn:sccm:service","exp":1580415505,"nbf":1580156305})");
  auto payload = verify_jwt(t->token, signer().cert_pem());
  ASSERT_TRUE(payload.ok()) << payload.status().to_string();
  EXPECT_EQ(*payload, t->claims);
  EXPECT_EQ((*payload)["exp"].get<int64_t>() - (*payload)["nbf"].get<int64_t>(), 4320 * 60);
}

TEST_F(BulkTokenIssueTest, NormalizesCaseOfIds) {
  auto t = issue_bulk_token(signer(), "CDCC5E91-0ADF-4A24-82D0-196667F1C081",
                            "DB591E33-06FD-4C5B-82F3-BF673E5BD0A2", at("2026-01-01T00:00:00Z"), 60);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->guid, kGuid);
  EXPECT_EQ(t->claims["UniqueId"], kGuid);
  EXPECT_EQ(t->claims["TenantId"], "CDCC5E91-0ADF-4A24-82D0-196667F1C081");
  EXPECT_EQ(t->claims["iss"], "urn:sccm:oauth2:cdcc5e91-0adf-4a24-82d0-196667f1c081");
  EXPECT_EQ(t->claims["exp"].get<int64_t>() - t->claims["nbf"].get<int64_t>(), 3600);
  EXPECT_EQ(t->expires - t->not_before, std::chrono::minutes(60));
}

TEST_F(BulkTokenIssueTest, RefusesBadInput) {
  const TimePoint now = at("2026-01-01T00:00:00Z");
  auto bad_tenant = issue_bulk_token(signer(), "not-a-guid", kGuid, now, 60);
  EXPECT_EQ(bad_tenant.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad_tenant.status().message(), "not a hierarchy ID: 'not-a-guid'");
  auto bad_guid = issue_bulk_token(signer(), kHierarchy, "{" + std::string(kGuid) + "}", now, 60);
  EXPECT_EQ(bad_guid.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_guid.status().message(), HasSubstr("not a token GUID"));
  for (int minutes : {0, -1, 10081}) {
    auto r = issue_bulk_token(signer(), kHierarchy, kGuid, now, minutes);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << minutes;
    EXPECT_EQ(r.status().message(),
              "bulk token lifetime out of range: " + std::to_string(minutes) + " minutes");
  }
}

TEST_F(BulkTokenIssueTest, OutputShowsGuidValidityAndToken) {
  auto t = issue_bulk_token(signer(), kHierarchy, kGuid, at("2020-01-27T20:18:25Z"), 4320);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(format_bulk_token_tool_output(*t),
            "Bulk registration token created.\n"
            "Token GUID: db591e33-06fd-4c5b-82f3-bf673e5bd0a2\n"
            "Token validity period: 4320 minutes, from 1/27/2020 8:18:25 PM to "
            "1/30/2020 8:18:25 PM (UTC)\n"
            "Token:\n" +
                t->token + "\n");
  auto midnight = issue_bulk_token(signer(), kHierarchy, kGuid, at("2026-03-04T00:05:09Z"), 720);
  ASSERT_TRUE(midnight.ok());
  EXPECT_THAT(format_bulk_token_tool_output(*midnight),
              HasSubstr("from 3/4/2026 12:05:09 AM to 3/4/2026 12:05:09 PM (UTC)"));
}

}  // namespace
}  // namespace emu::site

namespace emu::site {
namespace {

class BulkTokenValidateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto a = SiteSigningCert::ensure("", "PS1", "token-signing",
                                     parse_iso8601("2026-01-01T00:00:00Z").value());
    auto b = SiteSigningCert::ensure("", "PS2", "token-signing",
                                     parse_iso8601("2026-01-01T00:00:00Z").value());
    ASSERT_TRUE(a.ok() && b.ok());
    signer_ = new std::shared_ptr<const SiteSigningCert>(*a);
    other_ = new std::shared_ptr<const SiteSigningCert>(*b);
  }
  static void TearDownTestSuite() {
    delete signer_;
    delete other_;
  }
  static std::shared_ptr<const SiteSigningCert>* signer_;
  static std::shared_ptr<const SiteSigningCert>* other_;
};
std::shared_ptr<const SiteSigningCert>* BulkTokenValidateTest::signer_ = nullptr;
std::shared_ptr<const SiteSigningCert>* BulkTokenValidateTest::other_ = nullptr;

TEST_F(BulkTokenValidateTest, ValidForItsLifetimeThenExpiredWithTheStsMessage) {
  const TimePoint issued = parse_iso8601("2026-01-01T00:13:00Z").value();
  auto t = issue_bulk_token(**signer_, "cdcc5e91-0adf-4a24-82d0-196667f1c081",
                            "db591e33-06fd-4c5b-82f3-bf673e5bd0a2", issued, 4320);
  ASSERT_TRUE(t.ok()) << t.status().to_string();
  auto now = validate_bulk_token(**signer_, t->token, issued);
  ASSERT_TRUE(now.ok()) << now.status().to_string();
  EXPECT_EQ((*now)["UniqueId"], "db591e33-06fd-4c5b-82f3-bf673e5bd0a2");
  // 4320 minutes later plus less than the 5-minute skew: still accepted.
  EXPECT_TRUE(validate_bulk_token(**signer_, t->token, issued + std::chrono::minutes(4324)).ok());
  auto late =
      validate_bulk_token(**signer_, t->token, parse_iso8601("2026-01-05T00:00:00Z").value());
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(late.status().message(),
            "PreAuth token validation failed, System.IdentityModel.Tokens."
            "SecurityTokenExpiredException: IDX10223: Lifetime validation failed. The token is "
            "expired. ValidTo: '01/04/2026 00:13:00' Current time: '01/05/2026 00:00:00'.");
  auto early = validate_bulk_token(**signer_, t->token, issued - std::chrono::minutes(6));
  ASSERT_FALSE(early.ok());
  EXPECT_THAT(early.status().message(), HasSubstr("IDX10222"));
}

TEST_F(BulkTokenValidateTest, AnotherSitesSignatureIsRefused) {
  const TimePoint issued = parse_iso8601("2026-01-01T00:00:00Z").value();
  auto t = issue_bulk_token(**other_, "cdcc5e91-0adf-4a24-82d0-196667f1c081",
                            "db591e33-06fd-4c5b-82f3-bf673e5bd0a2", issued, 60);
  ASSERT_TRUE(t.ok());
  auto r = validate_bulk_token(**signer_, t->token, issued);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(r.status().message(), HasSubstr("IDX10503: Signature validation failed."));
  EXPECT_FALSE(validate_bulk_token(**signer_, "not.a.jwt", issued).ok());
}

}  // namespace
}  // namespace emu::site

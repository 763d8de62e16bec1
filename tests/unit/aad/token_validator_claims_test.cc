// The token validator's claim checks: issuer, tenant, audience, lifetime with skew, malformed
// tokens, the order of the checks, the Authorization header, and the error names.
#include "emulator/aad/public/token_validator.h"
#include "tests/unit/aad/token_validator_fixture.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace emu::aad {
namespace {

using namespace testing;  // NOLINT: the fixture's constants

TEST_F(TokenValidatorTest, RejectsAnIssuerThatIsNotCanonicalForTheTokensTenant) {
  Json c = app_claims();
  c["iss"] = v1_issuer(kOtherTid);
  expect_error(sign(c), TokenError::kBadIssuer,
               "The token's issuer 'https://sts.windows.net/" + std::string(kOtherTid) +
                   "/' is not valid for tenant '" + kTid + "'; expected '" + v1_issuer(kTid) +
                   "' or '" + v2_issuer(kTid) + "'.");
  for (const std::string& iss : {"https://evil.example/" + std::string(kTid) + "/",
                                 "https://sts.windows.net/" + std::string(kTid),
                                 "https://login.microsoftonline.com/" + std::string(kTid) + "/"}) {
    c["iss"] = iss;
    EXPECT_EQ(check(sign(c)).error, TokenError::kBadIssuer) << iss;
  }
  c = app_claims();
  c.erase("tid");
  expect_error(
      sign(c), TokenError::kBadIssuer,
      "The token has no 'tid' claim, so its issuer '" + v1_issuer(kTid) + "' cannot be trusted.");
}

TEST_F(TokenValidatorTest, RejectsAnotherTenantWhenTheCallerRequiresOne) {
  policy_.tenant_id = kOtherTid;
  expect_error(sign(app_claims()), TokenError::kWrongTenant,
               "The token was issued for tenant '" + std::string(kTid) + "', but tenant '" +
                   kOtherTid + "' is required.");
  policy_.tenant_id = "72F988BF-86F1-41AF-91AB-2D7CD011DB47";  // GUIDs compare case-insensitively
  EXPECT_TRUE(check(sign(app_claims())).ok());
}

TEST_F(TokenValidatorTest, RejectsAnAudienceOutsideThePolicy) {
  Json c = app_claims();
  c["aud"] = "https://graph.microsoft.com";
  expect_error(sign(c), TokenError::kBadAudience,
               "The token's audience 'https://graph.microsoft.com' is not one of "
               "'https://management.azure.com/', 'https://management.core.windows.net/'.");
  c["aud"] = "https://management.azure.com";  // compared exactly: no trailing-slash leniency
  EXPECT_EQ(check(sign(c)).error, TokenError::kBadAudience);
  c.erase("aud");
  expect_error(sign(c), TokenError::kBadAudience,
               "The token has no 'aud' claim; accepted audiences are "
               "'https://management.azure.com/', 'https://management.core.windows.net/'.");
  c["aud"] = {"x", "https://management.core.windows.net/"};
  TokenCheck array = check(sign(c));
  ASSERT_TRUE(array.ok()) << array.message;
  EXPECT_EQ(array.principal.audience, "https://management.core.windows.net/");
  policy_.audiences.clear();  // any audience
  c["aud"] = "https://graph.microsoft.com";
  TokenCheck any = check(sign(c));
  ASSERT_TRUE(any.ok()) << any.message;
  EXPECT_EQ(any.principal.audience, "https://graph.microsoft.com");
}

TEST_F(TokenValidatorTest, ExpiresOnlyAfterExpPlusSkew) {
  const std::string token = sign(app_claims());
  clock_.advance(std::chrono::seconds(3600 + 300));  // exactly exp + skew
  EXPECT_TRUE(check(token).ok());
  clock_.advance(std::chrono::seconds(1));
  expect_error(token, TokenError::kExpired,
               "The token expired at '2026-03-01T13:00:00Z', current time is "
               "'2026-03-01T13:05:01Z' (allowed clock skew: 300 s).");
  policy_.skew = std::chrono::minutes(10);
  EXPECT_TRUE(check(token).ok());
}

TEST_F(TokenValidatorTest, IsNotValidBeforeNbfMinusSkew) {
  Json c = app_claims();
  c["nbf"] = unix_seconds(kNow) + 301;
  expect_error(sign(c), TokenError::kNotYetValid,
               "The token is not valid before '2026-03-01T12:05:01Z', current time is "
               "'2026-03-01T12:00:00Z' (allowed clock skew: 300 s).");
  c["nbf"] = unix_seconds(kNow) + 300;
  EXPECT_TRUE(check(sign(c)).ok());
  c.erase("nbf");
  EXPECT_TRUE(check(sign(c)).ok());
}

TEST_F(TokenValidatorTest, RejectsMissingOrUnusableTimeClaimsAsMalformed) {
  Json c = app_claims();
  c.erase("exp");
  expect_error(sign(c), TokenError::kMalformed, "The token has no 'exp' claim.");
  for (const Json& bad : {Json("1767272400"), Json(-1), Json(1e300), Json(253402300800)}) {
    c["exp"] = bad;
    expect_error(sign(c), TokenError::kMalformed,
                 "The token's 'exp' claim is not a valid NumericDate.");
  }
  c = app_claims();
  c["nbf"] = nullptr;
  expect_error(sign(c), TokenError::kMalformed,
               "The token's 'nbf' claim is not a valid NumericDate.");
  c["nbf"] = unix_seconds(kNow) - 0.5;  // fractional NumericDates are allowed
  c["exp"] = unix_seconds(kNow) + 10.75;
  EXPECT_TRUE(check(sign(c)).ok());
}

TEST_F(TokenValidatorTest, RejectsMalformedTokens) {
  const std::string token = sign(app_claims());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "a JWT has exactly three dot-separated parts"},
      {"not a token", "a JWT has exactly three dot-separated parts"},
      {token + ".x", "a JWT has exactly three dot-separated parts"},
      {b64(Json::array()) + "." + token.substr(token.find('.') + 1),
       "the JWT header is not a JSON object"},
      {"!!." + token.substr(token.find('.') + 1), "the JWT header is not base64url"},
      {token.substr(0, token.find('.')) + "." + b64(Json::array()) + ".x",
       "the JWT payload is not a JSON object"},
      {token + "=", "the JWT signature is not base64url"},
  };
  for (const auto& [bad, why] : cases) {
    expect_error(bad, TokenError::kMalformed, "The token is not a valid JWT: " + why + ".");
  }
  expect_error(std::string(kMaxTokenBytes + 1, 'a'), TokenError::kMalformed,
               "The token is longer than 65536 bytes.");
}

TEST_F(TokenValidatorTest, ChecksRunInTheDocumentedOrder) {
  Json c = app_claims();
  c["iss"] = "https://evil.example/";
  c["aud"] = "https://evil.example/";
  c["exp"] = 0;
  auto jwt = parse_jwt(sign(c));
  ASSERT_TRUE(jwt.ok());
  // Signature before issuer; issuer before tenant, audience and lifetime.
  EXPECT_EQ(check(jwt->signing_input + "." + base64url_encode("x")).error,
            TokenError::kBadSignature);
  policy_.tenant_id = kOtherTid;
  EXPECT_EQ(check(sign(c)).error, TokenError::kBadIssuer);
  c["iss"] = v1_issuer(kTid);
  EXPECT_EQ(check(sign(c)).error, TokenError::kWrongTenant);
  policy_.tenant_id = kTid;
  EXPECT_EQ(check(sign(c)).error, TokenError::kBadAudience);
  c["aud"] = kArm;
  EXPECT_EQ(check(sign(c)).error, TokenError::kExpired);
}

TEST_F(TokenValidatorTest, ValidateHeaderTakesABearerTokenOfAnyCase) {
  const std::string token = sign(app_claims());
  EXPECT_TRUE(validator_->validate_header("Bearer " + token, policy_).ok());
  EXPECT_TRUE(validator_->validate_header("  bEARER \t" + token + "  ", policy_).ok());
  auto missing = [&](const std::string& header, const std::string& message) {
    TokenCheck c = validator_->validate_header(header, policy_);
    EXPECT_EQ(c.error, TokenError::kMissing) << header;
    EXPECT_EQ(c.message, message);
  };
  missing("", "The request has no bearer token.");
  missing("   ", "The request has no bearer token.");
  missing("Bearer", "The Authorization header has an empty Bearer token.");
  missing("Bearer   ", "The Authorization header has an empty Bearer token.");
  missing("Basic dXNlcjpwYXNz",
          "The Authorization header uses the 'Basic' scheme; a Bearer token is required.");
  missing(token, "The Authorization header is not of the form 'Bearer <token>'.");
  EXPECT_EQ(validator_->validate_header("Bearer x.y.z", policy_).error, TokenError::kMalformed);
}

TEST(TokenErrorName, NamesEveryError) {
  const std::vector<std::pair<TokenError, std::string_view>> names = {
      {TokenError::kNone, "none"},
      {TokenError::kMissing, "missing"},
      {TokenError::kMalformed, "malformed"},
      {TokenError::kBadAlgorithm, "bad_algorithm"},
      {TokenError::kUnknownKey, "unknown_key"},
      {TokenError::kBadSignature, "bad_signature"},
      {TokenError::kBadIssuer, "bad_issuer"},
      {TokenError::kBadAudience, "bad_audience"},
      {TokenError::kExpired, "expired"},
      {TokenError::kNotYetValid, "not_yet_valid"},
      {TokenError::kWrongTenant, "wrong_tenant"},
  };
  for (const auto& [error, name] : names) EXPECT_EQ(token_error_name(error), name);
}
}  // namespace
}  // namespace emu::aad

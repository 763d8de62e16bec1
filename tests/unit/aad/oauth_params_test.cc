// Finding 8a of issue 11: OAuth parameters may not be repeated (RFC 6749 §3.1) and are bounded.
// Every OAuth endpoint of the token service answers as Entra ID does (AADSTS9000411, 90015,
// 90004) before it acts on the request.
#include "tests/unit/aad/token_test_fixture.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace emu::aad {
namespace {

using namespace testing;  // NOLINT: the fixture's helpers
using ::testing::HasSubstr;

class OAuthParamsTest : public TokenServiceFixture {};

TEST_F(OAuthParamsTest, Finding8_DuplicateGrantTypeIsRefusedNotIssued) {
  Fields form = app_credentials();
  form.push_back({"grant_type", "client_credentials"});  // same value twice still counts
  http::Response r = post(token_path(), form);
  expect_aadsts(r, 400, "invalid_request", 9000411);
  EXPECT_THAT(body(r).value("error_description", ""),
              ::testing::StartsWith("AADSTS9000411: The request is not properly formatted. The "
                                    "parameter 'grant_type' is duplicated.\r\nTrace ID: "));
  EXPECT_FALSE(body(r).contains("access_token"));
  // v1 too, and any parameter.
  form = app_credentials();
  form.push_back({"client_secret", "other"});
  expect_aadsts(post(token_path(1), form), 400, "invalid_request", 9000411);
  // The same form without the repeat is issued.
  EXPECT_EQ(post(token_path(), app_credentials()).status, 200);
}

TEST_F(OAuthParamsTest, Finding8_EveryOAuthEndpointRefusesRepeats) {
  const Fields device = {{"client_id", kAzureCliAppId}, {"scope", kArmScope}};
  Fields twice = device;
  twice.push_back({"scope", "openid"});
  EXPECT_EQ(post("/" + tenant_.id + "/oauth2/v2.0/devicecode", device).status, 200);
  expect_aadsts(post("/" + tenant_.id + "/oauth2/v2.0/devicecode", twice), 400, "invalid_request",
                9000411);
  // The authorize endpoint shows its error page (errors before the redirect URI is trusted).
  const std::string authorize = "/" + tenant_.id +
                                "/oauth2/v2.0/authorize?client_id=" + app_.app_id +
                                "&response_type=code&client_id=" + app_.app_id;
  http::Response page = get(authorize);
  EXPECT_EQ(page.status, 400);
  EXPECT_THAT(page.body, HasSubstr("AADSTS9000411"));
  EXPECT_THAT(page.body, HasSubstr("The parameter &#39;client_id&#39; is duplicated."));
  http::Response login = get("/" + tenant_.id + "/oauth2/deviceauth?user_code=A&user_code=B");
  EXPECT_EQ(login.status, 400);
  EXPECT_THAT(login.body, HasSubstr("AADSTS9000411"));
}

TEST_F(OAuthParamsTest, Finding8_OversizedRequestsAreRefused) {
  Fields form = app_credentials();
  form.push_back({"claims", std::string(kOAuthParamLimits.max_value_bytes + 1, 'x')});
  http::Response r = post(token_path(), form);
  expect_aadsts(r, 400, "invalid_request", 90004);
  EXPECT_THAT(body(r).value("error_description", ""),
              HasSubstr("The value of the parameter 'claims' is longer than 65536 bytes."));

  form = app_credentials();
  for (size_t i = 0; i < kOAuthParamLimits.max_fields; ++i)
    form.push_back({"x" + std::to_string(i), ""});
  expect_aadsts(post(token_path(), form), 400, "invalid_request", 90004);

  form = app_credentials();
  form.push_back({std::string(kOAuthParamLimits.max_name_bytes + 1, 'n'), "v"});
  expect_aadsts(post(token_path(), form), 400, "invalid_request", 90004);

  http::Request big = request("POST", token_path(), app_credentials());
  big.body += "&pad=" + std::string(kOAuthParamLimits.max_body_bytes, 'p');
  r = router_->dispatch(big);
  expect_aadsts(r, 400, "invalid_request", 90004);
  EXPECT_THAT(body(r).value("error_description", ""), HasSubstr("bytes are accepted."));

  http::Response q = get("/" + tenant_.id + "/v2.0/.well-known/openid-configuration?pad=" +
                         std::string(kOAuthParamLimits.max_query_bytes, 'q'));
  expect_aadsts(q, 400, "invalid_request", 90015);
  EXPECT_THAT(body(q).value("error_description", ""),
              ::testing::StartsWith("AADSTS90015: Requested query string is too long."));
}

TEST(ReadOAuthParams, KeepsOrderAndDecodes) {
  http::Request req;
  req.method = "POST";
  req.body = "a=1&b=two+words&c=%26";
  auto params = read_oauth_params(req);
  ASSERT_TRUE(params.ok());
  EXPECT_EQ(*params, (OAuthParams{{"a", "1"}, {"b", "two words"}, {"c", "&"}}));
  req.body = "a=1&A=2";  // names are case-sensitive (RFC 6749 §3.1)
  EXPECT_TRUE(read_oauth_params(req).ok());
  req.body = "a=1&a";
  ASSERT_FALSE(read_oauth_params(req).ok());
  EXPECT_EQ(read_oauth_params(req).error().code, 9000411);
}

}  // namespace
}  // namespace emu::aad

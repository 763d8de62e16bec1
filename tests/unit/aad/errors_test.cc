// AADSTS errors: the JSON body and headers of a token-endpoint error, the error page and
// redirect parameters, the per-request context, and each factory's code / status / error.
#include "emulator/aad/errors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace emu::aad {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Json = nlohmann::json;

ErrorContext fixed_context() {
  return {parse_iso8601("2026-01-02T03:04:05.678Z").value(), "0f8fad5b-d9cb-469f-a165-70867728950e",
          "7d2d7b1e-5f5f-4e3b-9d55-3a0c0a5f2b11"};
}

TEST(AadErrorsTest, BodyHasEntrasShape) {
  Json body = aad_error_body(aadsts::invalid_client_secret("app-1"), fixed_context());
  const std::string text =
      "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the "
      "request is the client secret value, not the client secret ID, for a secret added to app "
      "'app-1'.";
  EXPECT_EQ(body, Json({
                      {"error", "invalid_client"},
                      {"error_description",
                       text + "\r\nTrace ID: 0f8fad5b-d9cb-469f-a165-70867728950e\r\nCorrelation "
                              "ID: 7d2d7b1e-5f5f-4e3b-9d55-3a0c0a5f2b11\r\nTimestamp: "
                              "2026-01-02 03:04:05Z"},
                      {"error_codes", {7000215}},
                      {"timestamp", "2026-01-02 03:04:05Z"},
                      {"trace_id", "0f8fad5b-d9cb-469f-a165-70867728950e"},
                      {"correlation_id", "7d2d7b1e-5f5f-4e3b-9d55-3a0c0a5f2b11"},
                      {"error_uri", "https://login.microsoftonline.com/error?code=7000215"},
                  }));
}

TEST(AadErrorsTest, SuberrorIsAddedWhenSet) {
  Json body =
      aad_error_body(aadsts::mfa_required("797f4846-ba00-4fd7-ba43-dac1f8f63013"), fixed_context());
  EXPECT_EQ(body["suberror"], "basic_action");
  EXPECT_EQ(body["error"], "interaction_required");
  EXPECT_FALSE(aad_error_body(aadsts::user_disabled(), fixed_context()).contains("suberror"));
}

TEST(AadErrorsTest, ResponseCarriesStatusAndEntraHeaders) {
  http::Response r = aad_error_response(aadsts::invalid_client_secret("a"), fixed_context());
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.headers.get_or("Content-Type", ""), "application/json; charset=utf-8");
  EXPECT_EQ(r.headers.get_or("x-ms-request-id", ""), "0f8fad5b-d9cb-469f-a165-70867728950e");
  EXPECT_EQ(r.headers.get_or("client-request-id", ""), "7d2d7b1e-5f5f-4e3b-9d55-3a0c0a5f2b11");
  EXPECT_EQ(r.headers.get_or("x-ms-clitelem", ""), "1,7000215,0,,");
  EXPECT_FALSE(r.headers.get_or("x-ms-ests-server", "").empty());
  EXPECT_EQ(r.headers.get_or("Cache-Control", ""), "no-store, no-cache");
  EXPECT_EQ(Json::parse(r.body)["error_codes"], Json::array({7000215}));
}

TEST(AadErrorsTest, ContextTakesTheClientRequestIdFromTheRequest) {
  VirtualClock clock(VirtualClock::Mode::kManual, parse_iso8601("2026-01-01T00:00:00Z").value());
  IdSource ids(7);
  http::Request req;
  req.request_id = "req-1";
  ErrorContext generated = make_error_context(req, clock, ids);
  EXPECT_EQ(generated.trace_id, "req-1");
  EXPECT_EQ(generated.correlation_id.size(), 36u);  // a fresh GUID
  EXPECT_EQ(generated.now, clock.now());
  req.query = {{"client-request-id", "from-query"}};
  EXPECT_EQ(make_error_context(req, clock, ids).correlation_id, "from-query");
  req.headers.set("client-request-id", "from-header");
  EXPECT_EQ(make_error_context(req, clock, ids).correlation_id, "from-header");
  EXPECT_EQ(make_error_context(req, clock, ids, "from-form").correlation_id, "from-form");
  req.request_id.clear();
  EXPECT_EQ(make_error_context(req, clock, ids).trace_id.size(), 36u);
}

TEST(AadErrorsTest, ErrorPageEscapesAndShowsTheIdentifiers) {
  http::Response r = aad_error_page(aadsts::redirect_uri_mismatch("https://x/?a=<b>&c='d'", "app"),
                                    fixed_context());
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.headers.get_or("Content-Type", ""), StartsWith("text/html"));
  EXPECT_THAT(r.body, HasSubstr("AADSTS50011: The redirect URI &#39;https://x/?a=&lt;b&gt;&amp;"
                                "c=&#39;d&#39;&#39; specified in the request"));
  EXPECT_THAT(r.body, HasSubstr("0f8fad5b-d9cb-469f-a165-70867728950e"));
  EXPECT_THAT(r.body, HasSubstr("7d2d7b1e-5f5f-4e3b-9d55-3a0c0a5f2b11"));
  EXPECT_EQ(r.body.find("<b>"), std::string::npos);
}

TEST(AadErrorsTest, RedirectParamsRepeatTheBody) {
  auto params = aad_error_params(aadsts::login_required(), fixed_context());
  ASSERT_EQ(params.size(), 3u);
  EXPECT_EQ(params[0], std::make_pair(std::string("error"), std::string("login_required")));
  EXPECT_THAT(params[1].second, StartsWith("AADSTS50058: A silent sign-in request"));
  EXPECT_THAT(params[1].second, HasSubstr("\r\nCorrelation ID: 7d2d7b1e"));
  EXPECT_EQ(params[2].second, "https://login.microsoftonline.com/error?code=50058");
}

TEST(AadErrorsTest, HtmlEscape) {
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

struct Expected {
  AadError error;
  int code;
  int status;
  const char* oauth;
  const char* text_start;
};

TEST(AadErrorsTest, FactoriesFollowTheReferenceTable) {
  const TimePoint t = parse_iso8601("2026-01-01T00:00:00Z").value();
  const Expected table[] = {
      {aadsts::invalid_client_secret("a"), 7000215, 401, "invalid_client", "Invalid client secret"},
      {aadsts::expired_client_secret("a"), 7000222, 401, "invalid_client",
       "The provided client secret keys for app 'a' are expired."},
      {aadsts::client_credentials_missing(), 7000216, 401, "invalid_client", "'client_assertion'"},
      {aadsts::client_auth_missing(), 7000218, 401, "invalid_client", "The request body must"},
      {aadsts::public_client_credentials("a"), 700025, 401, "invalid_client", "Client is public"},
      {aadsts::application_not_found("a", "T"), 700016, 400, "unauthorized_client",
       "Application with identifier 'a' was not found in the directory 'T'."},
      {aadsts::service_principal_missing("a", "T"), 7000229, 400, "invalid_client",
       "The client application a is missing service principal"},
      {aadsts::tenant_not_found("t"), 90002, 400, "invalid_request", "Tenant 't' not found."},
      {aadsts::invalid_username_or_password(), 50126, 400, "invalid_grant",
       "Error validating credentials due to invalid username or password."},
      {aadsts::user_not_found("u@x", "x"), 50034, 400, "invalid_grant",
       "The user account u@x does not exist in the x directory."},
      {aadsts::user_disabled(), 50057, 400, "invalid_grant", "The user account is disabled."},
      {aadsts::mfa_required("r"), 50076, 400, "interaction_required", "Due to a configuration"},
      {aadsts::login_required(), 50058, 400, "login_required", "A silent sign-in"},
      {aadsts::missing_parameter("scope"), 900144, 400, "invalid_request",
       "The request body must contain the following parameter: 'scope'."},
      {aadsts::invalid_scope("s"), 70011, 400, "invalid_scope",
       "The provided value for the input parameter 'scope' is not valid. The scope s is not "
       "valid."},
      {aadsts::default_scope_required("s"), 1002012, 400, "invalid_scope",
       "The provided value for scope s"},
      {aadsts::multiple_resources("s"), 28000, 400, "invalid_scope",
       "Provided value for the input"},
      {aadsts::resource_not_found("r", "T"), 500011, 400, "invalid_resource",
       "The resource principal named r was not found in the tenant named T."},
      {aadsts::consent_required("a", "n"), 65001, 400, "invalid_grant",
       "The user or administrator has not consented to use the application with ID 'a' named 'n'."},
      {aadsts::malformed_jwt(), 50027, 400, "invalid_request",
       "JWT token is invalid or malformed."},
      {aadsts::assertion_invalid_signature("R.", "AB", "a"), 700027, 401, "invalid_client",
       "Client assertion contains an invalid signature. [Reason - R., Thumbprint of key used by "
       "client: 'AB'"},
      {aadsts::assertion_subject_mismatch(), 700021, 401, "invalid_client",
       "Client assertion application"},
      {aadsts::assertion_audience_mismatch(), 700023, 401, "invalid_client",
       "Client assertion audience"},
      {aadsts::assertion_time_range(t, t, t), 700024, 401, "invalid_client",
       "Client assertion is not within its valid time range. Current time: "
       "2026-01-01T00:00:00.0000000Z, assertion valid from 2026-01-01T00:00:00.0000000Z"},
      {aadsts::code_redeemed(), 54005, 400, "invalid_grant",
       "OAuth2 Authorization code was already"},
      {aadsts::code_expired(), 70008, 400, "invalid_grant", "The provided authorization code or"},
      {aadsts::refresh_token_expired(), 700082, 400, "invalid_grant",
       "The refresh token has expired"},
      {aadsts::malformed_grant(), 9002313, 400, "invalid_grant", "Invalid request."},
      {aadsts::grant_invalid("d"), 70000, 400, "invalid_grant", "The provided value"},
      {aadsts::pkce_mismatch(), 501481, 400, "invalid_grant", "The Code_Verifier does not match"},
      {aadsts::reply_address_mismatch("a", "b"), 500112, 400, "invalid_grant",
       "The reply address 'a' does not match the reply address 'b'"},
      {aadsts::redirect_uri_mismatch("u", "a"), 50011, 400, "invalid_request",
       "The redirect URI 'u' specified in the request does not match the redirect URIs configured "
       "for the application 'a'."},
      {aadsts::authorization_pending(), 70016, 400, "authorization_pending",
       "OAuth 2.0 device flow"},
      {aadsts::device_code_expired(), 70020, 400, "expired_token",
       "The provided value for the input"},
      {aadsts::authorization_declined(), 65004, 400, "authorization_declined", "User declined"},
      {aadsts::bad_verification_code(), 70018, 400, "bad_verification_code",
       "Invalid verification"},
      {aadsts::user_code_expired(), 70019, 400, "expired_token", "Verification code expired."},
      {aadsts::device_flow_completed(), 90120, 400, "invalid_request", "The request was already"},
      {aadsts::unsupported_grant_type("g"), 70003, 400, "unsupported_grant_type",
       "The app requested"},
      {aadsts::unsupported_response_type("t"), 70005, 400, "unsupported_response_type",
       "response_type 't'"},
      {aadsts::unknown_instance(), 50049, 400, "invalid_instance", "Unknown or invalid instance."},
      {aadsts::server_error("x"), 50000, 500, "server_error", "There was an error issuing"},
  };
  for (const auto& e : table) {
    SCOPED_TRACE(e.code);
    EXPECT_EQ(e.error.code, e.code);
    EXPECT_EQ(e.error.http_status, e.status);
    EXPECT_EQ(e.error.error, e.oauth);
    EXPECT_THAT(e.error.message, StartsWith(e.text_start));
    EXPECT_EQ(e.error.headline(), "AADSTS" + std::to_string(e.code) + ": " + e.error.message);
  }
  EXPECT_EQ(aadsts::tenant_not_found("t", "invalid_tenant").error, "invalid_tenant");
  EXPECT_EQ(aadsts::consent_required("a", "n").suberror, "consent_required");
}

}  // namespace
}  // namespace emu::aad

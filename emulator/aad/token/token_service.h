// The Entra ID token service served on the "aad" listener (login.microsoftonline.com):
// OIDC discovery (v1, v2, /adfs), JWKS, instance discovery, user realm, the v1 and v2 token
// endpoints (client_credentials with secret or certificate assertion, password, authorization
// code + PKCE, refresh_token, device code), the authorize endpoint (HTML sign-in form and its
// scripted POST), and the devicecode endpoint. Errors are AADSTS bodies (errors.h).
#pragma once

#include "emulator/aad/directory/directory.h"
#include "emulator/aad/errors.h"
#include "emulator/aad/keys/signing_keys.h"
#include "emulator/core/clock.h"
#include "emulator/core/http/router.h"
#include "emulator/core/ids.h"

#include <string>
#include <utility>
#include <vector>

namespace emu::aad {

// Lifetimes on the virtual clock. Defaults follow Entra ID's documented defaults where known
// (access token 60-90 min; refresh token 90 days; authorization code 10 min; device code
// 15 min); exact values are configurable because the real ones vary (inferred).
struct TokenLifetimes {
  Duration access_token = std::chrono::seconds(3599);
  Duration id_token = std::chrono::seconds(3600);
  Duration refresh_token = std::chrono::hours(24 * 90);
  Duration auth_code = std::chrono::minutes(10);
  Duration device_code = std::chrono::minutes(15);
};

// Every reference must outlive the router.
struct TokenServiceDeps {
  Directory& directory;
  SigningKeySet& keys;
  const Clock& clock;
  IdSource& ids;
  TokenLifetimes lifetimes;
};

http::Router make_token_router(TokenServiceDeps deps);

// Bounds on the parameters of an OAuth request. Entra ID does not publish its own; these are
// inferred generous bounds (a client assertion or refresh token is a few KB).
struct OAuthParamLimits {
  size_t max_body_bytes = 1024 * 1024;  // urlencoded POST body
  size_t max_query_bytes = 16 * 1024;   // query string (GET)
  size_t max_fields = 100;
  size_t max_name_bytes = 256;         // decoded
  size_t max_value_bytes = 64 * 1024;  // decoded
};
inline constexpr OAuthParamLimits kOAuthParamLimits{};

using OAuthParams = std::vector<std::pair<std::string, std::string>>;

// The parameters of an OAuth request: the urlencoded body of a POST, else the query, in order.
// Refused (every OAuth endpoint answers these before anything else):
//   AADSTS90015 query string longer than max_query_bytes,
//   AADSTS90004 body, field count, a name or a value over its bound (inferred code),
//   AADSTS9000411 a parameter named twice (RFC 6749 §3.1: "Request and response parameters
//                 MUST NOT be included more than once"), names compared exactly.
Result<OAuthParams, AadError> read_oauth_params(const http::Request& req,
                                                const OAuthParamLimits& limits = kOAuthParamLimits);

}  // namespace emu::aad

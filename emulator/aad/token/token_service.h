// The Entra ID token service served on the "aad" listener (login.microsoftonline.com):
// OIDC discovery (v1, v2, /adfs), JWKS, instance discovery, user realm, the v1 and v2 token
// endpoints (client_credentials with secret or certificate assertion, password, authorization
// code + PKCE, refresh_token, device code), the authorize endpoint (HTML sign-in form and its
// scripted POST), and the devicecode endpoint. Errors are AADSTS bodies (errors.h).
#pragma once

#include "emulator/aad/directory/directory.h"
#include "emulator/aad/keys/signing_keys.h"
#include "emulator/core/clock.h"
#include "emulator/core/http/router.h"
#include "emulator/core/ids.h"

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

}  // namespace emu::aad

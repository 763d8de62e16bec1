// Token validation: the interface every relying party (ARM, Graph, CMG, MP) uses to check an
// Entra ID bearer token issued by the emulator. Real checks: RS256 signature against the
// emulator's published keys, `kid`, issuer, audience, nbf/exp with skew, tenant.
#pragma once

#include "emulator/core/clock.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace emu::aad {

// Why a token was refused. Each party maps these to its own wire error (ARM:
// InvalidAuthenticationToken / ExpiredAuthenticationToken / InvalidAuthenticationTokenAudience,
// Graph: InvalidAuthenticationToken, CMG: CMGService_Invalid_Token, ...).
enum class TokenError {
  kNone = 0,
  kMissing,       // no bearer token at all
  kMalformed,     // not three base64url parts of JSON
  kBadAlgorithm,  // alg is not RS256 (none, HS256, ... are always refused)
  kUnknownKey,    // kid (or x5t) names no key the emulator publishes
  kBadSignature,  // signature does not verify with the named key
  kBadIssuer,     // iss is not an issuer of the token's tenant
  kBadAudience,   // aud is not one of the caller's audiences
  kExpired,       // now > exp + skew
  kNotYetValid,   // now < nbf - skew
  kWrongTenant,   // tid differs from the tenant the caller requires
};

std::string_view token_error_name(TokenError e);

// Who the token speaks for.
struct Principal {
  std::string tenant_id;            // tid
  std::string object_id;            // oid
  std::string app_id;               // appid (v1) or azp (v2): the client application
  std::string idtyp;                // "app" or "user"
  std::string upn;                  // users only ("" for apps)
  std::string audience;             // aud as issued
  std::string issuer;               // iss as issued
  std::string version;              // "1.0" or "2.0"
  std::vector<std::string> scopes;  // scp split on spaces (delegated tokens)
  std::vector<std::string> roles;   // app roles (application permissions)
  nlohmann::json claims;            // the whole payload
};

struct ValidationPolicy {
  // Accepted `aud` values, compared exactly (callers list variants with and without a
  // trailing slash, and app IDs, as the real services do). Empty = any audience.
  std::vector<std::string> audiences;
  std::string tenant_id;  // "" = any tenant the emulator knows
  Duration skew = std::chrono::minutes(5);
};

struct TokenCheck {
  TokenError error = TokenError::kNone;
  std::string message;  // human-readable reason, for the party's error message
  Principal principal;  // valid only when ok()
  // kBadAudience: the token's aud values (one for a string aud; none when absent).
  std::vector<std::string> token_audiences;
  // kExpired: the token's exp.
  TimePoint expires_at{};
  bool ok() const { return error == TokenError::kNone; }
};

// Thread-safe; implementations read the current signing keys and the clock on every call.
class TokenValidator {
 public:
  virtual ~TokenValidator() = default;
  // Checks a compact JWS (without the "Bearer " prefix).
  virtual TokenCheck validate(std::string_view token, const ValidationPolicy& policy) const = 0;
  // Extracts the token from an Authorization header value ("Bearer <jwt>", scheme
  // case-insensitive) and validates it; kMissing if the header is empty or not Bearer.
  TokenCheck validate_header(std::string_view authorization, const ValidationPolicy& policy) const;
};

}  // namespace emu::aad

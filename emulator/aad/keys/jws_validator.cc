// The emulator's JWS token validator (jws_validator.h).
#include "emulator/aad/keys/jws_validator.h"

#include "emulator/core/text.h"

#include <optional>

namespace emu::aad {
namespace {

using Json = nlohmann::json;

// 9999-12-31T23:59:59Z: the last second format_iso8601 and TimePoint can both represent.
constexpr int64_t kMaxNumericDate = 253402300799;

TokenCheck failure(TokenError error, std::string message) {
  TokenCheck check;
  check.error = error;
  check.message = std::move(message);
  return check;
}

// The claim as a string, or "" when absent or not a string.
std::string string_claim(const Json& j, const char* name) {
  auto it = j.find(name);
  return (it != j.end() && it->is_string()) ? it->get<std::string>() : std::string();
}

// A NumericDate claim (RFC 7519 §2): absent, unusable (not a number, or outside years
// 1970..9999), or a time.
struct NumericDate {
  bool present = false;
  std::optional<TimePoint> time;
};

NumericDate numeric_date(const Json& payload, const char* name) {
  NumericDate d;
  auto it = payload.find(name);
  if (it == payload.end()) return d;
  d.present = true;
  int64_t seconds = -1;
  if (it->is_number_unsigned()) {
    uint64_t u = it->get<uint64_t>();
    if (u <= static_cast<uint64_t>(kMaxNumericDate)) seconds = static_cast<int64_t>(u);
  } else if (it->is_number_integer()) {
    seconds = it->get<int64_t>();
  } else if (it->is_number_float()) {
    double f = it->get<double>();
    if (f >= 0 && f <= static_cast<double>(kMaxNumericDate)) seconds = static_cast<int64_t>(f);
  }
  if (seconds >= 0 && seconds <= kMaxNumericDate) {
    d.time = TimePoint(std::chrono::seconds(seconds));
  }
  return d;
}

// Claims the emulator reads as strings (RFC 7519 §4.1, Entra ID access-token reference).
constexpr const char* kStringClaims[] = {"iss",   "sub", "tid",         "oid",
                                         "appid", "azp", "ver",         "idtyp",
                                         "upn",   "scp", "unique_name", "preferred_username"};
constexpr const char* kStringHeaderFields[] = {"kid", "x5t", "typ"};

// A signed token whose claims have the wrong JSON types is refused, never half-read.
std::optional<TokenCheck> check_claim_types(const Json& header, const Json& payload) {
  for (const char* name : kStringHeaderFields) {
    auto it = header.find(name);
    if (it != header.end() && !it->is_string()) {
      return failure(TokenError::kMalformed,
                     std::string("The token header's '") + name + "' is not a string.");
    }
  }
  for (const char* name : kStringClaims) {
    auto it = payload.find(name);
    if (it != payload.end() && !it->is_string()) {
      return failure(TokenError::kMalformed,
                     std::string("The token's '") + name + "' claim is not a string.");
    }
  }
  auto all_strings = [](const Json& a) {
    for (const Json& v : a)
      if (!v.is_string()) return false;
    return true;
  };
  // RFC 7519 §4.1.3: a string or an array of strings.
  if (auto it = payload.find("aud");
      it != payload.end() && !it->is_string() && !(it->is_array() && all_strings(*it))) {
    return failure(TokenError::kMalformed,
                   "The token's 'aud' claim is neither a string nor an array of strings.");
  }
  if (auto it = payload.find("roles");
      it != payload.end() && !(it->is_array() && all_strings(*it))) {
    return failure(TokenError::kMalformed, "The token's 'roles' claim is not an array of strings.");
  }
  return std::nullopt;
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "'" : ", '") + s + "'";
  return out;
}

std::optional<TokenCheck> check_algorithm(const Json& header) {
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string()) {
    return failure(TokenError::kBadAlgorithm,
                   "The token header has no 'alg'; only RS256-signed tokens are accepted.");
  }
  if (alg->get_ref<const std::string&>() != "RS256") {
    return failure(TokenError::kBadAlgorithm,
                   "The token's signing algorithm '" + alg->get<std::string>() +
                       "' is not allowed; only RS256-signed tokens are accepted.");
  }
  return std::nullopt;
}

std::optional<TokenCheck> check_signature(const ParsedJwt& jwt, const SigningKeySet& keys) {
  std::string kid = string_claim(jwt.header, "kid");
  if (kid.empty()) kid = string_claim(jwt.header, "x5t");
  if (kid.empty()) {
    return failure(TokenError::kUnknownKey,
                   "The token header names no signing key (neither 'kid' nor 'x5t').");
  }
  Status s = keys.verify(kid, jwt.signing_input, jwt.signature);
  if (s.ok()) return std::nullopt;
  if (s.code() == StatusCode::kNotFound) {
    return failure(TokenError::kUnknownKey,
                   "The token is signed with key '" + kid +
                       "', which is not one of the issuer's published signing keys.");
  }
  if (s.code() == StatusCode::kPermissionDenied) {
    return failure(TokenError::kBadSignature,
                   "The token's signature does not verify with signing key '" + kid + "'.");
  }
  return failure(TokenError::kBadSignature,
                 "The token's signature could not be checked: " + s.to_string());
}

std::optional<TokenCheck> check_issuer(const Json& payload) {
  const std::string tid = string_claim(payload, "tid");
  const std::string iss = string_claim(payload, "iss");
  if (tid.empty()) {
    return failure(TokenError::kBadIssuer,
                   "The token has no 'tid' claim, so its issuer '" + iss + "' cannot be trusted.");
  }
  if (iss != v1_issuer(tid) && iss != v2_issuer(tid)) {
    return failure(TokenError::kBadIssuer,
                   "The token's issuer '" + iss + "' is not valid for tenant '" + tid +
                       "'; expected '" + v1_issuer(tid) + "' or '" + v2_issuer(tid) + "'.");
  }
  return std::nullopt;
}

std::optional<TokenCheck> check_tenant(const Json& payload, const ValidationPolicy& policy) {
  if (policy.tenant_id.empty()) return std::nullopt;
  const std::string tid = string_claim(payload, "tid");
  if (iequals(tid, policy.tenant_id)) return std::nullopt;
  return failure(TokenError::kWrongTenant, "The token was issued for tenant '" + tid +
                                               "', but tenant '" + policy.tenant_id +
                                               "' is required.");
}

// On success sets `audience` to the matching (or, with no policy, the first) aud value.
std::optional<TokenCheck> check_audience(const Json& payload, const ValidationPolicy& policy,
                                         std::string& audience) {
  std::vector<std::string> auds;
  if (auto it = payload.find("aud"); it != payload.end()) {
    if (it->is_string()) auds.push_back(it->get<std::string>());
    if (it->is_array()) {
      for (const Json& a : *it) {
        if (a.is_string()) auds.push_back(a.get<std::string>());
      }
    }
  }
  if (policy.audiences.empty()) {
    if (!auds.empty()) audience = auds.front();
    return std::nullopt;
  }
  for (const std::string& a : auds) {
    for (const std::string& accepted : policy.audiences) {
      if (a == accepted) {
        audience = a;
        return std::nullopt;
      }
    }
  }
  const std::string got = auds.empty() ? "The token has no 'aud' claim"
                                       : "The token's audience " + quoted_list(auds) + " is not";
  TokenCheck refused = failure(TokenError::kBadAudience,
                               got + (auds.empty() ? "; accepted audiences are " : " one of ") +
                                   quoted_list(policy.audiences) + ".");
  refused.token_audiences = std::move(auds);
  return refused;
}

std::optional<TokenCheck> check_lifetime(const Json& payload, TimePoint now, Duration skew) {
  const NumericDate exp = numeric_date(payload, "exp");
  const NumericDate nbf = numeric_date(payload, "nbf");
  const NumericDate iat = numeric_date(payload, "iat");
  if (!exp.present) return failure(TokenError::kMalformed, "The token has no 'exp' claim.");
  if (!exp.time) {
    return failure(TokenError::kMalformed, "The token's 'exp' claim is not a valid NumericDate.");
  }
  if (nbf.present && !nbf.time) {
    return failure(TokenError::kMalformed, "The token's 'nbf' claim is not a valid NumericDate.");
  }
  if (iat.present && !iat.time) {
    return failure(TokenError::kMalformed, "The token's 'iat' claim is not a valid NumericDate.");
  }
  const std::string skew_text =
      " (allowed clock skew: " +
      std::to_string(std::chrono::duration_cast<std::chrono::seconds>(skew).count()) + " s).";
  if (now > *exp.time + skew) {
    TokenCheck expired = failure(
        TokenError::kExpired, "The token expired at '" + format_iso8601(*exp.time) +
                                  "', current time is '" + format_iso8601(now) + "'" + skew_text);
    expired.expires_at = *exp.time;
    return expired;
  }
  if (nbf.time && now < *nbf.time - skew) {
    return failure(TokenError::kNotYetValid,
                   "The token is not valid before '" + format_iso8601(*nbf.time) +
                       "', current time is '" + format_iso8601(now) + "'" + skew_text);
  }
  return std::nullopt;
}

Principal make_principal(Json payload, std::string audience) {
  Principal p;
  p.tenant_id = string_claim(payload, "tid");
  p.object_id = string_claim(payload, "oid");
  p.app_id = string_claim(payload, "appid");
  if (p.app_id.empty()) p.app_id = string_claim(payload, "azp");
  p.issuer = string_claim(payload, "iss");
  p.version = string_claim(payload, "ver");
  if (p.version.empty()) p.version = p.issuer == v2_issuer(p.tenant_id) ? "2.0" : "1.0";
  for (const char* name : {"upn", "preferred_username", "unique_name"}) {
    if (p.upn.empty()) p.upn = string_claim(payload, name);
  }
  const std::string scp = string_claim(payload, "scp");
  for (size_t pos = 0; pos < scp.size();) {
    size_t end = scp.find(' ', pos);
    if (end == std::string::npos) end = scp.size();
    if (end > pos) p.scopes.push_back(scp.substr(pos, end - pos));
    pos = end + 1;
  }
  if (auto it = payload.find("roles"); it != payload.end() && it->is_array()) {
    for (const Json& r : *it) {
      if (r.is_string()) p.roles.push_back(r.get<std::string>());
    }
  }
  p.idtyp = string_claim(payload, "idtyp");
  if (p.idtyp.empty()) p.idtyp = payload.contains("scp") ? "user" : "app";
  p.audience = std::move(audience);
  p.claims = std::move(payload);
  return p;
}

class JwsTokenValidator final : public TokenValidator {
 public:
  JwsTokenValidator(const SigningKeySet& keys, const Clock& clock) : keys_(keys), clock_(clock) {}

  TokenCheck validate(std::string_view token, const ValidationPolicy& policy) const override {
    if (token.size() > kMaxTokenBytes) {
      return failure(TokenError::kMalformed,
                     "The token is longer than " + std::to_string(kMaxTokenBytes) + " bytes.");
    }
    auto jwt = parse_jwt(token);
    if (!jwt.ok()) {
      return failure(TokenError::kMalformed,
                     "The token is not a valid JWT: " + jwt.status().message() + ".");
    }
    std::string audience;
    std::optional<TokenCheck> failed = check_algorithm(jwt->header);
    if (!failed) failed = check_signature(*jwt, keys_);
    if (!failed) failed = check_claim_types(jwt->header, jwt->payload);
    if (!failed) failed = check_issuer(jwt->payload);
    if (!failed) failed = check_tenant(jwt->payload, policy);
    if (!failed) failed = check_audience(jwt->payload, policy, audience);
    if (!failed) failed = check_lifetime(jwt->payload, clock_.now(), policy.skew);
    if (failed) return std::move(*failed);
    TokenCheck ok;
    ok.principal = make_principal(std::move(jwt->payload), std::move(audience));
    return ok;
  }

 private:
  const SigningKeySet& keys_;
  const Clock& clock_;
};

}  // namespace

std::unique_ptr<TokenValidator> make_token_validator(const SigningKeySet& keys,
                                                     const Clock& clock) {
  return std::make_unique<JwsTokenValidator>(keys, clock);
}

}  // namespace emu::aad

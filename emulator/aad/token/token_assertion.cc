// Certificate credentials: verification of a client's jwt-bearer client_assertion against the
// application's key credentials (RFC 7523; Microsoft "certificate credentials" format), and
// the PKCE S256 transform.
#include "emulator/aad/keys/signing_keys.h"
#include "emulator/aad/token/token_internal.h"
#include "emulator/core/crypto/digest.h"
#include "emulator/core/crypto/jws.h"
#include "emulator/core/crypto/pem.h"

#include <openssl/x509.h>

namespace emu::aad::internal {
namespace {

// Clock skew tolerated on an assertion's exp/nbf (inferred: Entra's exact value is not
// published; 5 minutes is the customary default of Microsoft's validators).
constexpr auto kAssertionSkew = std::chrono::minutes(5);

std::string header_string(const nlohmann::json& header, const char* name) {
  auto it = header.find(name);
  return it != header.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// True iff `signature` is an RS256 (or PS256) signature of `input` by the certificate's key.
bool verify_with_cert(std::string_view cert_der, bool pss, std::string_view input,
                      std::string_view signature) {
  auto cert = crypto::parse_cert_der(cert_der);
  if (!cert.ok()) return false;
  EVP_PKEY* key = X509_get0_pubkey(cert->get());
  return pss ? crypto::ps256_verify(key, input, signature)
             : crypto::rs256_verify(key, input, signature);
}

// The token endpoint URLs (and issuer forms) an assertion's aud may name for this call.
bool audience_accepted(const nlohmann::json& aud, const Call& call, const Tenant& tenant) {
  std::vector<std::string> accepted;
  for (const std::string& origin : {call.origin, std::string("https://login.microsoftonline.com")})
    for (const std::string& key : {call.authority.segment, tenant.id, tenant.domain})
      for (const char* suffix : {"/oauth2/v2.0/token", "/oauth2/token", "/v2.0", ""})
        accepted.push_back(origin + "/" + key + suffix);
  auto matches = [&](const nlohmann::json& v) {
    if (!v.is_string()) return false;
    for (const auto& a : accepted)
      if (http::iequals(a, v.get<std::string>())) return true;
    return false;
  };
  if (aud.is_array()) {
    for (const auto& v : aud)
      if (matches(v)) return true;
    return false;
  }
  return matches(aud);
}

std::optional<TimePoint> numeric_time(const nlohmann::json& payload, const char* name) {
  // 0 .. 9999-12-31T23:59:59Z; anything else (negative, huge, a float beyond int64) is unusable
  // rather than converted with overflow.
  constexpr double kMaxSeconds = 253402300799.0;
  auto it = payload.find(name);
  if (it == payload.end() || !it->is_number()) return std::nullopt;
  const double seconds = it->get<double>();
  if (!(seconds >= 0 && seconds <= kMaxSeconds)) return std::nullopt;
  return TimePoint(std::chrono::seconds(static_cast<int64_t>(seconds)));
}

}  // namespace

std::string pkce_s256(std::string_view verifier) {
  return base64url_encode(crypto::sha256(verifier).value_or(""));
}

std::optional<AadError> verify_client_assertion(const Call& call, const Tenant& tenant,
                                                const Application& app, std::string_view assertion,
                                                TimePoint now) {
  auto jwt = parse_jwt(assertion);
  if (!jwt.ok()) return aadsts::malformed_jwt();
  const std::string alg = header_string(jwt->header, "alg");
  if (alg != "RS256" && alg != "PS256") return aadsts::malformed_jwt();
  // The key: x5t (SHA-1, base64url), x5t#S256 (SHA-256, base64url), else kid.
  const std::string x5t = header_string(jwt->header, "x5t");
  const std::string x5t256 = header_string(jwt->header, "x5t#S256");
  const std::string kid = header_string(jwt->header, "kid");
  std::string thumbprint = kid;
  if (auto raw = base64url_decode(!x5t.empty() ? x5t : x5t256); raw.ok() && !raw->empty())
    thumbprint = crypto::upper_hex(*raw);
  const KeyCredential* key = nullptr;
  for (const auto& kc : app.key_credentials) {
    bool match =
        (!x5t.empty() && x5t == kc.thumbprint_b64) ||
        (!x5t256.empty() && x5t256 == base64url_encode(crypto::sha256(kc.cert_der).value_or("")));
    if (x5t.empty() && x5t256.empty() && !kid.empty()) {
      match = kid == kc.thumbprint_b64 ||
              http::iequals(kid, crypto::thumbprint_of_der(kc.cert_der).value_or(""));
    }
    if (match) key = &kc;
  }
  if (!key)
    return aadsts::assertion_invalid_signature("The key was not found.", thumbprint, app.app_id);
  if (now < key->start || now >= key->end)
    return aadsts::assertion_invalid_signature("The key used is expired.", thumbprint, app.app_id);
  if (!verify_with_cert(key->cert_der, alg == "PS256", jwt->signing_input, jwt->signature))
    return aadsts::assertion_invalid_signature(
        "The provided signature value did not match the expected signature value.", thumbprint,
        app.app_id);
  const nlohmann::json& claims = jwt->payload;
  for (const char* name : {"iss", "sub"}) {
    auto it = claims.find(name);
    if (it == claims.end() || !it->is_string() ||
        !http::iequals(it->get<std::string>(), app.app_id))
      return aadsts::assertion_subject_mismatch();
  }
  if (!claims.contains("aud") || !audience_accepted(claims["aud"], call, tenant))
    return aadsts::assertion_audience_mismatch();
  auto exp = numeric_time(claims, "exp");
  auto nbf = numeric_time(claims, "nbf");
  TimePoint from = nbf.value_or(TimePoint{});
  if (!exp || now > *exp + kAssertionSkew || (nbf && now < *nbf - kAssertionSkew))
    return aadsts::assertion_time_range(now, from, exp.value_or(TimePoint{}));
  return std::nullopt;
}

}  // namespace emu::aad::internal

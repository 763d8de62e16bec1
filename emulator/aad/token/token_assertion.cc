// Certificate credentials: verification of a client's jwt-bearer client_assertion against the
// application's key credentials (RFC 7523; Microsoft "certificate credentials" format), and
// the PKCE S256 transform.
#include "emulator/aad/keys/signing_keys.h"
#include "emulator/aad/token/token_internal.h"

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>

namespace emu::aad::internal {
namespace {

// Clock skew tolerated on an assertion's exp/nbf (inferred: Entra's exact value is not
// published; 5 minutes is the customary default of Microsoft's validators).
constexpr auto kAssertionSkew = std::chrono::minutes(5);

std::string digest(std::string_view data, const EVP_MD* md) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) return {};
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string upper_hex(std::string_view bytes) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string header_string(const nlohmann::json& header, const char* name) {
  auto it = header.find(name);
  return it != header.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// True iff `signature` is an RS256 (or PS256) signature of `input` by the certificate's key.
bool verify_with_cert(std::string_view cert_der, bool pss, std::string_view input,
                      std::string_view signature) {
  const auto* p = reinterpret_cast<const unsigned char*>(cert_der.data());
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      d2i_X509(nullptr, &p, static_cast<long>(cert_der.size())), X509_free);
  if (!cert) return false;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(X509_get_pubkey(cert.get()),
                                                          EVP_PKEY_free);
  if (!key || EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key.get()) != 1)
    return false;
  if (pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
              EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1))
    return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                          input.size()) == 1;
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
  auto it = payload.find(name);
  if (it == payload.end() || !it->is_number()) return std::nullopt;
  return TimePoint(std::chrono::seconds(it->get<int64_t>()));
}

}  // namespace

std::string pkce_s256(std::string_view verifier) {
  return base64url_encode(digest(verifier, EVP_sha256()));
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
    thumbprint = upper_hex(*raw);
  const KeyCredential* key = nullptr;
  for (const auto& kc : app.key_credentials) {
    bool match = (!x5t.empty() && x5t == kc.thumbprint_b64) ||
                 (!x5t256.empty() && x5t256 == base64url_encode(digest(kc.cert_der, EVP_sha256())));
    if (x5t.empty() && x5t256.empty() && !kid.empty()) {
      match = kid == kc.thumbprint_b64 ||
              http::iequals(kid, upper_hex(digest(kc.cert_der, EVP_sha1())));
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

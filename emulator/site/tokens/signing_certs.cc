#include "emulator/site/tokens/signing_certs.h"

#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/jws.h"
#include "emulator/core/crypto/openssl.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/files.h"
#include "emulator/core/text.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <optional>

namespace emu::site {
namespace {

using crypto::EvpPkeyPtr;
using crypto::X509Ptr;

constexpr auto kBackdate = std::chrono::hours(24);
constexpr auto kLifetime = std::chrono::hours(24 * (5 * 365 + 1));  // 5 years [inferred]
constexpr int kKeyBits = 2048;
constexpr unsigned kKeyFileMode = 0600;
constexpr unsigned kCertFileMode = 0644;

std::string common_name_for(const std::string& kind) {
  return kind == "token-signing" ? "SMS Issuing" : "Site Server Signing Certificate";
}

Status check_names(const std::string& site_code, const std::string& kind) {
  bool code_ok = site_code.size() == 3;
  for (char c : site_code) code_ok = code_ok && std::isalnum(static_cast<unsigned char>(c)) != 0;
  if (!code_ok)
    return InvalidArgument("not a site code (3 letters or digits): '" + site_code + "'");
  if (kind != "token-signing" && kind != "site-signing") {
    return InvalidArgument("unknown site certificate kind '" + kind +
                           "' (expected token-signing or site-signing)");
  }
  return Status::Ok();
}

// A self-signed v3 signing certificate: CA:FALSE, keyUsage digitalSignature, SKI, SHA-256.
Result<X509Ptr> make_cert(EVP_PKEY* key, const std::string& cn, TimePoint now) {
  crypto::CertificateSpec spec;
  spec.common_name = cn;
  spec.not_before = std::chrono::floor<std::chrono::seconds>(now) - kBackdate;
  spec.not_after = spec.not_before + kLifetime;
  spec.extensions = {{NID_basic_constraints, "critical,CA:FALSE", {}},
                     {NID_key_usage, "critical,digitalSignature", {}},
                     {NID_subject_key_identifier, "hash", {}}};
  return crypto::build_cert(spec, key, nullptr);
}

struct KeyPair {
  EvpPkeyPtr key;
  X509Ptr cert;
};

// The pair in "<base>.crt/.key" if both parse, belong together, carry `cn` and are valid now.
std::optional<KeyPair> load_usable(const std::string& base, const std::string& cn, TimePoint now) {
  auto cert_pem = read_file(base + ".crt");
  auto key_pem = read_file(base + ".key");
  if (!cert_pem.ok() || !key_pem.ok()) return std::nullopt;
  auto cert = crypto::parse_cert_pem(*cert_pem);
  auto key = crypto::parse_key_pem(*key_pem);
  bool usable = cert.ok() && key.ok() && EVP_PKEY_is_a(key->get(), "RSA") &&
                EVP_PKEY_get_bits(key->get()) >= kKeyBits &&
                EVP_PKEY_eq(X509_get0_pubkey(cert->get()), key->get()) == 1 &&
                crypto::common_name(cert->get()) == cn && crypto::valid_at(cert->get(), now);
  ERR_clear_error();
  if (!usable) return std::nullopt;
  return KeyPair{std::move(*key), std::move(*cert)};
}

Result<KeyPair> create_pair(const std::string& base, const std::string& cn, TimePoint now) {
  ERR_clear_error();
  EMU_ASSIGN_OR_RETURN(EvpPkeyPtr key, crypto::generate_rsa_key(kKeyBits));
  EMU_ASSIGN_OR_RETURN(X509Ptr cert, make_cert(key.get(), cn, now));
  if (!base.empty()) {
    EMU_ASSIGN_OR_RETURN(std::string key_pem, crypto::key_to_pem(key.get()));
    EMU_ASSIGN_OR_RETURN(std::string cert_pem, crypto::cert_to_pem(cert.get()));
    EMU_RETURN_IF_ERROR(write_file_atomic(base + ".key", key_pem, kKeyFileMode));
    EMU_RETURN_IF_ERROR(write_file_atomic(base + ".crt", cert_pem, kCertFileMode));
  }
  return KeyPair{std::move(key), std::move(cert)};
}

Result<nlohmann::json> decode_json_part(std::string_view part, const char* what) {
  auto bytes = base64url_decode(part);
  if (!bytes.ok()) return InvalidArgument(std::string("malformed JWT ") + what);
  nlohmann::json j = nlohmann::json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return InvalidArgument(std::string("JWT ") + what + " is not a JSON object");
  return j;
}

}  // namespace

struct SiteSigningCert::Handles {
  EvpPkeyPtr key;
  X509Ptr cert;
};

SiteSigningCert::SiteSigningCert() : handles_(std::make_unique<Handles>()) {}
SiteSigningCert::~SiteSigningCert() = default;

std::string site_signing_cert_base(const std::string& dir, const std::string& site_code,
                                   const std::string& kind) {
  return dir + "/site-" + to_upper(site_code) + "-" + kind;
}

Result<std::shared_ptr<const SiteSigningCert>> SiteSigningCert::ensure(const std::string& dir,
                                                                       const std::string& site_code,
                                                                       const std::string& kind,
                                                                       TimePoint now) {
  EMU_RETURN_IF_ERROR(check_names(site_code, kind));
  const std::string cn = common_name_for(kind);
  std::string base;
  std::optional<KeyPair> pair;
  if (!dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Internal("cannot create " + dir + ": " + ec.message());
    base = site_signing_cert_base(dir, site_code, kind);
    pair = load_usable(base, cn, now);
  }
  if (!pair) {
    EMU_ASSIGN_OR_RETURN(KeyPair created, create_pair(base, cn, now));
    pair = std::move(created);
  }
  std::shared_ptr<SiteSigningCert> out(new SiteSigningCert());
  X509* cert = pair->cert.get();
  EMU_ASSIGN_OR_RETURN(out->cert_pem_, crypto::cert_to_pem(cert));
  EMU_ASSIGN_OR_RETURN(out->thumbprint_, crypto::thumbprint(cert));
  EMU_ASSIGN_OR_RETURN(out->x5t_, crypto::x5t(cert));
  out->subject_ = cn;
  EMU_ASSIGN_OR_RETURN(out->not_before_, crypto::asn1_to_time(X509_get0_notBefore(cert)));
  EMU_ASSIGN_OR_RETURN(out->not_after_, crypto::asn1_to_time(X509_get0_notAfter(cert)));
  out->handles_->key = std::move(pair->key);
  out->handles_->cert = std::move(pair->cert);
  return std::shared_ptr<const SiteSigningCert>(std::move(out));
}

Result<std::string> SiteSigningCert::sign_payload_text(std::string_view payload_json) const {
  nlohmann::ordered_json header = {{"typ", "JWT"}, {"alg", "RS256"}, {"x5t", x5t_}};
  std::string input = base64url_encode(header.dump()) + "." + base64url_encode(payload_json);
  EMU_ASSIGN_OR_RETURN(std::string sig, crypto::rs256_sign(handles_->key.get(), input));
  return input + "." + base64url_encode(sig);
}

namespace {

// The compact text of a JWT payload; InvalidArgument for invalid UTF-8 in a string.
template <class Json>
Result<std::string> payload_text(const Json& payload) {
  try {
    return payload.dump();
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgument(std::string("JWT payload cannot be serialized: ") + e.what());
  }
}

}  // namespace

Result<std::string> SiteSigningCert::sign_jwt(const nlohmann::json& payload) const {
  EMU_ASSIGN_OR_RETURN(std::string text, payload_text(payload));
  return sign_payload_text(text);
}

Result<std::string> SiteSigningCert::sign_jwt_ordered(const nlohmann::ordered_json& payload) const {
  EMU_ASSIGN_OR_RETURN(std::string text, payload_text(payload));
  return sign_payload_text(text);
}

namespace {

// verify_jwt's checks; `key` is resolved only once the token's shape and alg are right.
template <class KeyFn>
Result<nlohmann::json> verify_jwt_with(std::string_view token, KeyFn&& key) {
  size_t dot1 = token.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return InvalidArgument("malformed JWT: expected three dot-separated parts");
  }
  EMU_ASSIGN_OR_RETURN(nlohmann::json header, decode_json_part(token.substr(0, dot1), "header"));
  const auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string() || *alg != "RS256") {
    return PermissionDenied(
        "JWT alg " + (alg == header.end() ? std::string("(none)") : alg->dump()) + " is not RS256");
  }
  EMU_ASSIGN_OR_RETURN(nlohmann::json payload,
                       decode_json_part(token.substr(dot1 + 1, dot2 - dot1 - 1), "payload"));
  auto sig = base64url_decode(token.substr(dot2 + 1));
  if (!sig.ok()) return InvalidArgument("malformed JWT signature");
  EMU_ASSIGN_OR_RETURN(EVP_PKEY * pkey, key());
  if (!crypto::rs256_verify(pkey, token.substr(0, dot2), *sig)) {
    return PermissionDenied("JWT signature does not verify with the signing certificate");
  }
  return payload;
}

}  // namespace

Result<nlohmann::json> SiteSigningCert::verify_jwt(std::string_view token) const {
  return verify_jwt_with(token, [this]() -> Result<EVP_PKEY*> { return handles_->key.get(); });
}

Result<nlohmann::json> verify_jwt(std::string_view token, std::string_view cert_pem) {
  X509Ptr cert;
  return verify_jwt_with(token, [&]() -> Result<EVP_PKEY*> {
    auto parsed = crypto::parse_cert_pem(cert_pem);
    if (!parsed.ok())
      return InvalidArgument("bad signing certificate: " + parsed.status().message());
    cert = std::move(parsed).value();
    return X509_get0_pubkey(cert.get());
  });
}

}  // namespace emu::site

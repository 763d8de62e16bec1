#include "emulator/site/site_certs.h"

#include "certs/issue.h"
#include "emulator/core/crypto/openssl.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <cctype>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <optional>

namespace emu::site {
namespace {

using pki::EvpPkeyPtr;
using pki::openssl_error;
using pki::X509Ptr;
using MdCtxPtr = pki::OpenSslPtr<EVP_MD_CTX, EVP_MD_CTX_free>;

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

Status add_ext(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  pki::X509ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return openssl_error(std::string("adding extension ") + value);
  }
  return Status::Ok();
}

Status set_random_serial(X509* cert) {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return openssl_error("RAND_bytes");
  }
  bytes[0] = static_cast<unsigned char>((bytes[0] & 0x7F) | 0x40);  // positive, 128 bits
  pki::BignumPtr bn(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
  if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) == nullptr) {
    return openssl_error("setting serial");
  }
  return Status::Ok();
}

// A self-signed v3 signing certificate: CA:FALSE, keyUsage digitalSignature, SKI, SHA-256.
Result<X509Ptr> make_cert(EVP_PKEY* key, const std::string& cn, TimePoint now) {
  X509Ptr cert(X509_new());
  if (!cert) return openssl_error("X509_new");
  X509_NAME* name = X509_get_subject_name(cert.get());
  const TimePoint start = std::chrono::floor<std::chrono::seconds>(now) - kBackdate;
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1 ||
      ASN1_TIME_set(X509_getm_notBefore(cert.get()), pki::to_time_t(start)) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert.get()), pki::to_time_t(start + kLifetime)) == nullptr ||
      X509_set_pubkey(cert.get(), key) != 1) {
    return openssl_error("building site signing certificate");
  }
  EMU_RETURN_IF_ERROR(set_random_serial(cert.get()));
  EMU_RETURN_IF_ERROR(add_ext(cert.get(), NID_basic_constraints, "critical,CA:FALSE"));
  EMU_RETURN_IF_ERROR(add_ext(cert.get(), NID_key_usage, "critical,digitalSignature"));
  EMU_RETURN_IF_ERROR(add_ext(cert.get(), NID_subject_key_identifier, "hash"));
  if (X509_sign(cert.get(), key, EVP_sha256()) <= 0) return openssl_error("X509_sign");
  return cert;
}

Result<TimePoint> asn1_to_time(const ASN1_TIME* t) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return openssl_error("ASN1_TIME_to_tm");
  using namespace std::chrono;
  year_month_day ymd{year{tm.tm_year + 1900}, month{unsigned(tm.tm_mon + 1)},
                     day{unsigned(tm.tm_mday)}};
  return TimePoint(sys_days(ymd)) + hours(tm.tm_hour) + minutes(tm.tm_min) + seconds(tm.tm_sec);
}

Result<std::string> sha1_of_der(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha1(), md, &len) != 1) return openssl_error("X509_digest");
  return std::string(reinterpret_cast<const char*>(md), len);
}

struct KeyPair {
  EvpPkeyPtr key;
  X509Ptr cert;
};

// The pair in "<base>.crt/.key" if both parse, belong together, carry `cn` and are valid now.
std::optional<KeyPair> load_usable(const std::string& base, const std::string& cn, TimePoint now) {
  auto cert_pem = pki::read_file(base + ".crt");
  auto key_pem = pki::read_file(base + ".key");
  if (!cert_pem.ok() || !key_pem.ok()) return std::nullopt;
  auto cert = pki::parse_cert_pem(*cert_pem);
  auto key = pki::parse_key_pem(*key_pem);
  bool usable = cert.ok() && key.ok() && EVP_PKEY_is_a(key->get(), "RSA") &&
                EVP_PKEY_get_bits(key->get()) >= kKeyBits &&
                EVP_PKEY_eq(X509_get0_pubkey(cert->get()), key->get()) == 1 &&
                pki::common_name(cert->get()) == cn && pki::valid_at(cert->get(), now);
  ERR_clear_error();
  if (!usable) return std::nullopt;
  return KeyPair{std::move(*key), std::move(*cert)};
}

Result<KeyPair> create_pair(const std::string& base, const std::string& cn, TimePoint now) {
  ERR_clear_error();
  EMU_ASSIGN_OR_RETURN(EvpPkeyPtr key, pki::generate_rsa_key(kKeyBits));
  EMU_ASSIGN_OR_RETURN(X509Ptr cert, make_cert(key.get(), cn, now));
  if (!base.empty()) {
    EMU_ASSIGN_OR_RETURN(std::string key_pem, pki::key_to_pem(key.get()));
    EMU_ASSIGN_OR_RETURN(std::string cert_pem, pki::cert_to_pem(cert.get()));
    EMU_RETURN_IF_ERROR(pki::write_file_atomic(base + ".key", key_pem, kKeyFileMode));
    EMU_RETURN_IF_ERROR(pki::write_file_atomic(base + ".crt", cert_pem, kCertFileMode));
  }
  return KeyPair{std::move(key), std::move(cert)};
}

Result<std::string> rs256_sign(EVP_PKEY* key, std::string_view input) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t len = static_cast<size_t>(EVP_PKEY_get_size(key));
  std::string sig(len, '\0');
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    return openssl_error("RS256 signing");
  }
  sig.resize(len);
  return sig;
}

bool rs256_verify(EVP_PKEY* key, std::string_view input, std::string_view sig) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  ERR_clear_error();
  return ok;
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
  std::string code = site_code;
  for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return dir + "/site-" + code + "-" + kind;
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
  EMU_ASSIGN_OR_RETURN(out->cert_pem_, pki::cert_to_pem(cert));
  EMU_ASSIGN_OR_RETURN(out->thumbprint_, pki::thumbprint(cert));
  EMU_ASSIGN_OR_RETURN(std::string sha1, sha1_of_der(cert));
  out->x5t_ = base64url_encode(sha1);
  out->subject_ = cn;
  EMU_ASSIGN_OR_RETURN(out->not_before_, asn1_to_time(X509_get0_notBefore(cert)));
  EMU_ASSIGN_OR_RETURN(out->not_after_, asn1_to_time(X509_get0_notAfter(cert)));
  out->handles_->key = std::move(pair->key);
  out->handles_->cert = std::move(pair->cert);
  return std::shared_ptr<const SiteSigningCert>(std::move(out));
}

Result<std::string> SiteSigningCert::sign_payload_text(std::string_view payload_json) const {
  nlohmann::ordered_json header = {{"typ", "JWT"}, {"alg", "RS256"}, {"x5t", x5t_}};
  std::string input = base64url_encode(header.dump()) + "." + base64url_encode(payload_json);
  EMU_ASSIGN_OR_RETURN(std::string sig, rs256_sign(handles_->key.get(), input));
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

Result<nlohmann::json> verify_jwt(std::string_view token, std::string_view cert_pem) {
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
  auto cert = pki::parse_cert_pem(cert_pem);
  if (!cert.ok()) return InvalidArgument("bad signing certificate: " + cert.status().message());
  if (!rs256_verify(X509_get0_pubkey(cert->get()), token.substr(0, dot2), *sig)) {
    return PermissionDenied("JWT signature does not verify with the signing certificate");
  }
  return payload;
}

}  // namespace emu::site

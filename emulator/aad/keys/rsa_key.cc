#include "emulator/aad/keys/rsa_key.h"

#include "emulator/aad/keys/signing_keys.h"
#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/jws.h"
#include "emulator/core/crypto/openssl.h"
#include "emulator/core/crypto/pem.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <chrono>

namespace emu::aad::internal {
namespace {

using crypto::BignumPtr;
using crypto::EvpPkeyPtr;
using crypto::openssl_error;
using crypto::X509Ptr;

constexpr auto kCertBackdate = std::chrono::hours(24);
constexpr auto kCertLifetime = std::chrono::hours(24 * (5 * 365 + 1));  // 5 years

Result<EvpPkeyPtr> parse_rsa_key(std::string_view pem) {
  EMU_ASSIGN_OR_RETURN(EvpPkeyPtr key, crypto::parse_key_pem(pem, "parsing signing key PEM"));
  if (!EVP_PKEY_is_a(key.get(), "RSA") || EVP_PKEY_get_bits(key.get()) < kMinRsaBits) {
    return InvalidArgument("signing key is not an RSA key of at least " +
                           std::to_string(kMinRsaBits) + " bits");
  }
  return key;
}

Result<std::string> bn_param(EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return openssl_error(name);
  BignumPtr bn(raw);
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn.get())), '\0');
  BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()));
  return bytes;
}

}  // namespace

struct RsaKey::Handles {
  EvpPkeyPtr key;
};

RsaKey::RsaKey() : handles_(std::make_unique<Handles>()) {}
RsaKey::~RsaKey() = default;

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return out;
}

Result<std::string> generate_rsa_key_pem() {
  EMU_ASSIGN_OR_RETURN(EvpPkeyPtr key, crypto::generate_rsa_key(2048));
  return crypto::key_to_pem(key.get());
}

Result<std::string> make_signing_cert_pem(std::string_view key_pem, TimePoint now) {
  EMU_ASSIGN_OR_RETURN(EvpPkeyPtr key, parse_rsa_key(key_pem));
  crypto::CertificateSpec spec;
  spec.common_name = std::string(kSigningCertCommonName);
  spec.not_before = now - kCertBackdate;
  spec.not_after = now - kCertBackdate + kCertLifetime;
  spec.serial_from_key = true;
  EMU_ASSIGN_OR_RETURN(X509Ptr cert, crypto::build_cert(spec, key.get(), nullptr));
  return crypto::cert_to_pem(cert.get());
}

Result<std::shared_ptr<const RsaKey>> RsaKey::load(std::string_view key_pem,
                                                   std::string_view cert_pem) {
  EMU_ASSIGN_OR_RETURN(EvpPkeyPtr key, parse_rsa_key(key_pem));
  EMU_ASSIGN_OR_RETURN(X509Ptr cert,
                       crypto::parse_cert_pem(cert_pem, "parsing signing certificate PEM"));
  if (EVP_PKEY_eq(X509_get0_pubkey(cert.get()), key.get()) != 1) {
    ERR_clear_error();
    return InvalidArgument("signing certificate does not belong to the signing key");
  }
  EMU_ASSIGN_OR_RETURN(std::string der, crypto::cert_to_der(cert.get()));
  EMU_ASSIGN_OR_RETURN(std::string x5t, crypto::x5t(cert.get()));
  EMU_ASSIGN_OR_RETURN(std::string n, bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N));
  EMU_ASSIGN_OR_RETURN(std::string e, bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E));

  std::shared_ptr<RsaKey> k(new RsaKey());
  k->handles_->key = std::move(key);
  k->x5t_ = std::move(x5t);
  k->cert_der_b64_ = base64_encode(der);
  k->key_pem_ = std::string(key_pem);
  k->cert_pem_ = std::string(cert_pem);
  k->jwk_ = {{"kty", "RSA"},
             {"use", "sig"},
             {"kid", k->x5t_},
             {"x5t", k->x5t_},
             {"n", base64url_encode(n)},
             {"e", base64url_encode(e)},
             {"x5c", nlohmann::json::array({k->cert_der_b64_})}};
  nlohmann::ordered_json header = {
      {"typ", "JWT"}, {"alg", "RS256"}, {"x5t", k->x5t_}, {"kid", k->x5t_}};
  k->default_header_b64_ = base64url_encode(header.dump());
  return std::shared_ptr<const RsaKey>(std::move(k));
}

Result<std::string> RsaKey::sign(std::string_view input) const {
  return crypto::rs256_sign(handles_->key.get(), input);
}

bool RsaKey::verify(std::string_view input, std::string_view signature) const {
  return crypto::rs256_verify(handles_->key.get(), input, signature);
}

}  // namespace emu::aad::internal

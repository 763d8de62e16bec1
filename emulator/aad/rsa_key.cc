#include "emulator/aad/rsa_key.h"

#include "emulator/core/crypto/openssl.h"
#include "emulator/aad/signing_keys.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <chrono>
#include <climits>

namespace emu::aad::internal {
namespace {

using pki::BignumPtr;
using pki::BioPtr;
using pki::EvpPkeyPtr;
using pki::openssl_error;
using pki::X509Ptr;
using MdCtxPtr = pki::OpenSslPtr<EVP_MD_CTX, EVP_MD_CTX_free>;

constexpr auto kCertBackdate = std::chrono::hours(24);
constexpr auto kCertLifetime = std::chrono::hours(24 * (5 * 365 + 1));  // 5 years

Status parse_error(std::string_view what) { return InvalidArgument(openssl_error(what).message()); }

// Encrypted PEM keys fail to parse instead of prompting.
int no_password(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*u*/) { return 0; }

Result<BioPtr> mem_bio(std::string_view data) {
  if (data.size() > static_cast<size_t>(INT_MAX)) return InvalidArgument("PEM input too large");
  BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (!bio) return openssl_error("BIO_new_mem_buf");
  return bio;
}

template <typename WriteFn>
Result<std::string> write_pem(const char* what, WriteFn write) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) <= 0) return openssl_error(what);
  BUF_MEM* mem = nullptr;
  BIO_get_mem_ptr(bio.get(), &mem);
  if (mem == nullptr) return openssl_error(what);
  return std::string(mem->data, mem->length);
}

Result<EvpPkeyPtr> parse_rsa_key(std::string_view pem) {
  ERR_clear_error();
  EMU_ASSIGN_OR_RETURN(BioPtr bio, mem_bio(pem));
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr));
  if (!key) return parse_error("parsing signing key PEM");
  if (!EVP_PKEY_is_a(key.get(), "RSA") || EVP_PKEY_get_bits(key.get()) < kMinRsaBits) {
    return InvalidArgument("signing key is not an RSA key of at least " +
                           std::to_string(kMinRsaBits) + " bits");
  }
  return key;
}

Result<X509Ptr> parse_cert(std::string_view pem) {
  ERR_clear_error();
  EMU_ASSIGN_OR_RETURN(BioPtr bio, mem_bio(pem));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, no_password, nullptr));
  if (!cert) return parse_error("parsing signing certificate PEM");
  return cert;
}

Result<std::string> digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) {
    return openssl_error("EVP_Digest");
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

Result<std::string> cert_der(X509* cert) {
  int len = i2d_X509(cert, nullptr);
  if (len <= 0) return openssl_error("i2d_X509");
  std::string der(static_cast<size_t>(len), '\0');
  auto* p = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_X509(cert, &p) != len) return openssl_error("i2d_X509");
  return der;
}

Result<std::string> bn_param(EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return openssl_error(name);
  BignumPtr bn(raw);
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn.get())), '\0');
  BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()));
  return bytes;
}

// A positive 128-bit serial from SHA-256 of the public key.
Status set_serial(X509* cert, EVP_PKEY* key) {
  unsigned char* spki = nullptr;
  int len = i2d_PUBKEY(key, &spki);
  if (len <= 0) return openssl_error("i2d_PUBKEY");
  auto hash = digest(EVP_sha256(), std::string_view(reinterpret_cast<char*>(spki), len));
  OPENSSL_free(spki);
  if (!hash.ok()) return hash.status();
  auto* bytes = reinterpret_cast<unsigned char*>(hash->data());
  bytes[0] = static_cast<unsigned char>((bytes[0] & 0x7f) | 0x40);
  BignumPtr bn(BN_bin2bn(bytes, 16, nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert))) {
    return openssl_error("setting certificate serial");
  }
  return Status::Ok();
}

Status fill_cert(X509* cert, EVP_PKEY* key, TimePoint now) {
  const int64_t start = unix_seconds(now - kCertBackdate);
  const int64_t end = unix_seconds(now - kCertBackdate + kCertLifetime);
  X509_NAME* name = X509_get_subject_name(cert);
  const auto* cn = reinterpret_cast<const unsigned char*>(kSigningCertCommonName.data());
  if (X509_set_version(cert, X509_VERSION_3) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, cn,
                                 static_cast<int>(kSigningCertCommonName.size()), -1, 0) != 1 ||
      X509_set_issuer_name(cert, name) != 1 ||
      ASN1_TIME_set(X509_getm_notBefore(cert), static_cast<time_t>(start)) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert), static_cast<time_t>(end)) == nullptr ||
      X509_set_pubkey(cert, key) != 1) {
    return openssl_error("building signing certificate");
  }
  EMU_RETURN_IF_ERROR(set_serial(cert, key));
  if (X509_sign(cert, key, EVP_sha256()) <= 0) return openssl_error("X509_sign");
  return Status::Ok();
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
  ERR_clear_error();
  EvpPkeyPtr key(EVP_RSA_gen(2048));
  if (!key) return openssl_error("generating RSA-2048 key");
  return write_pem("writing signing key PEM", [&](BIO* bio) {
    return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
}

Result<std::string> make_signing_cert_pem(std::string_view key_pem, TimePoint now) {
  EMU_ASSIGN_OR_RETURN(EvpPkeyPtr key, parse_rsa_key(key_pem));
  X509Ptr cert(X509_new());
  if (!cert) return openssl_error("X509_new");
  EMU_RETURN_IF_ERROR(fill_cert(cert.get(), key.get(), now));
  return write_pem("writing signing certificate PEM",
                   [&](BIO* bio) { return PEM_write_bio_X509(bio, cert.get()); });
}

Result<std::shared_ptr<const RsaKey>> RsaKey::load(std::string_view key_pem,
                                                   std::string_view cert_pem) {
  EMU_ASSIGN_OR_RETURN(EvpPkeyPtr key, parse_rsa_key(key_pem));
  EMU_ASSIGN_OR_RETURN(X509Ptr cert, parse_cert(cert_pem));
  if (EVP_PKEY_eq(X509_get0_pubkey(cert.get()), key.get()) != 1) {
    ERR_clear_error();
    return InvalidArgument("signing certificate does not belong to the signing key");
  }
  EMU_ASSIGN_OR_RETURN(std::string der, cert_der(cert.get()));
  EMU_ASSIGN_OR_RETURN(std::string sha1, digest(EVP_sha1(), der));
  EMU_ASSIGN_OR_RETURN(std::string n, bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N));
  EMU_ASSIGN_OR_RETURN(std::string e, bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E));

  std::shared_ptr<RsaKey> k(new RsaKey());
  k->handles_->key = std::move(key);
  k->x5t_ = base64url_encode(sha1);
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
  MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t len = static_cast<size_t>(EVP_PKEY_get_size(handles_->key.get()));
  std::string sig(len, '\0');
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, handles_->key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                     input.size()) != 1) {
    return openssl_error("RS256 signing");
  }
  sig.resize(len);
  return sig;
}

bool RsaKey::verify(std::string_view input, std::string_view signature) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok =
      ctx &&
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, handles_->key.get()) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                       input.size()) == 1;
  if (!ok) ERR_clear_error();
  return ok;
}

}  // namespace emu::aad::internal

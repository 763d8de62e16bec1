// CcmMessaging signatures and the CryptoAPI public key blob (ccm_message.h; README Sources [S1],
// [S10]). Clients sign with RSA PKCS#1 v1.5 over SHA-256 and reverse the bytes (SCCMSecrets
// utils/crypto.py SCCM_sign, Metasploit's sccm.rb rsa_sign, as the ConfigMgr 2007 SDK's "How to
// Register a Client" tells .NET callers to); PXEThief signs with CryptSignHash(CRYPT_NOHASHOID),
// i.e. PKCS#1 v1.5 padding over the bare digest. Verification recovers the padded block with
// EVP_PKEY_verify_recover and accepts either content, in either byte order.
#include "emulator/core/crypto/digest.h"
#include "emulator/core/crypto/jws.h"
#include "emulator/core/crypto/openssl.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/mp/messaging/ccm_message.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <string>
#include <string_view>

namespace emu::mp::messaging {
namespace {

// DER DigestInfo prefixes for SHA-256 (RFC 8017 §9.2 note 1), with the NULL parameters and
// with them omitted (both occur in the wild).
constexpr unsigned char kSha256DigestInfo[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                               0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                               0x01, 0x05, 0x00, 0x04, 0x20};
constexpr unsigned char kSha256DigestInfoNoNull[] = {0x30, 0x2f, 0x30, 0x0b, 0x06, 0x09,
                                                     0x60, 0x86, 0x48, 0x01, 0x65, 0x03,
                                                     0x04, 0x02, 0x01, 0x04, 0x20};

bool same(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

template <size_t N>
std::string_view bytes_of(const unsigned char (&a)[N]) {
  return {reinterpret_cast<const char*>(a), N};
}

// The content of the PKCS#1 v1.5 type 1 block of `sig` under `key`, or "" if it does not open.
std::string recover(EVP_PKEY* key, std::string_view sig) {
  crypto::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  std::string out(static_cast<size_t>(EVP_PKEY_get_size(key)), '\0');
  size_t len = out.size();
  if (!ctx || EVP_PKEY_verify_recover_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_verify_recover(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                              reinterpret_cast<const unsigned char*>(sig.data()),
                              sig.size()) != 1) {
    ERR_clear_error();
    return "";
  }
  out.resize(len);
  return out;
}

Result<crypto::EvpPkeyPtr> rsa_key_of_cert(std::string_view cert_der) {
  EMU_ASSIGN_OR_RETURN(crypto::X509Ptr cert, crypto::parse_cert_der(cert_der));
  crypto::EvpPkeyPtr key(X509_get_pubkey(cert.get()));
  if (!key) return crypto::openssl_error("reading the certificate's public key");
  if (EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA) {
    return InvalidArgument("the certificate's key is not an RSA key");
  }
  return key;
}

}  // namespace

Result<std::string> sign_reversed_hex(std::string_view key_pem, std::string_view data) {
  EMU_ASSIGN_OR_RETURN(crypto::EvpPkeyPtr key, crypto::parse_key_pem(key_pem));
  return sign_reversed_hex(key.get(), data);
}

Result<std::string> sign_reversed_hex(EVP_PKEY* key, std::string_view data) {
  EMU_ASSIGN_OR_RETURN(std::string sig, crypto::rs256_sign(key, data));
  std::reverse(sig.begin(), sig.end());
  return to_hex(sig);
}

struct CertPublicKey::Handle {
  crypto::EvpPkeyPtr key;
};

CertPublicKey::CertPublicKey() : handle_(std::make_unique<Handle>()) {}
CertPublicKey::~CertPublicKey() = default;

Result<std::shared_ptr<const CertPublicKey>> CertPublicKey::from_der(std::string_view cert_der) {
  Result<crypto::EvpPkeyPtr> key = rsa_key_of_cert(cert_der);
  if (!key.ok()) {
    ERR_clear_error();
    return InvalidArgument("not an RSA certificate: " + key.status().message());
  }
  std::shared_ptr<CertPublicKey> out(new CertPublicKey());
  out->handle_->key = std::move(key).value();
  return std::shared_ptr<const CertPublicKey>(std::move(out));
}

bool CertPublicKey::verify(std::string_view data, std::string_view hex_signature) const {
  EVP_PKEY* key = handle_->key.get();
  Result<std::string> sig = from_hex(hex_signature);
  if (!sig.ok() || sig->empty() || sig->size() != static_cast<size_t>(EVP_PKEY_get_size(key))) {
    return false;
  }
  Result<std::string> digest = crypto::sha256(data);
  if (!digest.ok()) return false;
  const std::string with_oid = std::string(bytes_of(kSha256DigestInfo)) + *digest;
  const std::string with_oid_no_null = std::string(bytes_of(kSha256DigestInfoNoNull)) + *digest;
  std::string reversed(sig->rbegin(), sig->rend());
  for (const std::string* candidate : {&reversed, &*sig}) {
    const std::string block = recover(key, *candidate);
    if (block.empty()) continue;
    if (same(block, with_oid) || same(block, with_oid_no_null) || same(block, *digest)) {
      return true;
    }
  }
  return false;
}

bool verify_signature(std::string_view cert_der, std::string_view data,
                      std::string_view hex_signature) {
  auto key = CertPublicKey::from_der(cert_der);
  return key.ok() && (*key)->verify(data, hex_signature);
}

Result<std::string> public_key_blob_hex(std::string_view cert_der) {
  EMU_ASSIGN_OR_RETURN(crypto::EvpPkeyPtr key, rsa_key_of_cert(cert_der));
  BIGNUM* n_raw = nullptr;
  BIGNUM* e_raw = nullptr;
  if (EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N, &n_raw) != 1 ||
      EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E, &e_raw) != 1) {
    BN_free(n_raw);
    BN_free(e_raw);
    return crypto::openssl_error("reading the RSA key's modulus and exponent");
  }
  crypto::BignumPtr n(n_raw);
  crypto::BignumPtr e(e_raw);
  if (BN_num_bits(e.get()) > 32) return InvalidArgument("RSA public exponent wider than 32 bits");
  const int bits = EVP_PKEY_get_bits(key.get());
  const size_t modulus_bytes = static_cast<size_t>(bits + 7) / 8;
  const uint32_t exponent = static_cast<uint32_t>(BN_get_word(e.get()));
  // BLOBHEADER {bType=PUBLICKEYBLOB 06, bVersion 02, reserved 0000, aiKeyAlg CALG_RSA_KEYX
  // 0000A400} + RSAPUBKEY {"RSA1", bitlen, pubexp} (little-endian) + the modulus, little-endian
  // (SCCMSecrets utils/crypto.py build_MS_public_key_blob, citing MS-MQQB
  // https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-mqqb/ade9efde-3ec8-4e47-9ae9-34b64d8081bb).
  std::string blob("\x06\x02\x00\x00\x00\xA4\x00\x00RSA1", 12);
  auto le32 = [&blob](uint32_t v) {
    for (int i = 0; i < 4; ++i) blob += static_cast<char>((v >> (8 * i)) & 0xFF);
  };
  le32(static_cast<uint32_t>(bits));
  le32(exponent);
  std::string modulus(modulus_bytes, '\0');
  if (BN_bn2lebinpad(n.get(), reinterpret_cast<unsigned char*>(modulus.data()),
                     static_cast<int>(modulus.size())) < 0) {
    return crypto::openssl_error("encoding the RSA modulus");
  }
  blob += modulus;
  return to_hex(blob);
}

}  // namespace emu::mp::messaging

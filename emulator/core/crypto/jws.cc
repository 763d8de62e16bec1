#include "emulator/core/crypto/jws.h"

#include <openssl/err.h>
#include <openssl/rsa.h>

namespace emu::crypto {
namespace {

bool verify_sha256(EVP_PKEY* key, bool pss, std::string_view input, std::string_view signature) {
  if (key == nullptr || EVP_PKEY_base_id(key) != EVP_PKEY_RSA) return false;
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key) == 1 &&
            (!pss || (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
                      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1)) &&
            EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                             input.size()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace

Result<std::string> rs256_sign(EVP_PKEY* key, std::string_view input) {
  if (key == nullptr || EVP_PKEY_base_id(key) != EVP_PKEY_RSA) {
    return InvalidArgument("RS256 signing needs an RSA key");
  }
  ERR_clear_error();
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
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

bool rs256_verify(EVP_PKEY* key, std::string_view input, std::string_view signature) {
  return verify_sha256(key, /*pss=*/false, input, signature);
}

bool ps256_verify(EVP_PKEY* key, std::string_view input, std::string_view signature) {
  return verify_sha256(key, /*pss=*/true, input, signature);
}

}  // namespace emu::crypto

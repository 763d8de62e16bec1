#include "emulator/mp/getauth/keys.h"

#include "emulator/core/crypto/digest.h"
#include "emulator/core/crypto/jws.h"

#include <openssl/cms.h>
#include <openssl/core_names.h>

#include <algorithm>
#include <vector>

namespace emu::mp::internal {

Result<std::string> public_key_blob(EVP_PKEY* key) {
  BIGNUM* n_raw = nullptr;
  BIGNUM* e_raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n_raw) != 1)
    return crypto::openssl_error("RSA modulus");
  crypto::BignumPtr n(n_raw);
  if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e_raw) != 1)
    return crypto::openssl_error("RSA exponent");
  crypto::BignumPtr e(e_raw);
  const int bits = BN_num_bits(n.get());
  const int bytes = (bits + 7) / 8;
  const uint64_t exponent = BN_get_word(e.get());
  std::string blob("\x06\x02\x00\x00\x00\xA4\x00\x00RSA1", 12);
  for (int i = 0; i < 4; ++i) blob.push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
  for (int i = 0; i < 4; ++i) blob.push_back(static_cast<char>((exponent >> (8 * i)) & 0xFF));
  std::vector<unsigned char> mod(static_cast<size_t>(bytes));
  if (BN_bn2lebinpad(n.get(), mod.data(), bytes) != bytes) return crypto::openssl_error("modulus");
  blob.append(reinterpret_cast<const char*>(mod.data()), mod.size());
  return crypto::upper_hex(blob);
}

Result<std::string> sign_reversed(EVP_PKEY* key, std::string_view data) {
  EMU_ASSIGN_OR_RETURN(std::string sig, crypto::rs256_sign(key, data));
  std::reverse(sig.begin(), sig.end());
  return crypto::upper_hex(sig);
}

Result<std::string> cms_detached_hex(X509* cert, EVP_PKEY* key, std::string_view data) {
  crypto::BioPtr in(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (!in) return crypto::openssl_error("CMS input");
  CMS_ContentInfo* cms =
      CMS_sign(cert, key, nullptr, in.get(), CMS_DETACHED | CMS_BINARY | CMS_NOCERTS | CMS_NOATTR);
  if (cms == nullptr) return crypto::openssl_error("CMS_sign");
  unsigned char* der = nullptr;
  const int len = i2d_CMS_ContentInfo(cms, &der);
  CMS_ContentInfo_free(cms);
  if (len <= 0) return crypto::openssl_error("CMS encoding");
  std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return crypto::upper_hex(out);
}

}  // namespace emu::mp::internal

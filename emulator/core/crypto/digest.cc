#include "emulator/core/crypto/digest.h"

#include "emulator/core/crypto/openssl.h"
#include "emulator/core/text.h"

#include <openssl/evp.h>

namespace emu::crypto {
namespace {

Result<std::string> digest(std::string_view data, const EVP_MD* md, const char* what) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) {
    return openssl_error(what);
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

}  // namespace

Result<std::string> sha1(std::string_view data) { return digest(data, EVP_sha1(), "SHA-1"); }

Result<std::string> sha256(std::string_view data) { return digest(data, EVP_sha256(), "SHA-256"); }

std::string upper_hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  }
  return out;
}

Result<std::string> thumbprint_of_der(std::string_view der) {
  EMU_ASSIGN_OR_RETURN(std::string md, sha1(der));
  return upper_hex(md);
}

Result<std::string> x5t_of_der(std::string_view der) {
  EMU_ASSIGN_OR_RETURN(std::string md, sha1(der));
  return base64url_encode(md);
}

}  // namespace emu::crypto

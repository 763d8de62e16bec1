#include "emulator/core/crypto/openssl.h"

#include <openssl/err.h>

namespace emu::crypto {

std::string openssl_errors() {
  std::string text;
  char buf[256];
  while (unsigned long code = ERR_get_error()) {
    ERR_error_string_n(code, buf, sizeof buf);
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text;
}

Status openssl_error(std::string_view what) {
  std::string text = openssl_errors();
  if (text.empty()) text = "unknown OpenSSL error";
  return Internal(std::string(what) + ": " + text);
}

}  // namespace emu::crypto

#include "emulator/site/azure_client.h"

#include "emulator/core/text.h"

#include <openssl/sha.h>

#include <cstdint>
#include <string_view>

namespace emu::site {

Pkce make_pkce(IdSource& ids) {
  std::string raw;
  for (int i = 0; i < 4; ++i) {
    uint64_t v = ids.next_u64();
    for (int b = 0; b < 8; ++b) raw.push_back(static_cast<char>((v >> (8 * b)) & 0xff));
  }
  Pkce out;
  out.verifier = base64url_encode(raw);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(out.verifier.data()), out.verifier.size(), digest);
  out.challenge = base64url_encode(
      std::string_view(reinterpret_cast<const char*>(digest), SHA256_DIGEST_LENGTH));
  return out;
}

AzureResult<AzureToken> AzureClient::sign_in_interactive(
    const std::string& client_id, const std::string& redirect_uri, const std::string& upn,
    const std::string& password, const std::string& scope, const std::string& tenant,
    bool complete_mfa) {
  const Pkce pkce = make_pkce(ctx().ids());
  return emu::AzureClient::sign_in_interactive(client_id, redirect_uri, upn, password, scope, pkce,
                                               tenant, complete_mfa);
}

}  // namespace emu::site

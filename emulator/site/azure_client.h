// The site's Azure client: the shared AzureClient (emulator/core/azure_client.h) with the PKCE
// pair of the console's interactive sign-in made here (its S256 challenge needs SHA-256, which
// the site's crypto provides and emu::core does not).
#pragma once

#include "emulator/core/azure_client.h"
#include "emulator/core/ids.h"

#include <string>

namespace emu::site {

// RFC 7636: a 43-character verifier from 32 seeded random bytes, and its S256 challenge.
Pkce make_pkce(IdSource& ids);

class AzureClient : public emu::AzureClient {
 public:
  using emu::AzureClient::AzureClient;

  // emu::AzureClient::sign_in_interactive with a fresh make_pkce(ctx().ids()).
  AzureResult<AzureToken> sign_in_interactive(const std::string& client_id,
                                              const std::string& redirect_uri,
                                              const std::string& upn, const std::string& password,
                                              const std::string& scope,
                                              const std::string& tenant = "organizations",
                                              bool complete_mfa = true);
};

}  // namespace emu::site

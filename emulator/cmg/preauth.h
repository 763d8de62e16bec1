// The CMG's pre-authentication of token requests on CCM_Proxy_ServerAuth (emulator/cmg/README.md,
// Behaviour): which bearer token is accepted on which path, checked against what the connection
// point published (the site's token-signing certificate, blocked bulk tokens, onboarded Entra ID
// tenants). The MP checks every token again fully; the CMG only keeps invalid tokens out
// ("The CMG doesn't forward requests from clients with an invalid token", memdocs
// clients/manage/azure-ccmsetup.md).
#pragma once

#include "emulator/aad/public/token_validator.h"
#include "emulator/cmg/cmg_api.h"
#include "emulator/core/clock.h"
#include "emulator/core/crypto/openssl.h"
#include "emulator/core/status.h"

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace emu::cmg {

// The security settings of a publication, parsed once per publish (no per-request PEM parsing).
struct SecuritySettings {
  crypto::EvpPkeyPtr token_signing_key;  // null when the publication carries no certificate
  std::string issuer;                    // "urn:sccm:oauth2:<hierarchy id, lower case>" or ""
  std::set<std::string> blocked;         // blocked bulk token GUIDs, upper case
  std::vector<Tenant> tenants;
  std::vector<std::string> audiences;  // resource URIs of the tenants not disabled
  // InvalidArgument when the token-signing certificate does not parse.
  static Result<std::shared_ptr<const SecuritySettings>> from(const Publication& publication);
};

enum class TokenKind {
  kNone,
  kBulk,          // BulkRegistrationTokenTool.exe token (Type BulkRegistration)
  kCcm,           // CCM token of kind Device, User or UDA (from CCM_STS)
  kPreAuth,       // CCM token of kind PreAuth (exchanged for a bulk token)
  kClientUnique,  // a registered client's own token (TokenType ClientUnique)
  kEntra,         // Entra ID token of an onboarded tenant
};
std::string_view token_kind_name(TokenKind kind);

// Which tokens a path accepts (the table in README.md "Pre-authentication"):
enum class TokenPath {
  kSts,           // .../CCM_STS: bulk (its lifetime left to CCM_STS), Entra ID, client unique
  kRegistration,  // .../ccm_system[_tokenauth]/request carrying MP_ClientRegistration:
                  // any CCM token (PreAuth included), bulk, Entra ID
  // .../CCM_Client/... and .../request carrying MP_LocationManager: what ccmsetup needs before
  // the client registers (site information, the client files), so a CCM token of any kind,
  // PreAuth included [inferred: memdocs deploy-clients-cmg-token.md has the bulk token carry
  // "the initial communication" of the install; which paths that covers is not published].
  kBootstrap,
  kOther,  // everything else: CCM token Device/User/UDA
  kAny,    // ServiceMetadata: any valid token
};

struct TokenDecision {
  TokenKind kind = TokenKind::kNone;
  bool accepted = false;
  std::string why;  // why it was refused (for the log), "" when accepted
};

// Checks the Authorization header value ("Bearer <jwt>") for `path` at `now` (5-minute skew).
// `aad` may be null (Entra ID tokens are then refused).
TokenDecision check_token(const SecuritySettings& settings, const aad::TokenValidator* aad,
                          std::string_view authorization, TokenPath path, TimePoint now);

// The path class of a role URL: `vdir` and the rest of the internal path, and the body (a
// CcmMessaging request names its TargetEndpoint in the UTF-16 header part; found by a byte
// search, without decoding).
TokenPath classify_path(std::string_view vdir, std::string_view internal_path,
                        std::string_view body);

}  // namespace emu::cmg

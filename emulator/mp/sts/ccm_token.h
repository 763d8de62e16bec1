// CCM tokens (what CCM_STS issues) and the site-issued tokens CCM_STS accepts, as pure
// functions over the site's SMS Token Signing Certificate. Formats (design of issue 12, from
// the decoded bulk token of memdocs deploy-clients-cmg-token.md; claim names beyond it are
// inferred):
//   CCM token: {"SCCMTokenCategory":"SCCMAccessToken","Authority":"SCCM","TokenType":
//     "Device|User|UDA|PreAuth","TenantId":<hierarchy ID upper>,"DeviceId":"GUID:...",
//     "UserId":...,"UniqueId":<token GUID>,"iss":"urn:sccm:oauth2:<hierarchy lower>",
//     "aud":"urn:sccm:service","nbf","exp"} (+ "AADTenantId"/"AADDeviceId" when it was made
//     from an Entra ID token [inferred: lets registration tell Entra ID clients apart]).
//   Client unique token (issued at registration, 90 days): the same with
//     "SCCMTokenCategory":"SCCMClientToken", "TokenType":"ClientUnique".
// Lifetimes are checked with a clock skew (5 minutes: the .NET JWT handler's default
// [inferred]). Thread-safe.
#pragma once

#include "emulator/core/clock.h"
#include "emulator/core/status.h"
#include "emulator/site/tokens/signing_certs.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace emu::mp {

inline constexpr const char* kSccmAudience = "urn:sccm:service";

struct CcmTokenClaims {
  std::string category;    // SCCMAccessToken | SCCMClientToken
  std::string token_type;  // Device | User | UDA | PreAuth | ClientUnique
  std::string tenant_id;   // hierarchy ID (upper case)
  std::string device_id;   // "GUID:..." or ""
  std::string user_id;
  std::string unique_id;                     // the token's GUID
  std::string aad_tenant_id, aad_device_id;  // Entra ID origin ("" otherwise)
  TimePoint not_before{}, expires{};
  nlohmann::json raw;  // every claim
};

// Signs `claims` (category, token_type, tenant_id, device_id, user_id, unique_id, aad_*;
// not_before/expires as given) with `signer`. Returns the compact JWS.
Result<std::string> issue_ccm_token(const site::SiteSigningCert& signer,
                                    const CcmTokenClaims& claims);

// Verifies a site-signed token (CCM token or client unique token): RS256 by `signer`, aud
// urn:sccm:service, `category` as expected ("" = SCCMAccessToken or SCCMClientToken), nbf/exp
// at `now` with `skew`. Unauthenticated with the reason otherwise.
Result<CcmTokenClaims> validate_site_token(const site::SiteSigningCert& signer,
                                           std::string_view token, TimePoint now, Duration skew,
                                           std::string_view category = "SCCMAccessToken");
// validate_site_token's checks of everything but the lifetime (a result that holds for as long
// as `signer` does, so callers may keep it).
Result<CcmTokenClaims> read_site_token(const site::SiteSigningCert& signer, std::string_view token,
                                       std::string_view category);
// validate_site_token's lifetime check (IDX10223 when expired, IDX10222 when not yet valid).
Status check_site_token_lifetime(const CcmTokenClaims& claims, TimePoint now, Duration skew);

// Bulk registration tokens are checked by site::validate_bulk_token (bulk_token_tool.h) with
// the MP's skew.

// The payload of a compact JWS without verifying it (to route a token by its kind); InvalidArgument
// for a malformed token.
Result<nlohmann::json> peek_jwt_payload(std::string_view token);

}  // namespace emu::mp

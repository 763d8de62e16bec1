// BulkRegistrationTokenTool.exe (README Sources [S3]): its command line (`/new`,
// `/lifetime <minutes>`, `/?`; a space, not a colon, before the minutes), the token it issues
// (an RS256 JWT signed by the SMS Token Signing Certificate, claims
// SCCMTokenCategory/Authority/License/Type/TenantId/UniqueId/iss/aud/nbf/exp) and what it prints.
// Pure functions; the site service stores the tracking GUID and lifetime (never the token) and
// handles block/unblock.
#pragma once

#include "emulator/core/clock.h"
#include "emulator/core/status.h"
#include "emulator/site/tokens/signing_certs.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace emu::site {

inline constexpr int kBulkTokenDefaultMinutes = 4320;  // 3 days [C]
inline constexpr int kBulkTokenMaxMinutes = 10080;     // 7 days [C]

struct BulkTokenToolArgs {
  bool help = false;       // "/?" (or no argument): print usage
  bool new_token = false;  // "/new"
  int lifetime_minutes = kBulkTokenDefaultMinutes;
};

// Parses the tool's arguments without the program name (case-insensitive switches, e.g.
// {"/new", "/lifetime", "60"}); no argument means help, and "/?" wins over anything else that
// parses. InvalidArgument whose message is the error line the tool prints (before its usage;
// wording [inferred]):
//   unknown switch, including "/lifetime:60" (memdocs PR #257: the colon form is an error):
//     "Unrecognized parameter '<arg>'."
//   /lifetime last or followed by a switch: "The /lifetime parameter requires a value in minutes."
//   a value that is not all digits, < 1 or > 10080:
//     "Invalid lifetime value '<v>'. Specify a whole number of minutes from 1 to 10080."
//   /lifetime without /new: "The /lifetime parameter must be used with /new."
Result<BulkTokenToolArgs> parse_bulk_token_tool_args(const std::vector<std::string>& argv);
// The tool's usage text (for /? and errors).
std::string bulk_token_tool_usage();

struct IssuedBulkToken {
  std::string guid;   // tracking GUID (lower-case), the UniqueId claim
  std::string token;  // compact JWS
  TimePoint not_before{};
  TimePoint expires{};
  int lifetime_minutes = kBulkTokenDefaultMinutes;
  nlohmann::json claims;  // the payload's claims (keys sorted; the token keeps the order)
};

// Issues a token: nbf = now (whole seconds), exp = nbf + lifetime; TenantId = `hierarchy_id`
// upper-case, UniqueId = `guid` lower-case, iss = "urn:sccm:oauth2:<hierarchy_id lower-case>",
// aud = "urn:sccm:service". The payload keeps the member order of the documented token
// (SCCMTokenCategory, Authority, License, Type, TenantId, UniqueId, iss, aud, exp, nbf: the
// decoded memdocs example has exp before nbf). InvalidArgument if `hierarchy_id` or `guid` is
// not a GUID or the lifetime is outside 1..10080; Internal on a signing failure.
Result<IssuedBulkToken> issue_bulk_token(const SiteSigningCert& signer,
                                         const std::string& hierarchy_id, const std::string& guid,
                                         TimePoint now, int lifetime_minutes);

// Checks a bulk registration token as the site's token service does before registration
// (CCM_STS, README Sources [S3]): RS256 signature by `signer`, Type "BulkRegistration", aud
// "urn:sccm:service", and nbf/exp at `now` with `skew` (default 5 minutes, the .NET JWT
// handler's default [inferred]; the MP's CCM_STS passes its configured skew). Returns the claims;
// PermissionDenied whose message is CCM_STS.log's description, e.g. "PreAuth token validation
// failed, System.IdentityModel.Tokens. SecurityTokenExpiredException: IDX10223: Lifetime validation
// failed. The token is expired. ValidTo: '01/04/2026 00:13:00' Current time: '01/05/2026
// 00:00:00'." Blocking is the caller's (the database knows it by UniqueId).
Result<nlohmann::json> validate_bulk_token(const SiteSigningCert& signer, std::string_view token,
                                           TimePoint now, Duration skew = std::chrono::minutes(5));

// "MM/dd/yyyy HH:mm:ss" in UTC: how IDX10222/IDX10223 messages print ValidTo and Current time.
std::string idx_datetime(TimePoint t);

// What /new prints: the tracking GUID, the validity period and the token [wording inferred]:
//   Bulk registration token created.
//   Token GUID: <guid>
//   Token validity period: <n> minutes, from <M/d/yyyy h:mm:ss AM> to <...> (UTC)
//   Token:
//   <token>
std::string format_bulk_token_tool_output(const IssuedBulkToken& token);

}  // namespace emu::site

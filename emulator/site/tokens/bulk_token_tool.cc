#include "emulator/site/tokens/bulk_token_tool.h"

#include "emulator/core/text.h"

#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>

namespace emu::site {
namespace {

bool is_guid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : std::isxdigit(static_cast<unsigned char>(s[i])) == 0) return false;
  }
  return true;
}

// The tool's error lines [inferred: the real wording is not published; the doc only says that
// "/lifetime:<n>" "causes an error" (memdocs PR #257)].
Status bad_lifetime(const std::string& value) {
  return InvalidArgument("Invalid lifetime value '" + value + "'. Specify a whole number of " +
                         "minutes from 1 to " + std::to_string(kBulkTokenMaxMinutes) + ".");
}

Result<int> parse_minutes(const std::string& value) {
  // Digits only: "+60", "-5", "60m" and " 60" are refused like any other non-number.
  if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos) {
    return bad_lifetime(value);
  }
  int minutes = 0;
  auto r = std::from_chars(value.data(), value.data() + value.size(), minutes);
  if (r.ec != std::errc() || minutes < 1 || minutes > kBulkTokenMaxMinutes) {
    return bad_lifetime(value);
  }
  return minutes;
}

// "M/d/yyyy h:mm:ss AM" in UTC: .NET's en-US DateTime.ToString() [inferred].
std::string us_datetime(TimePoint t) {
  const CivilTime f = civil_time(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%u/%u/%d %ld:%02ld:%02ld %s", f.month, f.day, f.year,
                f.hour % 12 == 0 ? 12 : f.hour % 12, f.minute, f.second, f.hour < 12 ? "AM" : "PM");
  return buf;
}

constexpr const char* kValidationFailed = "PreAuth token validation failed, ";

}  // namespace

Result<BulkTokenToolArgs> parse_bulk_token_tool_args(const std::vector<std::string>& argv) {
  BulkTokenToolArgs args;
  bool lifetime_given = false;
  if (argv.empty()) args.help = true;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string sw = to_lower(argv[i]);
    if (sw == "/?") {
      args.help = true;
    } else if (sw == "/new") {
      args.new_token = true;
    } else if (sw == "/lifetime") {
      if (i + 1 >= argv.size() || argv[i + 1].starts_with("/")) {
        return InvalidArgument("The /lifetime parameter requires a value in minutes.");
      }
      EMU_ASSIGN_OR_RETURN(args.lifetime_minutes, parse_minutes(argv[++i]));
      lifetime_given = true;
    } else {
      // "/lifetime:60" lands here too: the tool takes the value after a space only.
      return InvalidArgument("Unrecognized parameter '" + argv[i] + "'.");
    }
  }
  if (args.help) return args;  // "/?" wins over everything else
  if (lifetime_given && !args.new_token) {
    return InvalidArgument("The /lifetime parameter must be used with /new.");
  }
  return args;
}

std::string bulk_token_tool_usage() {
  // [inferred] Layout and wording follow the options as memdocs describes them.
  return "Usage: BulkRegistrationTokenTool.exe [/?] [/new [/lifetime <minutes>]]\n"
         "\n"
         "  /?         Display this usage information.\n"
         "  /new       Create a new bulk registration token.\n"
         "  /lifetime  Use with /new to specify the token validity period, in minutes.\n"
         "             The default value is 4320 (three days). The maximum value is 10080\n"
         "             (seven days).\n"
         "\n"
         "Example: BulkRegistrationTokenTool.exe /new /lifetime 4320\n";
}

Result<IssuedBulkToken> issue_bulk_token(const SiteSigningCert& signer,
                                         const std::string& hierarchy_id, const std::string& guid,
                                         TimePoint now, int lifetime_minutes) {
  if (!is_guid(hierarchy_id)) return InvalidArgument("not a hierarchy ID: '" + hierarchy_id + "'");
  if (!is_guid(guid)) return InvalidArgument("not a token GUID: '" + guid + "'");
  if (lifetime_minutes < 1 || lifetime_minutes > kBulkTokenMaxMinutes) {
    return InvalidArgument("bulk token lifetime out of range: " + std::to_string(lifetime_minutes) +
                           " minutes");
  }
  IssuedBulkToken out;
  out.guid = to_lower(guid);
  out.lifetime_minutes = lifetime_minutes;
  out.not_before = std::chrono::floor<std::chrono::seconds>(now);
  out.expires = out.not_before + std::chrono::minutes(lifetime_minutes);
  // Member order as in the token of deploy-clients-cmg-token.md (decoded): exp before nbf.
  nlohmann::ordered_json claims = {
      {"SCCMTokenCategory", "SCCMPreAuthToken"},
      {"Authority", "SCCM"},
      {"License", "SCCM"},
      {"Type", "BulkRegistration"},
      {"TenantId", to_upper(hierarchy_id)},
      {"UniqueId", out.guid},
      {"iss", "urn:sccm:oauth2:" + to_lower(hierarchy_id)},
      {"aud", "urn:sccm:service"},
      {"exp", unix_seconds(out.expires)},
      {"nbf", unix_seconds(out.not_before)},
  };
  EMU_ASSIGN_OR_RETURN(out.token, signer.sign_jwt_ordered(claims));
  out.claims = nlohmann::json(claims);
  return out;
}

// README Sources [S3]: "ValidTo: '10/01/2020 22:03:24'".
std::string idx_datetime(TimePoint t) {
  const CivilTime f = civil_time(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%02u/%02u/%04d %02ld:%02ld:%02ld", f.month, f.day, f.year, f.hour,
                f.minute, f.second);
  return buf;
}

Result<nlohmann::json> validate_bulk_token(const SiteSigningCert& signer, std::string_view token,
                                           TimePoint now, Duration skew) {
  auto claims = signer.verify_jwt(token);
  if (!claims.ok())
    return PermissionDenied(std::string(kValidationFailed) +
                            "System.IdentityModel.Tokens.SecurityTokenInvalidSignatureException: "
                            "IDX10503: Signature validation failed. " +
                            claims.status().message());  // IDX10503 text [inferred]
  const nlohmann::json& c = *claims;
  if (c.value("Type", "") != "BulkRegistration" || c.value("aud", "") != "urn:sccm:service")
    return PermissionDenied(std::string(kValidationFailed) +
                            "the token is not a bulk registration token for urn:sccm:service");
  if (!c.contains("exp") || !c["exp"].is_number_integer() || !c.contains("nbf") ||
      !c["nbf"].is_number_integer())
    return PermissionDenied(std::string(kValidationFailed) + "the token has no lifetime");
  const TimePoint exp{std::chrono::seconds(c["exp"].get<int64_t>())};
  const TimePoint nbf{std::chrono::seconds(c["nbf"].get<int64_t>())};
  if (now > exp + skew)
    return PermissionDenied(std::string(kValidationFailed) +
                            "System.IdentityModel.Tokens.SecurityTokenExpiredException: IDX10223: "
                            "Lifetime validation failed. The token is expired. ValidTo: '" +
                            idx_datetime(exp) + "' Current time: '" + idx_datetime(now) + "'.");
  if (now + skew < nbf)
    return PermissionDenied(std::string(kValidationFailed) +
                            "System.IdentityModel.Tokens.SecurityTokenNotYetValidException: "
                            "IDX10222: Lifetime validation failed. The token is not yet valid. "
                            "ValidFrom: '" +
                            idx_datetime(nbf) + "' Current time: '" + idx_datetime(now) +
                            "'.");  // IDX10222 text [inferred]
  return c;
}

std::string format_bulk_token_tool_output(const IssuedBulkToken& token) {
  // [inferred] memdocs lists what /new displays (the tracking GUID, the validity period, the
  // token) but not the wording; times are UTC in .NET's en-US default format.
  return "Bulk registration token created.\n"
         "Token GUID: " +
         token.guid +
         "\n"
         "Token validity period: " +
         std::to_string(token.lifetime_minutes) + " minutes, from " +
         us_datetime(token.not_before) + " to " + us_datetime(token.expires) +
         " (UTC)\n"
         "Token:\n" +
         token.token + "\n";
}

}  // namespace emu::site

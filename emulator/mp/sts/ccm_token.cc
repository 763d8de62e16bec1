#include "emulator/mp/sts/ccm_token.h"

#include "emulator/core/json_limits.h"
#include "emulator/core/text.h"
#include "emulator/site/tokens/bulk_token_tool.h"

#include <chrono>
#include <cstdio>

namespace emu::mp {
namespace {

using nlohmann::json;

using site::idx_datetime;

std::string str(const json& c, const char* key) {
  auto it = c.find(key);
  return it != c.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<std::string> issue_ccm_token(const site::SiteSigningCert& signer, const CcmTokenClaims& c) {
  nlohmann::ordered_json p;
  p["SCCMTokenCategory"] = c.category.empty() ? "SCCMAccessToken" : c.category;
  p["Authority"] = "SCCM";
  p["TokenType"] = c.token_type;
  p["TenantId"] = to_upper(c.tenant_id);
  if (!c.device_id.empty()) p["DeviceId"] = c.device_id;
  if (!c.user_id.empty()) p["UserId"] = c.user_id;
  p["UniqueId"] = c.unique_id;
  if (!c.aad_tenant_id.empty()) p["AADTenantId"] = c.aad_tenant_id;
  if (!c.aad_device_id.empty()) p["AADDeviceId"] = c.aad_device_id;
  p["iss"] = "urn:sccm:oauth2:" + to_lower(c.tenant_id);
  p["aud"] = kSccmAudience;
  p["nbf"] = unix_seconds(c.not_before);
  p["exp"] = unix_seconds(c.expires);
  return signer.sign_jwt_ordered(p);
}

Result<CcmTokenClaims> read_site_token(const site::SiteSigningCert& signer, std::string_view token,
                                       std::string_view category) {
  auto payload = signer.verify_jwt(token);
  if (!payload.ok()) return Unauthenticated("token signature: " + payload.status().message());
  const json& c = *payload;
  CcmTokenClaims out;
  out.category = str(c, "SCCMTokenCategory");
  if (category.empty() ? (out.category != "SCCMAccessToken" && out.category != "SCCMClientToken")
                       : out.category != category)
    return Unauthenticated("not a " + std::string(category.empty() ? "site" : category) +
                           " token (SCCMTokenCategory '" + out.category + "')");
  if (str(c, "aud") != kSccmAudience) return Unauthenticated("audience is not urn:sccm:service");
  if (!c.contains("exp") || !c["exp"].is_number_integer() || !c.contains("nbf") ||
      !c["nbf"].is_number_integer())
    return Unauthenticated("the token has no lifetime");
  out.not_before = TimePoint{std::chrono::seconds(c["nbf"].get<int64_t>())};
  out.expires = TimePoint{std::chrono::seconds(c["exp"].get<int64_t>())};
  out.token_type = str(c, "TokenType");
  out.tenant_id = str(c, "TenantId");
  out.device_id = str(c, "DeviceId");
  out.user_id = str(c, "UserId");
  out.unique_id = str(c, "UniqueId");
  out.aad_tenant_id = str(c, "AADTenantId");
  out.aad_device_id = str(c, "AADDeviceId");
  out.raw = c;
  return out;
}

Status check_site_token_lifetime(const CcmTokenClaims& claims, TimePoint now, Duration skew) {
  if (now > claims.expires + skew)
    return Unauthenticated(
        "IDX10223: Lifetime validation failed. The token is expired. ValidTo: '" +
        idx_datetime(claims.expires) + "' Current time: '" + idx_datetime(now) + "'.");
  if (now + skew < claims.not_before)
    return Unauthenticated("IDX10222: Lifetime validation failed. The token is not yet valid.");
  return Status::Ok();
}

Result<CcmTokenClaims> validate_site_token(const site::SiteSigningCert& signer,
                                           std::string_view token, TimePoint now, Duration skew,
                                           std::string_view category) {
  EMU_ASSIGN_OR_RETURN(CcmTokenClaims claims, read_site_token(signer, token, category));
  EMU_RETURN_IF_ERROR(check_site_token_lifetime(claims, now, skew));
  return claims;
}

Result<json> peek_jwt_payload(std::string_view token) {
  const size_t a = token.find('.');
  if (a == std::string_view::npos) return InvalidArgument("not a JWT");
  const size_t b = token.find('.', a + 1);
  if (b == std::string_view::npos || token.find('.', b + 1) != std::string_view::npos)
    return InvalidArgument("not a JWT");
  EMU_ASSIGN_OR_RETURN(std::string text, base64url_decode(token.substr(a + 1, b - a - 1)));
  auto parsed = parse_json_limited(text, JsonLimits{64 * 1024, 16});  // a JWT part: small, flat
  if (!parsed.ok()) return InvalidArgument("JWT payload: " + parsed.status().message());
  json payload = std::move(parsed).value();
  if (!payload.is_object()) return InvalidArgument("JWT payload is not a JSON object");
  return payload;
}

}  // namespace emu::mp

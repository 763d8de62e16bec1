// CCM_STS ("CCM Security Token Service Pool"): exchanges a bulk registration token, an Entra ID
// token or a registered client's unique token for a CCM token. Log lines of CCM_STS.log as
// memdocs azure-ccmsetup.md and support cmg-communication-error.md print them. The request and
// reply format is the design of issue 12 [inferred: not published]: POST (or GET)
// with "Authorization: Bearer <token>", reply 200 application/json
// {"token","token_type","expires_on"}; refusals 401 with a short text body.
#include "emulator/aad/public/token_validator.h"
#include "emulator/core/text.h"
#include "emulator/mp/internal.h"
#include "emulator/site/tokens/bulk_token_tool.h"

namespace emu::mp::internal {
namespace {

constexpr const char* kComponent = "CCM_STS";

std::string bearer_of(const http::Request& req) {
  const std::string h = req.headers.get_or("Authorization", "");
  if (h.size() < 7 || !iequals(h.substr(0, 7), "Bearer ")) return "";
  std::string t = h.substr(7);
  while (!t.empty() && t.front() == ' ') t.erase(t.begin());
  while (!t.empty() && (t.back() == ' ' || t.back() == '\r')) t.pop_back();
  return t;
}

std::string str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

http::Response refuse(MpState& s, const std::string& description) {
  s.log(kStsLog, kComponent, "Return code: 401, Description: " + description,
        TraceSeverity::kError);
  return http::text_response(401, "401 - Unauthorized: " + description + "\r\n");
}

// The client registered with Entra ID device `aad_device_id`, as "GUID:..." ("" if none).
std::string client_of_aad_device(sitedb::SiteDb& db, const std::string& aad_device_id) {
  if (aad_device_id.empty()) return "";
  for (const auto& c : db.clients())
    if (c.properties.is_object() && iequals(str(c.properties, "aad_device_id"), aad_device_id))
      return c.client_id;
  return "";
}

}  // namespace

Result<CcmTokenClaims> check_ccm_token(MpState& s, const http::Request& req) {
  const std::string token = bearer_of(req);
  if (token.empty()) return Unauthenticated("no CCM token (Authorization: Bearer)");
  if (!s.deps.token_signer) return Unauthenticated("no token signer");
  auto signer = s.deps.token_signer();
  if (!signer.ok()) return Unauthenticated(signer.status().message());
  const site::SiteSigningCert& key = **signer;
  if (s.token_cache_signer != key.thumbprint()) {
    s.token_cache.clear();
    s.token_cache_signer = key.thumbprint();
  }
  auto cached = s.token_cache.find(token);
  if (cached == s.token_cache.end()) {
    EMU_ASSIGN_OR_RETURN(CcmTokenClaims claims, read_site_token(key, token, "SCCMAccessToken"));
    if (s.token_cache.size() >= MpState::kTokenCacheSize) s.token_cache.clear();
    cached = s.token_cache.emplace(token, std::move(claims)).first;
  }
  EMU_RETURN_IF_ERROR(check_site_token_lifetime(cached->second, s.ctx.clock.now(), s.config.skew));
  return cached->second;
}

http::Response handle_ccm_sts(MpState& s, http::Request& req) {
  if (req.method != "POST" && req.method != "GET") return iis_error(405);
  s.log(kStsLog, kComponent, "ProcessRequest - Start");
  s.log(kStsLog, kComponent,
        "Incoming request URL: " + std::string(req.tls ? "https://" : "http://") +
            (s.mp_server.empty() ? req.host : s.mp_server) + req.path);  // the MP's own name
  if (s.sts_broken) {
    // mp.sts_broken: the JWT assembly mismatch of the CMG troubleshooting article (analyzer: 500
    // CMGConnector_InternalServerError); .NET's FileLoadException text.
    s.log(kStsLog, kComponent,
          "ProcessRequest - Exception: System.IO.FileLoadException: Could not load file or "
          "assembly 'System.IdentityModel.Tokens.Jwt, Version=5.6.0.0, Culture=neutral, "
          "PublicKeyToken=31bf3856ad364e35' or one of its dependencies. The located assembly's "
          "manifest definition does not match the assembly reference. (Exception from HRESULT: "
          "0x80131040)",
          TraceSeverity::kError);
    return iis_500();
  }
  sitedb::SiteDb* db = s.db();
  auto site = db != nullptr ? db->site() : Result<sitedb::Site>(NotFound("no site"));
  if (!site.ok() || !s.deps.token_signer) {
    s.log(kStsLog, kComponent, "ProcessRequest - Exception: the site database is not available",
          TraceSeverity::kError);
    return iis_500();
  }
  auto signer = s.deps.token_signer();
  if (!signer.ok()) {
    s.log(kStsLog, kComponent, "ProcessRequest - Exception: " + signer.status().message(),
          TraceSeverity::kError);
    return iis_500();
  }
  const std::string token = bearer_of(req);
  if (token.empty()) return refuse(s, "No token in the request");  // wording [inferred]
  auto payload = peek_jwt_payload(token);
  if (!payload.ok()) return refuse(s, "Token validation failed, " + payload.status().message());
  const TimePoint now = s.ctx.clock.now();

  CcmTokenClaims out;
  out.category = "SCCMAccessToken";
  out.tenant_id = to_upper(site->hierarchy_id);
  const std::string category = str(*payload, "SCCMTokenCategory");
  if (str(*payload, "Type") == "BulkRegistration" || category == "SCCMPreAuthToken") {
    auto claims = site::validate_bulk_token(**signer, token, now, s.config.skew);
    if (!claims.ok()) return refuse(s, claims.status().message());
    const std::string guid = str(*claims, "UniqueId");
    auto record = db->bulk_token(guid);
    if (record.ok() && record->blocked)  // wording [inferred]
      return refuse(s, "PreAuth token validation failed, the token " + guid + " is blocked.");
    s.log(kStsLog, kComponent,
          "Validated PreAuth token. TokenType: BulkRegistration TokenId: " + guid);  // [inferred]
    out.token_type = "PreAuth";
  } else if (category == "SCCMClientToken") {
    auto claims = validate_site_token(**signer, token, now, s.config.skew, "SCCMClientToken");
    if (!claims.ok())
      return refuse(s, "Client token validation failed, " + claims.status().message());
    if (!db->client(claims->device_id).ok())
      return refuse(s, "Client token validation failed, unknown client " + claims->device_id);
    s.log(kStsLog, kComponent,
          "Validated client token. TokenType: ClientUnique DeviceId: " + claims->device_id);
    out.token_type = "Device";
    out.device_id = claims->device_id;
  } else {
    // Entra ID: the issuer tenant must be onboarded (not disabled); the audience is its web
    // (server) app's App ID URI (vSMS_AAD_Application_Ex.IdentifierUri).
    const std::string tid = str(*payload, "tid");
    auto tenant = db->tenant(tid);
    if (tid.empty() || !tenant.ok())
      return refuse(s, "AAD token validation failed, tenant '" + tid + "' is not onboarded");
    if (tenant->disabled)
      return refuse(s,
                    "AAD token validation failed, Azure AD authentication is disabled for "
                    "tenant '" +
                        tid + "'");
    auto app = db->application(tenant->tenant_id, "web");
    if (!app.ok() || s.deps.aad == nullptr)
      return refuse(s, "AAD token validation failed, no server app for tenant '" + tid + "'");
    aad::ValidationPolicy policy;
    policy.tenant_id = tenant->tenant_id;
    policy.skew = s.config.skew;
    for (const std::string& a : {app->identifier_uri, app->client_id})
      if (!a.empty()) {
        policy.audiences.push_back(a);
        policy.audiences.push_back(a.back() == '/' ? a.substr(0, a.size() - 1) : a + "/");
      }
    aad::TokenCheck check = s.deps.aad->validate(token, policy);
    if (!check.ok())
      return refuse(s, "AAD token validation failed, " +
                           std::string(aad::token_error_name(check.error)) + ": " + check.message);
    const aad::Principal& p = check.principal;
    const std::string device = str(p.claims, "deviceid");
    if (p.idtyp == "app") {
      out.token_type = "Device";
      out.aad_device_id = device.empty() ? p.object_id : device;
    } else {
      out.token_type = device.empty() ? "User" : "UDA";
      out.user_id = p.object_id;
      out.aad_device_id = device;
    }
    out.aad_tenant_id = p.tenant_id;
    // A user's token maps to a user the site discovered in that tenant (Azure AD user
    // discovery); without one the site cannot tell who it is [inferred from the documented
    // failure "0x87d00231 with no Entra users discovered"; the exact description is not
    // published].
    if (!out.user_id.empty()) {
      if (!db->user(tenant->tenant_id, out.user_id).ok())
        return refuse(s, "AAD token validation failed, user '" + out.user_id +
                             "' is not a discovered user of tenant '" + p.tenant_id + "'");
    }
    out.device_id = client_of_aad_device(*db, out.aad_device_id);
    s.log(kStsLog, kComponent,
          "Validated AAD token. TokenType: " + out.token_type + " TenantId: " + p.tenant_id +
              " UserId: " + out.user_id + " DeviceId: " + out.aad_device_id +
              " OnPrem_UserSid:  OnPrem_DeviceSid: ");
    s.log(kStsLog, kComponent, "TokenType is " + out.token_type);
  }
  out.unique_id = s.ctx.ids.guid();
  out.not_before = std::chrono::floor<std::chrono::seconds>(now);
  out.expires = out.not_before + s.config.ccm_token_lifetime;
  auto jwt = issue_ccm_token(**signer, out);
  if (!jwt.ok()) {
    s.log(kStsLog, kComponent, "ProcessRequest - Exception: " + jwt.status().message(),
          TraceSeverity::kError);
    return iis_500();
  }
  s.log(kStsLog, kComponent,
        "Created SCCM token, token type: " + out.token_type + ", hierarchyId: " +
            to_lower(out.tenant_id) + ", userId: " + out.user_id + ", deviceId: " + out.device_id);
  s.log(kStsLog, kComponent, "Issued token");
  s.log(kStsLog, kComponent, "Return token to client");
  ++s.tokens_issued;
  return http::json_response(200, {{"token", *jwt},
                                   {"token_type", out.token_type},
                                   {"expires_on", format_iso8601(out.expires)}});
}

}  // namespace emu::mp::internal

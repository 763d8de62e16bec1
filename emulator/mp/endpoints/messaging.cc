// CCM_POST /CCM_System[_TokenAuth|_AltAuth]/request: the CcmMessaging ISAPI (ccmisapi.dll).
// Framing and parsing by emulator/mp/messaging (codec); here: method and size checks, the CCM
// token of the TokenAuth vdir, and the dispatch on TargetEndpoint.
#include "emulator/core/text.h"
#include "emulator/mp/endpoints/endpoints.h"

#include <cctype>

namespace emu::mp::internal {
namespace {

// Endpoints a real MP has whose messages are asynchronous (no reply body): accepted and
// dropped [inferred; names from sccmhunter's DDR, support article
// track-software-update-compliance-assessment.md's relay endpoint].
bool is_async_endpoint(const std::string& e) {
  for (const char* n : {"MP_DdrEndpoint", "MP_RelayEndpoint", "MP_HinvEndpoint", "MP_SinvEndpoint",
                        "MP_StatusReceiver", "MP_FileCollectionEndpoint"})
    if (iequals(e, n)) return true;
  return false;
}

std::string endpoint_of(const messaging::MsgHeader& h) {
  if (!h.target_endpoint.empty()) return h.target_endpoint;
  std::string a = h.target_address;  // "mp:[http]MP_LocationManager", "mp:MP_PolicyManager"
  if (a.size() > 3 && iequals(a.substr(0, 3), "mp:")) a = a.substr(3);
  if (a.size() > 6 && iequals(a.substr(0, 6), "[http]")) a = a.substr(6);
  return a;
}

}  // namespace

http::Response ccm_reply(const CcmCall& call, const std::string& reply_xml) {
  std::string content_type;
  std::string body = messaging::build_reply(call.msg.header, reply_xml, &content_type);
  return http::text_response(200, std::move(body), content_type);
}

http::Response ccm_empty() {
  http::Response r;
  r.status = 200;
  return r;
}

std::string normalize_client_id(std::string_view id) {
  std::string v(id);
  if (v.size() > 5 && iequals(v.substr(0, 5), "GUID:")) v = v.substr(5);
  if (v.size() == 38 && v.front() == '{' && v.back() == '}') v = v.substr(1, 36);
  if (v.size() != 36) return "";
  for (size_t i = 0; i < v.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? v[i] != '-' : std::isxdigit(static_cast<unsigned char>(v[i])) == 0) return "";
  }
  return "GUID:" + to_upper(v);
}

std::vector<std::string> cmg_mp_names(sitedb::SiteDb& db) {
  std::vector<std::string> out;
  for (const auto& svc : db.cloud_services()) {
    if (svc.state != sitedb::CloudServiceState::kReady || svc.service_type != "CloudProxyService")
      continue;
    for (const auto& role : db.roles())
      if (role.role_type == sitedb::kManagementPoint && role.allow_cmg_traffic)
        out.push_back(svc.name + "/CCM_Proxy_MutualAuth/" + std::to_string(role.id));
  }
  return out;
}

http::Response handle_ccm_post(MpState& s, http::Request& req, bool token_auth) {
  if (req.method != messaging::kMethod) {
    http::Response r = iis_error(405);
    r.headers.set("Allow", std::string(messaging::kMethod));
    return r;
  }
  const messaging::MessageLimits limits;
  if (req.body.size() > limits.max_request_bytes)
    return http::text_response(413, "Request Entity Too Large\r\n");
  std::optional<CcmTokenClaims> token;
  if (token_auth) {
    // CCM_System_TokenAuth requires a CCM token (memdocs azure-ccmsetup.md: CcmTokenAuth=1;
    // DEF CON 33: anonymous messages are not accepted there).
    auto claims = check_ccm_token(s, req);
    if (!claims.ok()) return iis_error(401);
    token = std::move(*claims);
  }
  auto msg = messaging::parse_message(req.headers.get_or("Content-Type", ""), req.body, limits);
  if (!msg.ok()) {
    if (msg.status().code() == StatusCode::kResourceExhausted)
      return http::text_response(413, "Request Entity Too Large\r\n");
    return http::text_response(400, "Bad Request: " + msg.status().message() + "\r\n");
  }
  const std::string endpoint = endpoint_of(msg->header);
  CcmCall call{s, req, *msg, token};
  const bool registration = iequals(endpoint, "MP_ClientRegistration");
  // A PreAuth CCM token (from a bulk token) is good for registration and for ccmsetup's
  // location requests only (emulator/cmg/preauth.h TokenPath::kBootstrap) [inferred].
  if (token && token->token_type == "PreAuth" && !registration &&
      !iequals(endpoint, "MP_LocationManager"))
    return iis_error(401);
  if (iequals(endpoint, "MP_LocationManager")) return location_request(call);
  if (registration) return registration_request(call);
  if (iequals(endpoint, "MP_PolicyManager")) return policy_request(call);
  if (is_async_endpoint(endpoint)) return ccm_empty();
  // Unknown endpoint: not found [inferred; the real ISAPI's answer is not published].
  return http::text_response(404, "Endpoint '" + endpoint + "' not found\r\n");
}

}  // namespace emu::mp::internal

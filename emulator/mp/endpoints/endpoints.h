// The CcmMessaging endpoints of the MP (the CCM_Service_EndpointConfiguration names of README
// Sources [S4]), dispatched on the <Msg> header's TargetEndpoint by messaging.cc.
#pragma once

#include "emulator/mp/internal.h"
#include "emulator/mp/messaging/ccm_message.h"

#include <optional>

namespace emu::mp::internal {

struct CcmCall {
  MpState& s;
  const http::Request& req;
  const messaging::CcmMessage& msg;
  std::optional<CcmTokenClaims> token;  // CCM_System_TokenAuth: the verified CCM token
};

// 200 + the reply framing (same boundary, UTF-16 header, zlib body unless "none" was asked).
http::Response ccm_reply(const CcmCall& call, const std::string& reply_xml);
// 200 with Content-Length: 0 (what SharpSCCM/sccmhunter see for an unknown, unapproved or
// badly signed client; "doesn't have reply" for async messages).
http::Response ccm_empty();

http::Response location_request(const CcmCall& call);      // MP_LocationManager
http::Response registration_request(const CcmCall& call);  // MP_ClientRegistration
http::Response policy_request(const CcmCall& call);        // MP_PolicyManager

// The CMG MP names of this MP ("cmg.contoso.com/CCM_Proxy_MutualAuth/72057594037927939") for
// Ready cloud services and MP roles that allow CMG traffic.
std::vector<std::string> cmg_mp_names(sitedb::SiteDb& db);
// "GUID:<UPPER>" from "GUID:x", "{x}" or "x"; "" for anything that is not a GUID.
std::string normalize_client_id(std::string_view id);

}  // namespace emu::mp::internal

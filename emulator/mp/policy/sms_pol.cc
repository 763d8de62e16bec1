// SMS_MP/.sms_pol?{PolicyID}.{version} and ?{PolicyID}.SHA256:<hex> (getpolicy.dll): policy
// bodies (support article track-software-update-deployment-process.md for the SHA256 form;
// sccmclictr for {ID}.7_00). MSF percent-encodes the braces, so the query is decoded first.
// Unknown IDs or a hash that does not match are 404 [inferred].
#include "emulator/core/text.h"
#include "emulator/mp/internal.h"

namespace emu::mp::internal {

http::Response handle_sms_pol(MpState& s, http::Request& req) {
  constexpr const char* kLog = "MP_GetPolicy.log";  // memdocs about-log-files.md
  constexpr const char* kComponent = "MP_GetPolicy_ISAPI";
  if (req.method != "GET" && req.method != "HEAD") return iis_error(405);
  const std::string q = http::url_decode(req.query_string);
  const size_t close = q.find('}');
  const size_t dot = q.find('.', close == std::string::npos ? 0 : close);
  const std::string id = q.substr(0, dot);
  const std::string version = dot == std::string::npos ? "" : q.substr(dot + 1);
  for (const Policy& p : site_policies(s)) {
    if (!iequals(p.policy_id, id)) continue;
    if (version.size() > 7 && iequals(version.substr(0, 7), "SHA256:") &&
        !iequals(version.substr(7), p.sha256))
      break;
    s.log(kLog, kComponent,
          "MP_GetPolicy: sending policy " + p.policy_id + " (" + p.category + ", " +
              std::to_string(p.body.size()) + " bytes)");
    http::Response r = http::text_response(200, p.body, "text/xml");
    if (req.method == "HEAD") {
      r.headers.set("Content-Length", std::to_string(p.body.size()));
      r.body.clear();
    }
    return r;
  }
  s.log(kLog, kComponent, "MP_GetPolicy: policy '" + q + "' not found", TraceSeverity::kWarning);
  return iis_error(404);
}

}  // namespace emu::mp::internal

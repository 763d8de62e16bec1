// SMS_MP/.sms_aut (getauth.dll, log component MP_GetAuth_ISAPI): the verbs the public tools
// use. Sources: ConfigManBearPig sample log (real
// MPLIST, MPLIST1, SITESIGNCERT, MPKEYINFORMATION, SMSTRC replies), DEF CON 33 Synacktiv deck
// (MPLIST shape), support article dynamic-media-cannot-get-mp-locations.md (MPLOCATION, the
// "MP GA" log lines). Replies are plain XML (UTF-8).
#include "emulator/core/crypto/digest.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/text.h"
#include "emulator/mp/getauth/keys.h"
#include "emulator/mp/internal.h"
#include "emulator/mp/messaging/ccm_message.h"

namespace emu::mp::internal {
namespace {

constexpr const char* kComponent = "MP_GetAuth_ISAPI";

std::vector<std::string> split_query(const std::string& q) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= q.size()) {
    size_t amp = q.find('&', start);
    if (amp == std::string::npos) amp = q.size();
    out.push_back(http::url_decode(std::string_view(q).substr(start, amp - start)));
    start = amp + 1;
  }
  return out;
}

http::Response xml_reply(MpState& s, const std::string& verb, std::string body, bool log_body) {
  if (log_body) s.log(kGetAuthLog, kComponent, "MP GA: Actual Auth Reply Body :\r\n" + body);
  s.log(kGetAuthLog, kComponent, "MP GA: " + verb + ": Sending response 200 OK");
  return http::text_response(200, std::move(body), "text/xml");
}

http::Response failure(MpState& s, const std::string& verb, const std::string& why) {
  s.log(kGetAuthLog, kComponent, "MP GA: " + verb + " failed: " + why, TraceSeverity::kError);
  return iis_500();
}

// SSLState of an MP in MPLIST [inferred: 0 as the HTTP sample shows; 63 for HTTPS].
std::string mp_record(const sitedb::SiteRole& r, const std::string& build,
                      const std::string& site_code) {
  std::string x =
      "<MP Name=\"" + xml_escape(to_upper(r.server)) + "\" FQDN=\"" + xml_escape(r.server) + "\"";
  if (!site_code.empty()) x += " SiteCode=\"" + site_code + "\"";
  x += "><Version>" + build +
       "</Version><Capabilities SchemaVersion=\"1.0\"><Property Name=\"SSLState\" Value=\"" +
       std::string(r.https ? "63" : "0") + "\"/></Capabilities></MP>";
  return x;
}

Result<std::string> mp_list(sitedb::SiteDb& db, const sitedb::Site& site, bool with_site_code) {
  std::string x = "<MPList>";
  const std::string build = site_build(site.version);
  for (const auto& role : db.roles())
    if (role.role_type == sitedb::kManagementPoint)
      x += mp_record(role, build, with_site_code ? site.code : "");
  x += "</MPList>";
  return x;
}

Result<std::string> cert_der_of(sitedb::SiteDb& db, const std::string& type) {
  EMU_ASSIGN_OR_RETURN(sitedb::SiteCertificate c, db.certificate(type));
  EMU_ASSIGN_OR_RETURN(crypto::X509Ptr x, crypto::parse_cert_pem(c.certificate_pem));
  return crypto::cert_to_der(x.get());
}

}  // namespace

http::Response handle_getauth(MpState& s, http::Request& req) {
  if (req.method != "GET" && req.method != "HEAD") return iis_error(405);
  const std::vector<std::string> q = split_query(req.query_string);
  const std::string verb = q.empty() ? "" : to_upper(q[0]);
  s.log(kGetAuthLog, kComponent, "MP GA: Received request " + verb);
  sitedb::SiteDb* db = s.db();
  if (db == nullptr) return failure(s, verb, "the site database is not available");
  auto site = db->site();
  if (!site.ok()) return failure(s, verb, "the site database has no site");
  const std::string arg = q.size() > 1 ? q[1] : "";

  if (verb == "MPLIST") {
    auto x = mp_list(*db, *site, false);
    return x.ok() ? xml_reply(s, verb, *x, true) : failure(s, verb, x.status().message());
  }
  if (verb == "MPLIST1" || verb == "MPLIST2") {
    // Another site's MPs; an unknown site code is IIS's 500 page (ConfigManBearPig).
    if (!iequals(arg, site->code))
      return failure(s, verb, "no management point for site code '" + arg + "'");
    auto x = mp_list(*db, *site, true);
    return x.ok() ? xml_reply(s, verb, *x, true) : failure(s, verb, x.status().message());
  }
  if (verb == "MPLOCATION") {
    // Shape [inferred]: the MPLIST1 form (exec GetMPLocationForIPSubnet returns this site's MPs).
    auto x = mp_list(*db, *site, true);
    return x.ok() ? xml_reply(s, verb, *x, true) : failure(s, verb, x.status().message());
  }
  if (verb == "SITESIGNCERT") {
    auto der = cert_der_of(*db, "SiteSigning");
    if (!der.ok()) return failure(s, verb, der.status().message());
    auto k = s.ensure_keys();
    if (!k.ok()) return failure(s, verb, k.status().message());
    // Signature: an RSA-2048 signature over the certificate by the trusted root key [inferred].
    auto sig = sign_reversed((*k)->root_key.get(), *der);
    if (!sig.ok()) return failure(s, verb, sig.status().message());
    return xml_reply(s, verb,
                     "<X509Data><X509Certificate EncodingType=\"hexBinary\" Signature=\"" + *sig +
                         "\">" + crypto::upper_hex(*der) + "</X509Certificate></X509Data>",
                     false);
  }
  if (verb == "MPCERT" || verb == "MPCERTIFICATE") {
    auto k = s.ensure_keys();
    if (!k.ok()) return failure(s, verb, k.status().message());
    auto sig = sign_reversed((*k)->root_key.get(), (*k)->mp_cert_der);
    if (!sig.ok()) return failure(s, verb, sig.status().message());
    // Shape [inferred]: the SITESIGNCERT form with the MP's certificate.
    return xml_reply(s, verb,
                     "<X509Data><X509Certificate EncodingType=\"hexBinary\" Signature=\"" + *sig +
                         "\">" + crypto::upper_hex((*k)->mp_cert_der) +
                         "</X509Certificate></X509Data>",
                     false);
  }
  if (verb == "MPKEYINFORMATION" || verb == "MPKEYINFORMATIONMEDIA") {
    auto k = s.ensure_keys();
    if (!k.ok()) return failure(s, verb, k.status().message());
    auto blob = public_key_blob((*k)->root_key.get());
    if (!blob.ok()) return failure(s, verb, blob.status().message());
    // The CMS signature covers the key blob's bytes [inferred], signed with the MP certificate.
    auto blob_bytes = messaging::from_hex(*blob);
    if (!blob_bytes.ok()) return failure(s, verb, blob_bytes.status().message());
    auto cms = cms_detached_hex((*k)->mp_cert.get(), (*k)->mp_key.get(), *blob_bytes);
    if (!cms.ok()) return failure(s, verb, cms.status().message());
    std::string x = "<MPKEYINFORMATION><TRUSTEDROOTKEY Signature=\"" + *cms + "\">" + *blob +
                    "</TRUSTEDROOTKEY><FQDN>" + xml_escape(s.mp_server) + "</FQDN><SITECODE>" +
                    site->code + "</SITECODE>";
    if (verb == "MPKEYINFORMATIONMEDIA") {
      // PXEThief reads UnknownMachines@x86UnknownMachineGUID/x64UnknownMachineGUID and SITECODE.
      x += "<UnknownMachines x86UnknownMachineGUID=\"{" +
           to_upper(site->hierarchy_id.substr(0, 8)) +
           "-0000-4000-8000-000000000086}\" x64UnknownMachineGUID=\"{" +
           to_upper(site->hierarchy_id.substr(0, 8)) + "-0000-4000-8000-000000000064}\"/>";
    }
    x += "</MPKEYINFORMATION>";
    return xml_reply(s, verb, x, false);
  }
  if (verb == "SMSTRC") {
    auto der = cert_der_of(*db, "TokenSigning");
    if (!der.ok()) return failure(s, verb, der.status().message());
    auto k = s.ensure_keys();
    if (!k.ok()) return failure(s, verb, k.status().message());
    const std::string certs = "<Certs><Cert>" + crypto::upper_hex(*der) + "</Cert></Certs>";
    // SignatureValue: over the UTF-16LE <Certs> text with the trusted root key [inferred].
    auto sig = sign_reversed((*k)->root_key.get(), messaging::utf8_to_utf16le(certs));
    if (!sig.ok()) return failure(s, verb, sig.status().message());
    return xml_reply(s, verb,
                     "<SMSIssuingCerts version=\"1.0\"><Signature><SignatureAlgorithm "
                     "AlgID=\"32780\">1.2.840.113549.1.1.11</SignatureAlgorithm><SignatureValue>" +
                         *sig + "</SignatureValue></Signature>" + certs + "</SMSIssuingCerts>",
                     false);
  }
  return failure(s, verb.empty() ? "(none)" : verb, "unknown request");
}

}  // namespace emu::mp::internal

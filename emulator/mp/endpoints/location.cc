// MP_LocationManager (LocationManagerHandler; visibility All). Request roots the handler
// compares (DEF CON 33 Synacktiv deck, decompiled CHandleLocationRequest::ParseRequestBody),
// reply roots and log lines from memdocs azure-ccmsetup.md (SiteInfoReply), support articles
// troubleshoot-install-application-step.md (ContentLocationReply, "MP LM: Reply message
// body:") and track-software-update-compliance-assessment.md (WSUSLocationReply). Child
// elements not shown by any source are inferred from the Client Messaging SDK's classes
// (SiteInfoSite, EnumerateMPLocationReply/MPLocationRecord, AssignedSiteInfoSite).
#include "emulator/core/text.h"
#include "emulator/core/xml.h"
#include "emulator/mp/endpoints/endpoints.h"

namespace emu::mp::internal {
namespace {

constexpr const char* kComponent = "MP_LocationManager";

std::string ssl_capabilities(bool https) {
  return "<Capabilities SchemaVersion=\"1.0\"><Property Name=\"SSLState\" Value=\"" +
         std::string(https ? "63" : "0") + "\"/></Capabilities>";
}

bool mp_https(sitedb::SiteDb& db, const std::string& server) {
  auto role = db.find_role(server, sitedb::kManagementPoint);
  return role.ok() && role->https;
}

std::string site_element(MpState& s, sitedb::SiteDb& db, const sitedb::Site& site) {
  return "<Site><SiteCode>" + site.code + "</SiteCode><Version>" + site_full_version(site.version) +
         "</Version><BuildNumber>" + site_build(site.version) + "</BuildNumber><DefaultMP>" +
         xml_escape(s.mp_server) + "</DefaultMP>" + ssl_capabilities(mp_https(db, s.mp_server)) +
         "<OperationalSettings/><SecurityConfiguration SchemaVersion=\"1.0\">"
         "<Property Name=\"SignatureHashAlgorithm\" Value=\"32780\"/>"
         "<Property Name=\"EnhancedHTTP\" Value=\"" +
         std::string(db.find_role(s.mp_server, sitedb::kManagementPoint).ok() &&
                             db.find_role(s.mp_server, sitedb::kManagementPoint)->enhanced_http
                         ? "1"
                         : "0") +
         "\"/></SecurityConfiguration></Site>";
}

std::string mp_location_records(sitedb::SiteDb& db, const sitedb::Site& site) {
  std::string x = "<MPLocationRecords>";
  const std::string build = site_build(site.version);
  for (const auto& role : db.roles()) {
    if (role.role_type != sitedb::kManagementPoint) continue;
    x += "<MPLocationRecord Name=\"" + xml_escape(to_upper(role.server)) + "\" FQDN=\"" +
         xml_escape(role.server) + "\" SiteCode=\"" + site.code + "\" Version=\"" + build +
         "\" Type=\"Intranet\">" + ssl_capabilities(role.https) + "</MPLocationRecord>";
  }
  // The CMG as the internet MP (ClientLocation.log "Rotating internet management point, new
  // management point [1] is: https://CONTOSO.CLOUDAPP.NET/CCM_Proxy_MutualAuth/72186325152220500";
  // memdocs deploy-clients-cmg-token.md).
  for (const std::string& name : cmg_mp_names(db))
    x += "<MPLocationRecord Name=\"" + xml_escape(to_upper(name)) + "\" FQDN=\"" +
         xml_escape(name) + "\" SiteCode=\"" + site.code + "\" Version=\"" + build +
         "\" Type=\"Internet\"><Capabilities SchemaVersion=\"1.0\"><Property Name=\"SSL\" "
         "Version=\"1\"/></Capabilities></MPLocationRecord>";
  x += "</MPLocationRecords>";
  return x;
}

std::string content_location_reply(MpState& s, sitedb::SiteDb& db, const sitedb::Site& site,
                                   const XmlElement& request) {
  // Through a CMG (UseAzure/UseInternetDP or OnInternet) the client bits come from the CMG's
  // CCM_Client (memdocs azure-ccmsetup.md); on the intranet from the MP's.
  const XmlElement* info = request.child("ClientLocationInfo", true);
  const bool internet = info != nullptr && (info->attr_or("UseAzure", "0", true) == "1" ||
                                            info->attr_or("UseInternetDP", "0", true) == "1" ||
                                            info->attr_or("OnInternet", "0", true) == "1");
  std::string url = "http://" + s.mp_server + "/CCM_Client";
  std::string server = s.mp_server;
  if (internet) {
    const auto cmg = cmg_mp_names(db);
    if (!cmg.empty()) {
      std::string name = cmg.front();
      const size_t slash = name.find('/');
      server = name.substr(0, slash);
      // ServerAuth prefix for token clients (memdocs azure-ccmsetup.md: CCM_Client through
      // /CCM_Proxy_ServerAuth/<id>/CCM_Client).
      url = "https://" + server + "/CCM_Proxy_ServerAuth" + name.substr(name.find('/', slash + 1)) +
            "/CCM_Client";
    }
  }
  return "<ContentLocationReply SchemaVersion=\"1.00\" ContentFlags=\"0\" HashAlgorithm=\"32780\" "
         "AlgorithmPreference=\"4\" Hash=\"\" ExcludeFileListHash=\"\" RelatedContentID=\"\">"
         "<ContentInfo PackageFlags=\"0\"><ContentHashValues/></ContentInfo><Sites><Site>"
         "<MPSite SiteCode=\"" +
         site.code + "\" MasterSiteCode=\"" + site.code +
         "\" SiteLocality=\"LOCAL\" IISPreferedPort=\"80\" IISSSLPreferedPort=\"443\"/>"
         "<LocationRecords><LocationRecord><URL Name=\"" +
         xml_escape(url) +
         "\" Signature=\"\"/><ADSite Name=\"Default-First-Site-Name\"/>"
         "<IPSubnets><IPSubnet Address=\"\"/></IPSubnets><Metric Value=\"\"/><Version>" +
         site_build(site.version) +
         "</Version><Capabilities SchemaVersion=\"1.0\"><Property Name=\"SSLState\" Value=\"" +
         std::string(internet ? "1" : "0") + "\"/></Capabilities><ServerRemoteName>" +
         xml_escape(server) + "</ServerRemoteName><DPType>" +
         std::string(internet ? "CLOUD" : "SERVER") +
         "</DPType><Windows Trust=\"1\"/><Locality>LOCAL</Locality></LocationRecord>"
         "</LocationRecords></Site></Sites><RelatedContentIDs/></ContentLocationReply>";
}

}  // namespace

http::Response location_request(const CcmCall& call) {
  MpState& s = call.s;
  s.log(kLocationLog, kComponent, "MP LM: Message Body : " + call.msg.body_xml);
  auto root = parse_xml(call.msg.body_xml, messaging::MessageLimits{}.xml);
  if (!root.ok()) {
    s.log(kLocationLog, kComponent,
          "MP LM: failed to parse the request: " + root.status().message(), TraceSeverity::kError);
    return http::text_response(400, "Bad Request\r\n");
  }
  sitedb::SiteDb* db = s.db();
  auto site = db != nullptr ? db->site() : Result<sitedb::Site>(NotFound("no site"));
  if (!site.ok()) return iis_500();
  const std::string& name = root->name;
  std::string reply;
  if (iequals(name, "SiteInformationRequest")) {
    const XmlElement* code = root->child("SiteCode", true);
    const std::string wanted = code != nullptr ? code->attr_or("Name", "", true) : "";
    reply = "<SiteInfoReply SchemaVersion=\"1.00\">" +
            (wanted.empty() || iequals(wanted, site->code) ? site_element(s, *db, *site) : "") +
            "</SiteInfoReply>";
  } else if (iequals(name, "AssignedSiteRequest")) {
    reply = "<AssignedSiteReply SchemaVersion=\"1.00\">" + site_element(s, *db, *site) +
            "</AssignedSiteReply>";
  } else if (iequals(name, "EnumerateMPLocationRequest") || iequals(name, "MPLocationRequest")) {
    reply = "<EnumerateMPLocationReply SchemaVersion=\"1.00\"><Sites><Site><MPSite SiteCode=\"" +
            site->code + "\" MasterSiteCode=\"" + site->code + "\" SiteLocality=\"LOCAL\"/>" +
            mp_location_records(*db, *site) + "</Site></Sites></EnumerateMPLocationReply>";
  } else if (iequals(name, "ContentLocationRequest")) {
    reply = content_location_reply(s, *db, *site, *root);
  } else if (iequals(name, "WSUSLocationRequest")) {
    reply = "<WSUSLocationReply SchemaVersion=\"1.00\"><Sites><Site><MPSite SiteCode=\"" +
            site->code + "\"/><LocationRecords>";
    for (const auto& role : db->roles())
      if (role.role_type == sitedb::kSoftwareUpdatePoint)
        reply += "<LocationRecord WSUSURL=\"" + std::string(role.https ? "https://" : "http://") +
                 xml_escape(role.server) + (role.https ? ":8531" : ":8530") + "\" ServerName=\"" +
                 xml_escape(role.server) + "\" Version=\"1\"/>";
    reply += "</LocationRecords></Site></Sites></WSUSLocationReply>";
  } else {
    // UpdateSFRequest, TokenServicesRequest and others: reply shapes unknown [U]; no reply.
    s.log(kLocationLog, kComponent, "MP LM: request '" + name + "' is not handled",
          TraceSeverity::kWarning);
    return ccm_empty();
  }
  s.log(kLocationLog, kComponent, "MP LM: Reply message body:\r\n" + reply);
  return ccm_reply(call, reply);
}

}  // namespace emu::mp::internal

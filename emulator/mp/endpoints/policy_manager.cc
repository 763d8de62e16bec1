// MP_PolicyManager (PolicyManagerHandler; visibility ClientSigned: the clientauth hook is
// required). The PayloadSignature is verified over the exact part-2 bytes as received
// (SCCMSecrets, sccmhunter, Metasploit sign the compressed bytes) with the signing certificate
// the client registered. An unknown, unapproved or badly signed client gets 200 with an empty
// body, as SharpSCCM documents ("ClientID or signature invalid") and sccmhunter retries on.
// Reply: ReplyAssignments (SDK 2007 cc146760 / cc145861) pointing at .sms_pol bodies.
#include "emulator/core/text.h"
#include "emulator/core/xml.h"
#include "emulator/mp/endpoints/endpoints.h"

namespace emu::mp::internal {
namespace {

constexpr const char* kComponent = "MP_PolicyManager";

http::Response no_policy(const CcmCall& call, const std::string& why) {
  call.s.log(kPolicyLog, kComponent, "MP_PolicyManager: " + why, TraceSeverity::kWarning);
  return ccm_empty();
}

}  // namespace

http::Response policy_request(const CcmCall& call) {
  MpState& s = call.s;
  const messaging::MsgHeader& h = call.msg.header;
  const std::string client_id = normalize_client_id(h.source_id);
  if (!h.clientauth_hook)
    return no_policy(call, "message from '" + h.source_id + "' is not signed");
  auto sig = h.clientauth.find("PayloadSignature");
  if (sig == h.clientauth.end() || sig->second.empty())
    return no_policy(call, "message from '" + h.source_id + "' has no PayloadSignature");
  sitedb::SiteDb* db = s.db();
  if (db == nullptr || !db->site().ok()) return iis_500();
  const sitedb::Site site = *db->site();
  if (client_id.empty()) return no_policy(call, "invalid SourceID '" + h.source_id + "'");
  auto client = db->client(client_id);
  if (!client.ok()) return no_policy(call, "unknown client '" + client_id + "'");
  if (client->approval == 0) return no_policy(call, "client '" + client_id + "' is not approved");
  std::string cert_hex;
  if (client->properties.is_object() && client->properties.contains("signing_certificate") &&
      client->properties["signing_certificate"].is_string())
    cert_hex = client->properties["signing_certificate"].get<std::string>();
  auto key = s.public_key_of(cert_hex);
  if (!key.ok() || !(*key)->verify(call.msg.payload, sig->second))
    return no_policy(call, "payload signature of '" + client_id + "' does not verify");
  auto root = parse_xml(call.msg.body_xml, messaging::MessageLimits{}.xml);
  if (!root.ok() || !iequals(root->name, "RequestAssignments"))
    return no_policy(call, "not a RequestAssignments request from '" + client_id + "'");
  std::string resource = "Machine";
  if (const XmlElement* r = root->child("Resource", true))
    resource = r->attr_or("ResourceType", "Machine", true);
  s.log(kPolicyLog, kComponent,
        "MP_PolicyManager: " + resource + " policy request from client '" + client_id + "'");
  std::vector<Policy> policies;
  if (iequals(resource, "Machine")) policies = site_policies(s);  // user policy: none [inferred]
  std::string fqdn;
  if (client->properties.is_object() && client->properties.contains("fqdn") &&
      client->properties["fqdn"].is_string())
    fqdn = client->properties["fqdn"].get<std::string>();
  const std::string reply = build_reply_assignments(policies, client_id, client->name, fqdn,
                                                    site.code, format_iso8601(s.ctx.clock.now()));
  s.log(kPolicyLog, kComponent,
        "MP_PolicyManager: replying with " + std::to_string(policies.size()) +
            " policy assignment(s) to '" + client_id + "'");
  return ccm_reply(call, reply);
}

}  // namespace emu::mp::internal

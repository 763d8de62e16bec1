#include "emulator/mp/policy/policies.h"

#include "emulator/core/crypto/digest.h"
#include "emulator/core/text.h"
#include "emulator/mp/messaging/ccm_message.h"

namespace emu::mp {
namespace {

// A GUID derived from `seed` (stable across runs for the same site): "{8-4-4-4-12}" upper case.
std::string derived_guid(const std::string& seed) {
  auto digest = crypto::sha256(seed);
  std::string hex = crypto::upper_hex(digest.ok() ? *digest : seed);
  while (hex.size() < 32) hex += "0";
  return "{" + hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12) + "}";
}

std::string property(const std::string& name, const std::string& type, const std::string& value) {
  return "<property name=\"" + name + "\" type=\"" + type + "\"><value>" + xml_escape(value) +
         "</value></property>";
}

std::string yes_no(const nlohmann::json& group, const char* name, bool fallback) {
  if (!group.is_object() || !group.contains(name) || !group[name].is_string())
    return fallback ? "true" : "false";
  return group[name].get<std::string>() == "Yes" ? "true" : "false";
}

Policy make_policy(const std::string& site_code, const std::string& hierarchy_id,
                   const std::string& category, const std::string& instance_xml) {
  Policy p;
  p.category = category;
  p.policy_id = derived_guid(hierarchy_id + "/" + site_code + "/policy/" + category);
  p.assignment_id = derived_guid(hierarchy_id + "/" + site_code + "/assignment/" + category);
  const std::string rule_id = derived_guid(hierarchy_id + "/" + site_code + "/rule/" + category);
  const std::string xml =
      "<?xml version=\"1.0\" encoding=\"utf-16\"?>\r\n"
      "<Policy PolicyType=\"Machine\" PolicyID=\"" +
      p.policy_id + "\" PolicyVersion=\"" + p.version + "\" PolicySource=\"SMS:" + site_code +
      "\" PolicyCategory=\"" + category + "\" xmlns=\"\">\r\n<PolicyRule PolicyRuleID=\"" +
      rule_id + "\">\r\n<PolicyAction PolicyActionType=\"WMI-XML\">\r\n<![CDATA[" + instance_xml +
      "]]>\r\n</PolicyAction>\r\n</PolicyRule>\r\n</Policy>\r\n";
  p.body = std::string("\xFF\xFE", 2) + messaging::utf8_to_utf16le(xml);
  auto digest = crypto::sha256(p.body);
  p.sha256 = digest.ok() ? crypto::upper_hex(*digest) : "";
  return p;
}

}  // namespace

std::string Policy::location() const {
  return "http://<mp>/SMS_MP/.sms_pol?" + policy_id + ".SHA256:" + sha256;
}

std::vector<Policy> build_policies(const std::string& site_code, const std::string& hierarchy_id,
                                   const nlohmann::json& client_settings) {
  std::vector<Policy> out;
  // CCM_ClientAgentConfig: class and property names as the client's WMI policy namespace
  // shows them [inferred values].
  out.push_back(
      make_policy(site_code, hierarchy_id, "ClientAgentConfig",
                  "<instance class=\"CCM_ClientAgentConfig\">" +
                      property("SiteSettingsKey", "19", "1") + property("Enabled", "11", "true") +
                      property("PolicyRequestAssignmentTimeout", "19", "60") +
                      property("PolicyEnableUserPolicyPolling", "11", "true") + "</instance>"));
  const nlohmann::json cloud =
      client_settings.is_object()
          ? client_settings.value("Cloud Services", nlohmann::json::object())
          : nlohmann::json::object();
  // The Cloud Services client settings (the CMG setting the client must have on even with
  // tokens: memdocs deploy-clients-cmg-token.md) [inferred class and property names].
  out.push_back(make_policy(
      site_code, hierarchy_id, "CloudServicesSettings",
      "<instance class=\"CCM_CloudClientConfig\">" + property("SiteSettingsKey", "19", "1") +
          property("AllowCMG", "11",
                   yes_no(cloud, "Enable clients to use a cloud management gateway", true)) +
          property("AllowCloudDP", "11",
                   yes_no(cloud, "Allow access to cloud distribution point", false)) +
          property("AutoAADJoin", "11",
                   yes_no(cloud,
                          "Automatically register new Windows 10 domain joined devices with "
                          "Azure Active Directory",
                          true)) +
          "</instance>"));
  return out;
}

std::string build_reply_assignments(const std::vector<Policy>& policies,
                                    const std::string& client_id, const std::string& netbios,
                                    const std::string& fqdn, const std::string& site_code,
                                    const std::string& server_cookie) {
  std::string x =
      "<ReplyAssignments SchemaVersion=\"1.00\" ReplyType=\"Full\"><Identification>"
      "<Machine><ClientID>" +
      xml_escape(client_id) + "</ClientID><NetBIOSName>" + xml_escape(netbios) +
      "</NetBIOSName><FQDN>" + xml_escape(fqdn) +
      "</FQDN><SID/></Machine></Identification><PolicySource>SMS:" + site_code +
      "</PolicySource><Resource ResourceType=\"Machine\"/><ServerCookie>" +
      xml_escape(server_cookie) + "</ServerCookie>";
  for (const Policy& p : policies) {
    x += "<PolicyAssignment PolicyAssignmentID=\"" + p.assignment_id + "\"><Policy PolicyID=\"" +
         p.policy_id + "\" PolicyVersion=\"" + p.version +
         "\" PolicyType=\"Machine\" PolicyCategory=\"" + p.category +
         "\" PolicyFlags=\"0\"><PolicyLocation PolicyHashEx=\"SHA256:" + p.sha256 + "\"><![CDATA[" +
         p.location() + "]]></PolicyLocation></Policy></PolicyAssignment>";
  }
  x += "</ReplyAssignments>";
  return x;
}

}  // namespace emu::mp

// The machine policies the emulated MP assigns and serves (`.sms_pol`): a client agent
// configuration policy and a "Cloud Services" client setting policy made from the site's
// Default Client Settings. Bodies are WMI-XML policy documents [inferred shape: the
// `<PolicyAction PolicyActionType="WMI-XML"><![CDATA[<instance class=...>` form SCCMSecrets
// parses from real NAA policies]; they are served as UTF-16LE with a BOM [inferred], and their
// SHA-256 (upper-case hex, of the served bytes) is the `.SHA256:<hex>` of the policy URL
// (support article track-software-update-deployment-process.md). Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace emu::mp {

struct Policy {
  std::string policy_id;      // "{GUID}" (upper case)
  std::string assignment_id;  // "{GUID}"
  std::string version = "1.00";
  std::string category;  // "ClientAgentConfig", "CloudServicesSettings"
  std::string body;      // served bytes (UTF-16LE with BOM)
  std::string sha256;    // upper-case hex of `body`
  // "http://<mp>/SMS_MP/.sms_pol?{ID}.SHA256:<hex>": the literal "<mp>" is what real replies
  // carry (sccmhunter's regex, SCCMSecrets' replace of "http://<mp>").
  std::string location() const;
};

// The policies of site `site_code` on `hierarchy_id`; `client_settings` is the
// "Default Client Settings" groups object ({"Cloud Services": {...}}).
std::vector<Policy> build_policies(const std::string& site_code, const std::string& hierarchy_id,
                                   const nlohmann::json& client_settings);

// The <ReplyAssignments> reply for `policies` (SDK 2007 ReplyAssignments shape, SchemaVersion
// "1.00", ReplyType "Full"; children as sccmhunter/SCCMSecrets parse them).
std::string build_reply_assignments(const std::vector<Policy>& policies,
                                    const std::string& client_id, const std::string& netbios,
                                    const std::string& fqdn, const std::string& site_code,
                                    const std::string& server_cookie);

}  // namespace emu::mp

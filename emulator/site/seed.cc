// The "site" key of a scenario's lab section: the primary site, its site systems and roles,
// the default client settings and the Azure environments a fresh site database holds.
#include "emulator/core/ids.h"
#include "emulator/core/json_args.h"
#include "emulator/core/text.h"
#include "emulator/site/internal.h"

#include <cctype>

namespace emu::site::internal {
namespace {

using nlohmann::json;

const std::vector<std::string> kSiteKeys = {
    "code",    "name",  "type",         "server",
    "version", "roles", "hierarchy_id", "site_system_communication",
    "cmg"};
const std::vector<std::string> kRoleKeys = {"server", "https", "mode", "connection", "proxy"};

Result<std::string> text_at(const json& j, const char* key, const std::string& path,
                            std::string fallback, bool required = false) {
  if (!j.contains(key)) {
    if (required) return InvalidArgument(path + "." + key + ": required");
    return fallback;
  }
  if (!j[key].is_string() || j[key].get<std::string>().empty())
    return InvalidArgument(path + "." + key + ": must be a non-empty string");
  return j[key].get<std::string>();
}

bool valid_site_code(const std::string& code) {
  return code.size() == 3 && std::all_of(code.begin(), code.end(),
                                         [](unsigned char c) { return std::isalnum(c) != 0; });
}

// Default client settings as a fresh site has them (Cloud Services group) [inferred from the
// console's defaults: CMG use on, cloud DP access off].
json default_client_settings() {
  return {{"Cloud Services",
           {{"Allow access to cloud distribution point", "No"},
            {"Enable clients to use a cloud management gateway", "Yes"},
            {"Automatically register new Windows 10 domain joined devices with Azure Active "
             "Directory",
             "Yes"}}}};
}

}  // namespace

Status seed_site(SiteState& s, const json& site, json& summary) {
  const std::string path = "lab.site";
  EMU_RETURN_IF_ERROR(check_json_keys(site, path, kSiteKeys));
  EMU_ASSIGN_OR_RETURN(std::string code, text_at(site, "code", path, "", true));
  code = to_upper(code);
  if (!valid_site_code(code))
    return InvalidArgument(path + ".code: a site code is three letters or digits ('" + code + "')");
  EMU_ASSIGN_OR_RETURN(std::string server, text_at(site, "server", path, "", true));
  EMU_ASSIGN_OR_RETURN(std::string type, text_at(site, "type", path, "primary"));
  if (type != "primary" && type != "cas" && type != "secondary")
    return InvalidArgument(path + ".type: must be primary, cas or secondary");
  EMU_ASSIGN_OR_RETURN(std::string comm,
                       text_at(site, "site_system_communication", path, "enhanced_http"));
  if (comm != "enhanced_http" && comm != "https" && comm != "http")
    return InvalidArgument(path +
                           ".site_system_communication: must be enhanced_http, https or http");
  sitedb::Site info;
  info.code = code;
  EMU_ASSIGN_OR_RETURN(info.name, text_at(site, "name", path, "Primary site " + code));
  info.server = server;
  info.type = type;
  EMU_ASSIGN_OR_RETURN(info.version, text_at(site, "version", path, "2203"));
  EMU_ASSIGN_OR_RETURN(info.hierarchy_id, text_at(site, "hierarchy_id", path, ""));
  if (info.hierarchy_id.empty()) info.hierarchy_id = s.ids.guid();
  info.hierarchy_id = to_upper(info.hierarchy_id);

  json roles = site.value("roles", json::object());
  EMU_RETURN_IF_ERROR(check_json_keys(roles, path + ".roles", role_keys()));
  for (const auto& [key, role] : roles.items()) {
    const std::string rpath = path + ".roles." + key;
    EMU_RETURN_IF_ERROR(check_json_keys(role, rpath, kRoleKeys));
    EMU_RETURN_IF_ERROR(text_at(role, "server", rpath, "", true).status());
    if (role.contains("https") && !role["https"].is_boolean())
      return InvalidArgument(rpath + ".https: must be true or false");
  }

  if (s.db) {
    auto existing = s.db->site();
    if (existing.ok())
      return AlreadyExists(path + ": site " + existing->code +
                           " already exists in this state folder");
  } else {
    EMU_ASSIGN_OR_RETURN(s.db, sitedb::SiteDb::open(s.state, code));
  }
  EMU_RETURN_IF_ERROR(s.db->put_site(info));
  EMU_RETURN_IF_ERROR(s.db->put_environment(
      {"AzurePublicCloud", "https://login.microsoftonline.com/", "https://graph.microsoft.com/",
       "https://management.azure.com/", "https://graph.microsoft.com/"}));
  EMU_RETURN_IF_ERROR(s.db->put_environment(
      {"AzureUSGovernmentCloud", "https://login.microsoftonline.us/", "https://graph.microsoft.us/",
       "https://management.usgovcloudapi.net/", "https://graph.microsoft.us/"}));

  const bool ehttp = comm == "enhanced_http";
  json created = json::array();
  auto add = [&](const std::string& key, int role_type, const std::string& host,
                 bool https) -> Status {
    sitedb::SiteRole r;
    r.server = host;
    r.role_type = role_type;
    r.https = https;
    r.enhanced_http = ehttp;
    EMU_ASSIGN_OR_RETURN(sitedb::SiteRole added, s.db->add_role(r));
    created.push_back({{"role", key}, {"server", host}, {"id", std::to_string(added.id)}});
    return Status::Ok();
  };
  // The site server and SMS Provider come first, so the first MP gets 2^56 + 3
  // (README Sources [S8]).
  EMU_RETURN_IF_ERROR(add("site_server", sitedb::kSiteServer, server, comm == "https"));
  EMU_RETURN_IF_ERROR(add("sms_provider", sitedb::kSmsProvider, server, comm == "https"));
  for (const auto& key : role_keys()) {
    if (!roles.contains(key)) continue;
    const json& role = roles[key];
    EMU_RETURN_IF_ERROR(add(key, role_type_of(key), role["server"].get<std::string>(),
                            role.value("https", comm == "https")));
    if (key == "service_connection_point") {
      auto scp =
          s.db->find_role(role["server"].get<std::string>(), sitedb::kServiceConnectionPoint);
      if (scp.ok()) {
        scp->properties = {{"OfflineMode", role.value("mode", "online") == "offline"},
                           {"Connection", role.value("connection", "direct")},
                           {"Proxy", role.contains("proxy") ? role["proxy"] : json()}};
        EMU_RETURN_IF_ERROR(s.db->update_role(*scp));
      }
    }
  }
  sitedb::ClientSettings defaults;
  defaults.name = "Default Client Settings";
  defaults.priority = 10000;
  defaults.settings = default_client_settings();
  EMU_RETURN_IF_ERROR(s.db->put_client_settings(defaults).status());
  EMU_RETURN_IF_ERROR(s.load_signers(code));
  summary = {{"code", code},
             {"server", server},
             {"hierarchy_id", info.hierarchy_id},
             {"database", s.db->path()},
             {"roles", created}};
  if (site.contains("cmg")) {
    json cmg_summary;
    EMU_RETURN_IF_ERROR(seed_cmg(s, site["cmg"], cmg_summary));
    summary["cmg"] = std::move(cmg_summary);
  }
  return Status::Ok();
}

int role_type_of(const std::string& key) {
  if (key == "management_point") return sitedb::kManagementPoint;
  if (key == "software_update_point") return sitedb::kSoftwareUpdatePoint;
  if (key == "service_connection_point") return sitedb::kServiceConnectionPoint;
  if (key == "distribution_point") return sitedb::kDistributionPoint;
  if (key == "cmg_connection_point") return sitedb::kCmgConnectionPoint;
  return 0;
}

const std::vector<std::string>& role_keys() {
  static const std::vector<std::string> kKeys = {"management_point", "software_update_point",
                                                 "service_connection_point", "distribution_point"};
  return kKeys;
}

}  // namespace emu::site::internal

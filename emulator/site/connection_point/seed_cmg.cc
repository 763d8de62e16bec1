// lab.site.cmg: a CMG that is already deployed (for `cmgemu serve --lab`), with its connection
// point and the roles that allow CMG traffic. The cloud service record is Ready at once; no ARM
// resources are created for it (emulator/site/README.md, "The lab section").
#include "certs/pki.h"
#include "emulator/core/json_args.h"
#include "emulator/core/text.h"
#include "emulator/site/cloud_manager/cloud_manager.h"
#include "emulator/site/internal.h"

#include <fstream>
#include <sstream>

namespace emu::site::internal {

using nlohmann::json;

Status seed_cmg(SiteState& s, const json& cmg, json& summary) {
  const std::string path = "lab.site.cmg";
  EMU_RETURN_IF_ERROR(
      check_json_keys(cmg, path,
                      {"service_name", "region", "instances", "trusted_roots", "verify_revocation",
                       "connection_point", "allow_cmg_traffic", "client_auth_certificate"}));
  EMU_ASSIGN_OR_RETURN(std::string name, required_json_string(cmg, "service_name", path));
  name = to_lower(name);
  EMU_ASSIGN_OR_RETURN(auto region, optional_json_string(cmg, "region", path));
  EMU_ASSIGN_OR_RETURN(auto instances, optional_json_int(cmg, "instances", path));
  EMU_ASSIGN_OR_RETURN(auto verify, optional_json_bool(cmg, "verify_revocation", path));
  EMU_ASSIGN_OR_RETURN(auto cp_server, optional_json_string(cmg, "connection_point", path));
  EMU_ASSIGN_OR_RETURN(auto client_auth, optional_json_bool(cmg, "client_auth_certificate", path));
  if (instances && (*instances < 1 || *instances > 16))
    return InvalidArgument(path + ".instances: must be 1 to 16");
  auto prefix = service_prefix(name);
  if (!prefix.ok()) return InvalidArgument(path + ".service_name: " + prefix.status().message());
  EMU_ASSIGN_OR_RETURN(sitedb::Site site, s.db->site());

  sitedb::CloudService c;
  c.name = name;
  c.region = to_lower(region.value_or("japaneast"));
  c.deployment_name = deployment_name(*prefix, c.region);
  c.vm_size = "Standard_A2_v2";
  c.instances = static_cast<int>(instances.value_or(1));
  c.state = sitedb::CloudServiceState::kReady;
  c.description = "Seeded by the lab section (already deployed)";
  c.created = format_iso8601(s.clock.now());
  const std::string cert_name = "cmg-" + name;
  if (s.pki == nullptr || !s.pki->cmg.count(cert_name))
    return InvalidArgument(path + ".service_name: the lab PKI has no certificate for " + name +
                           " (list it in lab.pki.cmg_certificates)");
  c.certificate_pem = s.pki->cmg.at(cert_name).cert_pem;
  c.certificate_thumbprint = s.pki->cmg.at(cert_name).thumbprint;
  json roots = json::array();
  const json names = cmg.value("trusted_roots", json::array({"cmgemu-lab-root-ca.pem"}));
  if (!names.is_array()) return InvalidArgument(path + ".trusted_roots: must be an array");
  for (size_t i = 0; i < names.size(); ++i) {
    if (!names[i].is_string())
      return InvalidArgument(json_index_path(path + ".trusted_roots", i) + ": must be a string");
    const std::string file = names[i].get<std::string>();
    std::ifstream in(file.rfind('/', 0) == 0 ? file : s.pki_dir + "/" + file);
    std::stringstream pem;
    pem << in.rdbuf();
    if (!in || pem.str().find("-----BEGIN CERTIFICATE-----") == std::string::npos)
      return InvalidArgument(json_index_path(path + ".trusted_roots", i) + ": " + file +
                             " is not a PEM certificate in the lab PKI folder");
    roots.push_back(pem.str());
  }
  c.settings = {{"prefix", *prefix},
                {"trusted_roots", roots},
                {"verify_revocation", verify.value_or(true)},
                {"enforce_tls12", true},
                {"seeded", true},
                {"public_ip", "20.27.177.113"}};  // documentation-style address (inferred)
  EMU_ASSIGN_OR_RETURN(sitedb::CloudService added, s.db->add_cloud_service(c));
  (void)s.dns.set_a(added.deployment_name, "20.27.177.113");
  (void)s.dns.set_cname(added.name, added.deployment_name);

  sitedb::SiteRole cp;
  cp.server = cp_server.value_or(site.server);
  cp.role_type = sitedb::kCmgConnectionPoint;
  cp.cmg_service = added.name;
  cp.properties = {{"Region", added.region},
                   {"Proxy", nullptr},
                   {"client_auth_certificate", client_auth.value_or(false)}};
  EMU_ASSIGN_OR_RETURN(sitedb::SiteRole cp_added, s.db->add_role(cp));

  const json allow = cmg.value("allow_cmg_traffic", json::array({"management_point"}));
  if (!allow.is_array()) return InvalidArgument(path + ".allow_cmg_traffic: must be an array");
  json allowed = json::array();
  for (size_t i = 0; i < allow.size(); ++i) {
    const std::string ipath = json_index_path(path + ".allow_cmg_traffic", i);
    const int type = allow[i].is_string() ? role_type_of(allow[i].get<std::string>()) : 0;
    if (type != sitedb::kManagementPoint && type != sitedb::kSoftwareUpdatePoint)
      return InvalidArgument(ipath + ": must be management_point or software_update_point");
    bool found = false;
    for (sitedb::SiteRole r : s.db->roles()) {
      if (r.role_type != type) continue;
      if (type == sitedb::kManagementPoint && !r.https && !r.enhanced_http)
        return InvalidArgument(ipath + ": the management point " + r.server +
                               " is HTTP; CMG traffic needs HTTPS or Enhanced HTTP");
      r.allow_cmg_traffic = true;
      if (type == sitedb::kManagementPoint) r.cmg_client_connections = "internet_only";
      EMU_RETURN_IF_ERROR(s.db->update_role(r));
      allowed.push_back(
          {{"role", allow[i]}, {"server", r.server}, {"role_id", std::to_string(r.id)}});
      found = true;
    }
    if (!found) return InvalidArgument(ipath + ": the site has no such role (lab.site.roles)");
  }
  summary = {
      {"service_name", added.name},
      {"deployment_name", added.deployment_name},
      {"status", "Ready"},
      {"connection_point", {{"server", cp_added.server}, {"role_id", std::to_string(cp_added.id)}}},
      {"allow_cmg_traffic", allowed}};
  return Status::Ok();
}

}  // namespace emu::site::internal

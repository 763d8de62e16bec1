// Helpers shared by the wizard and the cloud service manager: outcomes, logs, site DB access,
// the server-authentication .pfx loader and the error shape of failed Azure calls.
#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/http/message.h"
#include "emulator/site/cloud_manager/internal.h"

#include <fstream>
#include <sstream>

namespace emu::site::cloud {

std::string task_name(const std::string& kind, const std::string& service) {
  return kind + " for service " + service;
}

std::string str_arg(const json& args, const char* key, std::string fallback) {
  if (!args.is_object()) return fallback;
  auto it = args.find(key);
  return it != args.end() && it->is_string() ? it->get<std::string>() : fallback;
}

json service_output(const sitedb::CloudService& s) {
  json out = {{"service_name", s.name},
              {"deployment_name", s.deployment_name},
              {"region", s.region},
              {"resource_group", s.resource_group},
              {"subscription_id", s.subscription_id},
              {"vm_size", s.vm_size},
              {"instances", s.instances},
              {"status", sitedb::state_name(s.state)},
              {"status_description", s.status_description},
              {"next_maintenance", s.next_maintenance},
              {"id", s.id}};
  for (const char* fact : {"public_ip", "fqdn", "resources", "last_error"})
    if (s.settings.contains(fact)) out[fact] = s.settings[fact];
  return out;
}

void cloud_log(SiteEnv& env, const std::string& message, TraceSeverity severity) {
  env.log(kCloudMgrLog, kCloudMgrComponent, message, severity);
}

void console_log(SiteEnv& env, const std::string& message, TraceSeverity severity) {
  env.log(kAdminUiLog, kAdminUiComponent, message, severity, 7316);
}

Result<sitedb::CloudService> find_service(SiteEnv& env, const std::string& name) {
  if (name.empty()) return InvalidArgument("cmg: the service name is required");
  return env.io([&]() -> Result<sitedb::CloudService> {
    auto found = env.db.cloud_service(name);
    if (!found.ok()) return NotFound("no cloud management gateway named '" + name + "'");
    return found;
  });
}

Status save_service(SiteEnv& env, const sitedb::CloudService& service) {
  return env.io([&] { return env.db.update_cloud_service(service); });
}

std::string with_api(const std::string& path, const std::string& api_version) {
  return path + (path.find('?') == std::string::npos ? "?" : "&") + "api-version=" + api_version;
}

std::string CloudError::summary() const {
  std::string s = code.empty() ? message : code + ": " + message;
  for (const auto& [c, m] : details)
    if (c != code || m != message) s += "; " + c + ": " + m;  // ARM often repeats the top error
  return s;
}

CloudError cloud_error(const AzureError& error, const json& body) {
  CloudError e;
  e.status = error.status;
  e.code = error.code;
  e.message = error.message;
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    const json& err = body["error"];
    if (e.code.empty()) e.code = str_arg(err, "code");
    if (e.message.empty()) e.message = str_arg(err, "message");
    for (const json& d : err.value("details", json::array()))
      if (d.is_object()) e.details.emplace_back(str_arg(d, "code"), str_arg(d, "message"));
    e.content = body.dump();
  }
  if (e.status == 0 && e.code.empty()) e.code = "ServiceUnavailable";  // no answer at all
  return e;
}

// --- .pfx ---

std::string resolve_path(const std::string& dir, const std::string& name) {
  if (name.empty() || name[0] == '/' || dir.empty()) return name;
  return dir + "/" + name;
}

Result<PfxCertificate> load_pfx(const std::string& path, const std::string& password) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("The certificate file " + path + " was not found.");
  std::stringstream data;
  data << in.rdbuf();
  const std::string der = data.str();
  EMU_ASSIGN_OR_RETURN(crypto::Pkcs12Ptr p12,
                       crypto::parse_pfx_der(der, path + " is not a PKCS #12 (.pfx) file"));
  auto contents = crypto::open_pfx(p12.get(), password);
  if (!contents.ok()) {
    // Inferred wording of the wizard's dialog for a wrong password.
    return InvalidArgument("The certificate password is incorrect for " + path + ".");
  }
  if (!contents->cert) return InvalidArgument(path + " holds no certificate.");
  if (!contents->key) return InvalidArgument(path + " holds no private key.");
  X509* cert = contents->cert.get();
  PfxCertificate out;
  out.common_name = crypto::common_name(cert);
  if (out.common_name.empty()) return InvalidArgument(path + ": the certificate has no CN.");
  EMU_ASSIGN_OR_RETURN(out.thumbprint, crypto::thumbprint(cert));
  EMU_ASSIGN_OR_RETURN(out.cert_pem, crypto::cert_to_pem(cert));
  for (const auto& extra : contents->chain) {
    EMU_ASSIGN_OR_RETURN(std::string pem, crypto::cert_to_pem(extra.get()));
    out.cert_pem += pem;
  }
  EMU_ASSIGN_OR_RETURN(out.key_pem, crypto::key_to_pem(contents->key.get()));
  return out;
}

}  // namespace emu::site::cloud

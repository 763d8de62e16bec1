// Pure parts of the Create Cloud Management Gateway wizard: VM size labels, the service
// prefix and deployment name (README Sources [S2]), and the load-time check of the action's args.
#include "emulator/core/actions.h"
#include "emulator/core/text.h"
#include "emulator/site/cloud_manager/cloud_manager.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <string>

namespace emu::site {
namespace {

using nlohmann::json;

struct VmSize {
  const char* label;
  const char* sku;
};
// README Sources [S1] (labels) and [S12] (sizes).
constexpr VmSize kVmSizes[] = {{"Lab (B2s)", "Standard_B2s"},
                               {"Standard (A2_v2)", "Standard_A2_v2"},
                               {"Large (A4_v2)", "Standard_A4_v2"}};

// A value that still holds a "${...}" reference (resolved only at run time).
bool is_ref(const json& v) {
  return v.is_string() && v.get<std::string>().find("${") != std::string::npos;
}

Status bad(const std::string& key, const std::string& why) {
  return InvalidArgument(key + ": " + why);
}

Status check_string(const json& obj, const char* key, const std::string& path, bool required) {
  if (!obj.contains(key)) return required ? bad(path + key, "required") : Status::Ok();
  const json& v = obj[key];
  if (!v.is_string()) return bad(path + key, "must be a string");
  if (v.get<std::string>().empty()) return bad(path + key, "must not be empty");
  return Status::Ok();
}

Status check_bool(const json& args, const char* key) {
  if (args.contains(key) && !args[key].is_boolean() && !is_ref(args[key]))
    return bad(key, "must be true or false");
  return Status::Ok();
}

Status check_certificate(const json& args) {
  if (!args.contains("certificate")) return bad("certificate", "required");
  const json& c = args["certificate"];
  if (is_ref(c)) return Status::Ok();
  if (!c.is_object()) return bad("certificate", "must be an object {pfx, password}");
  for (const auto& [key, value] : c.items())
    if (key != "pfx" && key != "password")
      return bad("certificate." + key, "unknown key (expected pfx, password)");
  EMU_RETURN_IF_ERROR(check_string(c, "pfx", "certificate.", true));
  if (c.contains("password") && !c["password"].is_string())
    return bad("certificate.password", "must be a string");
  return Status::Ok();
}

// ARM's rule for resource group names: 1-90 characters of letters, digits, '-', '_', '.',
// '(' and ')', not ending with '.'.
Status check_resource_group(const json& args) {
  if (!args.contains("resource_group")) return bad("resource_group", "required");
  const json& g = args["resource_group"];
  if (is_ref(g)) return Status::Ok();
  if (!g.is_object()) return bad("resource_group", "must be an object {create, name}");
  for (const auto& [key, value] : g.items())
    if (key != "create" && key != "name")
      return bad("resource_group." + key, "unknown key (expected create, name)");
  EMU_RETURN_IF_ERROR(check_string(g, "name", "resource_group.", true));
  if (g.contains("create") && !g["create"].is_boolean())
    return bad("resource_group.create", "must be true or false");
  const std::string name = g["name"].get<std::string>();
  static const std::regex kName(R"(^[-\w._()]{1,90}$)");
  if (!is_ref(g["name"]) && (!std::regex_match(name, kName) || name.back() == '.'))
    return bad("resource_group.name",
               "'" + name +
                   "' is not a valid resource group name (1-90 letters, digits, '-', '_', '.', "
                   "'(' and ')', not ending with '.')");
  return Status::Ok();
}

Status check_alerts(const json& args) {
  if (!args.contains("alerts")) return Status::Ok();
  const json& a = args["alerts"];
  if (a.is_boolean() && !a.get<bool>()) return Status::Ok();
  if (!a.is_object()) return bad("alerts", "must be false or {outbound_gb, warning_pct, ...}");
  for (const auto& [key, value] : a.items()) {
    const bool pct = key == "warning_pct" || key == "critical_pct";
    if (!pct && key != "outbound_gb" && key != "storage_gb")
      return bad("alerts." + key,
                 "unknown key (expected outbound_gb, warning_pct, critical_pct, storage_gb)");
    if (!value.is_number() || value.get<double>() < 0 || (pct && value.get<double>() > 100))
      return bad("alerts." + key,
                 pct ? "must be a percentage (0-100)" : "must be a non-negative number");
  }
  return Status::Ok();
}

Status check_scalars(const json& args) {
  for (const char* key : {"signed_in_as", "region"})
    if (!is_ref(args.value(key, json()))) EMU_RETURN_IF_ERROR(check_string(args, key, "", true));
  for (const char* key : {"password", "service_name", "description", "subscription"})
    if (args.contains(key) && !args[key].is_string()) return bad(key, "must be a string");
  if (args.contains("environment") && !is_ref(args["environment"])) {
    const json& e = args["environment"];
    if (!e.is_string() || (e != "AzurePublicCloud" && e != "AzureUSGovernmentCloud"))
      return bad("environment", "must be \"AzurePublicCloud\" or \"AzureUSGovernmentCloud\"");
  }
  if (args.contains("vm_size") && !is_ref(args["vm_size"])) {
    if (!args["vm_size"].is_string()) return bad("vm_size", "must be a string");
    EMU_RETURN_IF_ERROR(vm_size_sku(args["vm_size"].get<std::string>()).status());
  }
  if (args.contains("instances") && !is_ref(args["instances"])) {
    const json& n = args["instances"];
    if (!n.is_number_integer() || n.get<int64_t>() < 1 || n.get<int64_t>() > 16)
      return bad("instances", "must be an integer from 1 to 16");
  }
  if (args.contains("wait_for") && !is_ref(args["wait_for"])) {
    const json& w = args["wait_for"];
    if (!w.is_string() || (w != "Ready" && w != "Error" && w != "Provisioning"))
      return bad("wait_for", "must be \"Ready\", \"Error\" or \"Provisioning\"");
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> vm_size_sku(const std::string& label) {
  for (const VmSize& s : kVmSizes)
    if (iequals(label, s.label) || iequals(label, s.sku)) return std::string(s.sku);
  return InvalidArgument("vm_size: unknown VM size '" + label +
                         "' (expected \"Lab (B2s)\", \"Standard (A2_v2)\", \"Large (A4_v2)\" or "
                         "their ARM names Standard_B2s, Standard_A2_v2, Standard_A4_v2)");
}

Result<std::string> service_prefix(const std::string& service_name) {
  if (service_name.empty()) return InvalidArgument("The service name is empty.");
  if (service_name[0] == '*') {
    // Inferred wording (the docs say: replace '*' in the wizard's Service name with a globally
    // unique prefix, README Sources [S2]).
    return InvalidArgument("The certificate '" + service_name +
                           "' is a wildcard certificate. Replace the asterisk (*) in the service "
                           "name with a globally unique prefix (service_name).");
  }
  const size_t dot = service_name.find('.');
  if (dot == std::string::npos || dot + 1 >= service_name.size())
    return InvalidArgument("The service name '" + service_name +
                           "' is not a fully qualified domain name.");  // inferred
  const std::string prefix = to_lower(service_name.substr(0, dot));
  // The rule of CheckDnsNameAvailability for cloudapp.azure.com labels (README Sources [S14]).
  static const std::regex kLabel("^[a-z][a-z0-9-]{1,61}[a-z0-9]$");
  if (!std::regex_match(prefix, kLabel))
    return InvalidArgument("The service name prefix '" + prefix +
                           "' is not a valid DNS label: 3 to 63 letters, digits and hyphens, "
                           "starting with a letter and ending with a letter or digit.");
  return prefix;
}

std::string deployment_name(const std::string& prefix, const std::string& region) {
  return prefix + "." + to_lower(region) + ".cloudapp.azure.com";
}

Status validate_create_cmg_args(const json& args) {
  if (!args.is_object()) return InvalidArgument("args: must be an object");
  EMU_RETURN_IF_ERROR(check_scalars(args));
  EMU_RETURN_IF_ERROR(check_certificate(args));
  EMU_RETURN_IF_ERROR(check_resource_group(args));
  EMU_RETURN_IF_ERROR(check_alerts(args));
  for (const char* key : {"verify_revocation", "enforce_tls12", "cloud_dp"})
    EMU_RETURN_IF_ERROR(check_bool(args, key));
  if (args.contains("trusted_roots") && !is_ref(args["trusted_roots"])) {
    const json& roots = args["trusted_roots"];
    if (!roots.is_array()) return bad("trusted_roots", "must be an array of PEM file names");
    for (const json& r : roots)
      if (!r.is_string() || r.get<std::string>().empty())
        return bad("trusted_roots", "must hold PEM file names");
  }
  return Status::Ok();
}

}  // namespace emu::site

#include "harness/lib/planned_actions.h"

#include "emulator/aad/actions.h"
#include "emulator/arm/arm_actions.h"

namespace emu::harness {
namespace {

struct Planned {
  const char* name;
  const char* summary;
  std::vector<std::string> required;
  std::vector<std::string> optional;
};

// Every planned action also accepts "expect": values its future implementation checks itself.
const std::vector<Planned>& planned() {
  static const std::vector<Planned> kPlanned = {
      {"site.client_settings.set",
       "Change client settings (e.g. Cloud Services: enable CMG use, cloud DP access)",
       {"settings"},
       {"client_settings", "expect"}},
      {"site.azure_services.configure",
       "Azure Services wizard: connect the site to Entra ID and create the server and client "
       "apps (outputs: tenant_id, web_app, client_app)",
       {"service", "environment", "signed_in_as", "web_app", "client_app"},
       {"name", "description", "user_discovery", "expect"}},
      {"site.cmg.create",
       "CMG wizard: deploy the cloud management gateway to Azure and wait for its status "
       "(outputs: service_name, deployment_name, status)",
       {"signed_in_as", "certificate", "region", "resource_group"},
       {"environment", "service_name", "deployment_name", "vm_size", "instances",
        "verify_client_crl", "enforce_tls12", "cloud_dp", "alerts", "wait_for", "wait_timeout",
        "expect"}},
      {"lab.dns.cname",
       "Add a CNAME record to the lab DNS server (outputs: name, target)",
       {"name", "target"},
       {"ttl", "expect"}},
      {"site.roles.add_cmg_connection_point",
       "Add the CMG connection point role to a site system (outputs: server, cmg, region)",
       {"server", "cmg"},
       {"region", "proxy", "expect"}},
      {"site.roles.allow_cmg_traffic",
       "Allow CMG traffic on site roles (MP, SUP) (outputs: roles, mp_role_id)",
       {"roles"},
       {"expect"}},
      {"site.cmg.connection_analyzer",
       "Run the CMG connection analyzer (outputs: checks with name and result)",
       {"cmg", "auth"},
       {"signed_in_as", "expect"}},
      {"site.bulk_token.new",
       "BulkRegistrationTokenTool.exe /new: issue a bulk registration token (outputs: token, "
       "tracking_id, valid_from, valid_to)",
       {},
       {"lifetime_minutes", "expect"}},
      {"site.sql",
       "Run a query against the site database (outputs: columns, rows)",
       {"query"},
       {"database", "expect"}},
      {"client.install_root_ca",
       "Import a root CA certificate into the client's trusted root store",
       {"client", "certificate"},
       {"store", "expect"}},
      {"client.ccmsetup",
       "Run ccmsetup.exe on the client with a command line (outputs: exit_code, client_id)",
       {"client", "command_line"},
       {"wait_for", "wait_timeout", "expect"}},
      {"client.logs.expect",
       "Check that a client log has lines matching the patterns, in order (outputs: matches)",
       {"client", "log", "patterns"},
       {"within", "expect"}},
  };
  return kPlanned;
}

}  // namespace

void declare_planned_actions(ActionRegistry& registry) {
  for (const auto& p : planned()) {
    if (registry.find(p.name) != nullptr) continue;
    registry.add({p.name, p.summary, p.required, p.optional, nullptr, nullptr});
  }
  // The Entra ID party's actions, declared from its own table (same names, arguments and
  // load-time checks as the implementations the lab registers).
  aad::declare_aad_actions(registry);
  arm::declare_arm_actions(registry);
}

}  // namespace emu::harness

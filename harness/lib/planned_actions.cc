#include "harness/lib/planned_actions.h"

#include "emulator/aad/actions.h"
#include "emulator/app/dns_actions.h"
#include "emulator/arm/actions/actions.h"
#include "emulator/site/site_service.h"

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
      {"site.cmg.connection_analyzer",
       "Run the CMG connection analyzer (outputs: checks with name and result)",
       {"cmg", "auth"},
       {"signed_in_as", "expect"}},
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
  site::declare_site_actions(registry);
  app::declare_dns_actions(registry);
}

}  // namespace emu::harness

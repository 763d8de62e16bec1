#include "harness/lib/planned_actions.h"

#include "emulator/app/party_actions.h"

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
  static const std::vector<Planned> kPlanned = {};
  return kPlanned;
}

}  // namespace

void declare_planned_actions(ActionRegistry& registry) {
  for (const auto& p : planned()) {
    if (registry.find(p.name) != nullptr) continue;
    registry.add({p.name, p.summary, p.required, p.optional, nullptr, nullptr});
  }
  // The parties' own declarations (same names, arguments and load-time checks as the
  // implementations the lab registers).
  app::declare_party_actions(registry);
}

}  // namespace emu::harness

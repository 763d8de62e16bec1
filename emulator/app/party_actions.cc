#include "emulator/app/party_actions.h"

#include "emulator/aad/aad_service.h"
#include "emulator/app/dns_actions.h"
#include "emulator/arm/arm_service.h"
#include "emulator/client/client_service.h"
#include "emulator/cmg/cmg_service.h"
#include "emulator/mp/mp_service.h"
#include "emulator/site/site_service.h"

namespace emu::app {

void declare_party_actions(ActionRegistry& registry) {
  aad::declare_aad_actions(registry);
  arm::declare_arm_actions(registry);
  cmg::declare_cmg_actions(registry);
  site::declare_site_actions(registry);
  mp::declare_mp_actions(registry);
  client::declare_client_actions(registry);
  declare_dns_actions(registry);
}

}  // namespace emu::app

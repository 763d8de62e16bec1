// Generic scenario actions that need no emulated service: real HTTP requests to lab endpoints
// ("http"), virtual time ("clock.advance", "clock.set"), fault injection ("fault.add",
// "fault.clear") and journal checks ("expect.journal"). scenarios/README.md documents their args.
#pragma once

#include "emulator/core/actions.h"

namespace emu::harness {

// Adds (or replaces) the generic actions, with their `run` and load-time validators.
void register_generic_actions(ActionRegistry& registry);

// The registry a scenario is validated against before any lab exists: the generic actions plus
// every planned service action (see planned_actions.h).
ActionRegistry scenario_action_registry();

}  // namespace emu::harness

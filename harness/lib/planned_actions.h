// Planned service actions: the scenario vocabulary of the services still to be written (arm,
// site, client, lab dns). Each is declared with its summary and arguments but no `run`, so a
// scenario using it loads and validates, and its step is reported as `pending`. A service that
// implements one replaces the declaration in the Lab's registry.
#pragma once

#include "emulator/core/actions.h"

namespace emu::harness {

// Adds every planned action (without replacing an action the registry already has).
void declare_planned_actions(ActionRegistry& registry);

}  // namespace emu::harness

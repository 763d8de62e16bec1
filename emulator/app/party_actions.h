// The scenario vocabulary of every party, declared without a lab: names, arguments and
// load-time checks, no implementation. The scenario loader checks files against it before a
// lab exists; a running Lab replaces each declaration with its implementation.
#pragma once

#include "emulator/core/actions.h"

namespace emu::app {

// Adds the aad.*, arm.*, cmg.*, site.*, mp.* and lab.dns.* declarations, keeping names `registry`
// has.
void declare_party_actions(ActionRegistry& registry);

}  // namespace emu::app

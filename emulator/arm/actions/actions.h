// The ARM party's scenario actions (arm.providers.register, arm.group.create, arm.deploy,
// arm.sku.offer, arm.quota.set, arm.name.reserve, arm.resource.expect, ...): declarations the
// harness registers before a lab exists, and implementations over a live ARM store.
#pragma once

#include "emulator/core/actions.h"

namespace emu::arm {

class ArmStore;

// What the implementations act on; touched only on the lab's I/O thread.
struct ActionDeps {
  ArmStore& store;
};

// Adds every arm.* action with summary and argument checks but no implementation (pending),
// skipping names `registry` already has.
void declare_arm_actions(ActionRegistry& registry);
// Adds (replacing declarations) every arm.* action, implemented over `deps`.
void register_arm_actions(ActionRegistry& registry, const ActionDeps& deps);

}  // namespace emu::arm

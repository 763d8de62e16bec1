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

// declare_arm_actions (the declarations without implementations) is in arm_service.h.
// Adds (replacing declarations) every arm.* action, implemented over `deps`.
void register_arm_actions(ActionRegistry& registry, const ActionDeps& deps);

}  // namespace emu::arm

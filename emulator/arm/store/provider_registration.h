// Provider registration state changes, shared by the REST handlers and the arm.* actions.
#pragma once

#include "emulator/arm/catalog/catalog.h"
#include "emulator/arm/store/store.h"

namespace emu::arm {

// Default time a registration or unregistration takes (inferred: Azure usually finishes a
// registration within a minute or two). Overridden by the store setting "provider_delay"
// (seconds).
inline constexpr Duration kDefaultProviderDelay = std::chrono::seconds(60);
Duration provider_delay(const ArmStore& store);

// Starts registering (`reg`) or unregistering `provider` in the subscription at `now`:
// NotRegistered/Unregistered -> Registering, settling to Registered after provider_delay();
// Registered -> Unregistering -> Unregistered. A provider already in (or moving to) the
// requested state is left alone. Registration-free providers never change.
Status set_registration(ArmStore& store, const std::string& subscription_id,
                        const ProviderInfo& provider, bool reg, TimePoint now);

}  // namespace emu::arm

#include "emulator/arm/store/provider_registration.h"

namespace emu::arm {

Duration provider_delay(const ArmStore& store) {
  auto s = store.setting("provider_delay");
  if (s.ok() && s->is_number() && s->get<double>() >= 0)
    return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s->get<double>()));
  return kDefaultProviderDelay;
}

Status set_registration(ArmStore& store, const std::string& subscription_id,
                        const ProviderInfo& provider, bool reg, TimePoint now) {
  if (provider.registration_free) return Status::Ok();
  ProviderRegistration p;
  if (auto found = store.find_provider(subscription_id, provider.ns); found.ok()) {
    p = *found;
  } else {
    p.subscription_id = subscription_id;
    p.ns = provider.ns;
    p.state = "NotRegistered";
  }
  const std::string target = reg ? "Registered" : "Unregistered";
  if (p.state == target || p.pending_state == target) return Status::Ok();
  if (!reg && (p.state == "NotRegistered" || p.state == "Unregistered")) return Status::Ok();
  p.state = reg ? "Registering" : "Unregistering";
  p.pending_state = target;
  p.settles_at = now + provider_delay(store);
  return store.put_provider(p);
}

}  // namespace emu::arm

// Resource providers: list, get, register, unregister (README Sources [S5], [S6]).
// Registration moves NotRegistered -> Registering -> Registered (and Registered ->
// Unregistering -> Unregistered) after the subscription's provider delay in virtual time.
#include "emulator/arm/catalog/catalog.h"
#include "emulator/arm/handlers/common.h"
#include "emulator/arm/store/provider_registration.h"

namespace emu::arm::internal {
namespace {

using nlohmann::json;

json provider_json(const Call& call, const ProviderInfo& p) {
  json types = json::array();
  for (const ResourceTypeInfo& t : p.types) {
    json locations = json::array();
    if (!t.global)
      for (const Region& r : regions()) locations.push_back(r.display_name);
    json entry = {{"resourceType", t.resource_type},
                  {"locations", t.global ? json::array({"global"}) : locations},
                  {"apiVersions", t.api_versions}};
    if (!t.capabilities.empty()) entry["capabilities"] = t.capabilities;
    types.push_back(std::move(entry));
  }
  return {{"id", "/subscriptions/" + call.subscription.id + "/providers/" + p.ns},
          {"namespace", p.ns},
          {"registrationState", registration_state(call, p.ns)},
          {"registrationPolicy", p.registration_free ? "RegistrationFree" : "RegistrationRequired"},
          {"resourceTypes", std::move(types)}};
}

Result<const ProviderInfo*, ArmError> known_provider(const Call& call) {
  const ProviderInfo* p = find_provider(call.param("ns"));
  if (p == nullptr) return errors::resource_namespace_not_found(call.param("ns"));
  return p;
}

http::Response list_providers(Call& call) {
  json items = json::array();
  for (const ProviderInfo& p : providers()) items.push_back(provider_json(call, p));
  return list_reply(std::move(items));
}

http::Response get_provider(Call& call) {
  auto p = known_provider(call);
  if (!p.ok()) return error_reply(p.error());
  return json_reply(200, provider_json(call, *p.value()));
}

http::Response change_registration(Call& call, bool reg) {
  auto p = known_provider(call);
  if (!p.ok()) return error_reply(p.error());
  const std::string scope = "/subscriptions/" + call.subscription.id;
  if (auto denied =
          authorize(call, (*p)->ns + (reg ? "/register/action" : "/unregister/action"), scope))
    return error_reply(*denied);
  if (Status s = set_registration(call.env.store, call.subscription.id, **p, reg, call.now);
      !s.ok())
    return error_reply(errors::internal_error(s));
  (void)call.env.store.settle(call.now);  // a zero delay settles at once
  return json_reply(200, provider_json(call, **p));
}

}  // namespace

void add_provider_routes(http::Router& router, const Wrap& wrap) {
  const std::string base = "/subscriptions/{subscriptionId}/providers";
  router.add("GET", "*", base, wrap(list_providers, {}));
  router.add("GET", "*", base + "/{ns}", wrap(get_provider, {}));
  router.add("POST", "*", base + "/{ns}/register",
             wrap([](Call& c) { return change_registration(c, true); }, {}));
  router.add("POST", "*", base + "/{ns}/unregister",
             wrap([](Call& c) { return change_registration(c, false); }, {}));
}

}  // namespace emu::arm::internal

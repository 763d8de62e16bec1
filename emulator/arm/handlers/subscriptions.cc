// Subscriptions, tenants and locations (README Sources [S6]).
#include "emulator/arm/catalog/catalog.h"
#include "emulator/arm/handlers/common.h"

#include <set>

namespace emu::arm::internal {
namespace {

using nlohmann::json;

json subscription_json(const Subscription& s) {
  return {{"id", "/subscriptions/" + s.id},
          {"authorizationSource", "RoleBased"},
          {"managedByTenants", json::array()},
          {"subscriptionId", s.id},
          {"tenantId", s.tenant_id},
          {"displayName", s.display_name},
          {"state", s.state},
          {"subscriptionPolicies",
           {{"locationPlacementId", "Public_2014-09-01"},
            {"quotaId", "PayAsYouGo_2014-09-01"},
            {"spendingLimit", "Off"}}}};
}

// A subscription is visible to a principal holding any role at or under it.
bool visible(const Call& call, const Subscription& s) {
  return !call.env.store.role_assignments(call.principal.object_id, "/subscriptions/" + s.id)
              .empty();
}

http::Response list_subscriptions(Call& call) {
  json items = json::array();
  for (const Subscription& s : call.env.store.subscriptions())
    if (visible(call, s)) items.push_back(subscription_json(s));
  return json_reply(200,
                    {{"value", items}, {"count", {{"type", "Total"}, {"value", items.size()}}}});
}

http::Response get_subscription(Call& call) {
  if (!visible(call, call.subscription))
    return error_reply(*authorize(call, "Microsoft.Resources/subscriptions/read",
                                  "/subscriptions/" + call.subscription.id));
  return json_reply(200, subscription_json(call.subscription));
}

http::Response list_tenants(Call& call) {
  std::set<std::string> ids = {call.principal.tenant_id};
  for (const Subscription& s : call.env.store.subscriptions())
    if (visible(call, s)) ids.insert(s.tenant_id);
  json items = json::array();
  for (const std::string& id : ids) {
    if (id.empty()) continue;
    items.push_back({{"id", "/tenants/" + id},
                     {"tenantId", id},
                     {"tenantCategory", "Home"},
                     {"countryCode", "US"},
                     {"tenantType", "AAD"}});
  }
  return list_reply(std::move(items));
}

http::Response list_locations(Call& call) {
  json items = json::array();
  for (const Region& r : regions()) {
    items.push_back(
        {{"id", "/subscriptions/" + call.subscription.id + "/locations/" + r.name},
         {"name", r.name},
         {"type", "Region"},
         {"displayName", r.display_name},
         {"regionalDisplayName", r.regional_display_name},
         {"metadata",
          {{"regionType", "Physical"},
           {"regionCategory", "Recommended"},
           {"geographyGroup", r.geography_group},
           {"longitude", r.longitude},
           {"latitude", r.latitude},
           {"physicalLocation", r.display_name},
           {"pairedRegion", json::array({{{"name", r.paired_region},
                                          {"id", "/subscriptions/" + call.subscription.id +
                                                     "/locations/" + r.paired_region}}})}}}});
  }
  return list_reply(std::move(items));
}

}  // namespace

void add_subscription_routes(http::Router& router, const Wrap& wrap) {
  const RouteOptions no_sub{true, false, true};
  router.add("GET", "*", "/subscriptions", wrap(list_subscriptions, no_sub));
  router.add("GET", "*", "/tenants", wrap(list_tenants, no_sub));
  router.add("GET", "*", "/subscriptions/{subscriptionId}", wrap(get_subscription, {}));
  router.add("GET", "*", "/subscriptions/{subscriptionId}/locations", wrap(list_locations, {}));
}

}  // namespace emu::arm::internal

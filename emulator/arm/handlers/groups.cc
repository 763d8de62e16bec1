// Resource groups (README Sources [S5], [S6]): PUT 201/200, GET, HEAD 204/404, PATCH tags,
// list, DELETE 202 + Location until the group and everything in it is gone.
#include "emulator/arm/catalog/catalog.h"
#include "emulator/arm/handlers/common.h"
#include "emulator/core/text.h"

namespace emu::arm::internal {
namespace {

using nlohmann::json;

constexpr const char* kGroupType = "Microsoft.Resources/resourceGroups";
// Virtual time a group delete takes (inferred); store setting "durations" may override it
// under the key "Microsoft.Resources/resourceGroups" (seconds).
constexpr Duration kEmptyGroupDelete = std::chrono::seconds(1);
constexpr Duration kGroupDelete = std::chrono::seconds(30);

json group_json(const ResourceGroup& g) {
  json j = {{"id", g.id()},
            {"name", g.name},
            {"type", kGroupType},
            {"location", g.location},
            {"properties", {{"provisioningState", g.state}}}};
  if (!g.tags.empty()) j["tags"] = g.tags;
  if (!g.managed_by.empty()) j["managedBy"] = g.managed_by;
  return j;
}

std::string group_scope(const Call& call, const std::string& name) {
  return "/subscriptions/" + call.subscription.id + "/resourceGroups/" + name;
}

// ARM's resource group name rule: 1-90 characters of letters, digits, '_', '-', '.', '(' and
// ')', not ending in '.' (learn.microsoft.com resource-name-rules [C-doc]).
bool valid_group_name(const std::string& n) {
  if (n.empty() || n.size() > 90 || n.back() == '.') return false;
  for (unsigned char c : n)
    if (!std::isalnum(c) && c != '_' && c != '-' && c != '.' && c != '(' && c != ')') return false;
  return true;
}

Duration delete_duration(const Call& call, bool empty) {
  auto d = call.env.store.setting("durations");
  if (d.ok() && d->is_object()) {
    for (const auto& [key, value] : d->items())
      if (to_lower(key) == to_lower(kGroupType) && value.is_number())
        return std::chrono::duration_cast<Duration>(
            std::chrono::duration<double>(value.get<double>()));
  }
  return empty ? kEmptyGroupDelete : kGroupDelete;
}

http::Response put_group(Call& call) {
  const std::string name = call.param("resourceGroupName");
  if (auto denied = authorize(call, "Microsoft.Resources/subscriptions/resourceGroups/write",
                              group_scope(call, name)))
    return error_reply(*denied);
  if (!valid_group_name(name)) return error_reply(errors::invalid_resource_group_name(name));
  auto body = body_json(call);
  if (!body.ok()) return error_reply(body.error());
  auto existing = call.env.store.find_group(call.subscription.id, name);
  if (existing.ok() && existing->state == "Deleting")
    return error_reply(errors::resource_group_being_deleted(existing->name));
  const json& b = body.value();
  if (!b.contains("location") || !b["location"].is_string())
    return error_reply(errors::missing_location());
  const Region* region = find_region(b["location"].get<std::string>());
  if (region == nullptr)
    return error_reply(
        errors::location_not_available_for_group(b["location"].get<std::string>(), region_names()));
  if (existing.ok() && to_lower(existing->location) != region->name)
    return error_reply(errors::invalid_resource_group_location(region->name, existing->location));
  ResourceGroup g = existing.ok() ? *existing : ResourceGroup{};
  g.subscription_id = call.subscription.id;
  if (!existing.ok()) g.name = name;
  g.location = region->name;
  if (b.contains("tags") && b["tags"].is_object()) g.tags = b["tags"];
  if (b.contains("managedBy") && b["managedBy"].is_string()) g.managed_by = b["managedBy"];
  g.state = "Succeeded";
  if (Status s = call.env.store.put_group(g); !s.ok())
    return error_reply(errors::internal_error(s));
  return json_reply(existing.ok() ? 200 : 201, group_json(g));
}

http::Response get_group(Call& call) {
  const std::string name = call.param("resourceGroupName");
  if (auto denied = authorize(call, "Microsoft.Resources/subscriptions/resourceGroups/read",
                              group_scope(call, name)))
    return error_reply(*denied);
  auto g = require_group(call, name, false);
  if (!g.ok()) return error_reply(g.error());
  if (call.req.method == "HEAD") {
    http::Response res;
    res.status = 204;
    return res;
  }
  return json_reply(200, group_json(g.value()));
}

http::Response patch_group(Call& call) {
  const std::string name = call.param("resourceGroupName");
  if (auto denied = authorize(call, "Microsoft.Resources/subscriptions/resourceGroups/write",
                              group_scope(call, name)))
    return error_reply(*denied);
  auto g = require_group(call, name, true);
  if (!g.ok()) return error_reply(g.error());
  auto body = body_json(call);
  if (!body.ok()) return error_reply(body.error());
  if (body.value().contains("tags") && body.value()["tags"].is_object())
    g.value().tags = body.value()["tags"];
  if (Status s = call.env.store.put_group(g.value()); !s.ok())
    return error_reply(errors::internal_error(s));
  return json_reply(200, group_json(g.value()));
}

http::Response list_groups(Call& call) {
  json items = json::array();
  const std::string sub_scope = "/subscriptions/" + call.subscription.id;
  for (const ResourceGroup& g : call.env.store.groups(call.subscription.id))
    if (!authorize(call, "Microsoft.Resources/subscriptions/resourceGroups/read", g.id()))
      items.push_back(group_json(g));
  return list_reply(std::move(items));
}

http::Response delete_group(Call& call) {
  const std::string name = call.param("resourceGroupName");
  if (auto denied = authorize(call, "Microsoft.Resources/subscriptions/resourceGroups/delete",
                              group_scope(call, name)))
    return error_reply(*denied);
  auto g = require_group(call, name, false);
  if (!g.ok()) return error_reply(g.error());
  ResourceGroup& group = g.value();
  if (group.state != "Deleting") {
    const bool empty = call.env.store.resources(call.subscription.id, group.name, "").empty();
    group.state = "Deleting";
    group.deleted_at = call.now + delete_duration(call, empty);
    if (Status s = call.env.store.put_group(group); !s.ok())
      return error_reply(errors::internal_error(s));
  }
  return lro_reply(call, 202, nullptr, "group.delete", group.id(), group.location, group.deleted_at,
                   "Succeeded", nullptr);
}

}  // namespace

void add_group_routes(http::Router& router, const Wrap& wrap) {
  const std::string base = "/subscriptions/{subscriptionId}/resourcegroups";
  router.add("GET", "*", base, wrap(list_groups, {}));
  router.add("PUT", "*", base + "/{resourceGroupName}", wrap(put_group, {}));
  router.add("GET", "*", base + "/{resourceGroupName}", wrap(get_group, {}));
  router.add("HEAD", "*", base + "/{resourceGroupName}", wrap(get_group, {}));
  router.add("PATCH", "*", base + "/{resourceGroupName}", wrap(patch_group, {}));
  router.add("DELETE", "*", base + "/{resourceGroupName}", wrap(delete_group, {}));
}

}  // namespace emu::arm::internal

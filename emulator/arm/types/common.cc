// Resource-type rules shared by every type (declared in types/types.h and types/internal.h): the
// registry, the generic tracked-resource plan, provisioning durations and helpers.
#include "emulator/arm/catalog/catalog.h"
#include "emulator/arm/types/internal.h"
#include "emulator/arm/types/types.h"
#include "emulator/core/text.h"

#include <chrono>
#include <vector>

namespace emu::arm {

using nlohmann::json;

DeletePlan ResourceTypeRules::plan_delete(const Resource& /*existing*/,
                                          const TypeContext& /*ctx*/) const {
  return DeletePlan{};
}

const ResourceTypeRules* find_type_rules(std::string_view type) {
  static const std::vector<std::unique_ptr<ResourceTypeRules>> kRules = [] {
    std::vector<std::unique_ptr<ResourceTypeRules>> v;
    v.push_back(detail::make_public_ip_rules());
    v.push_back(detail::make_load_balancer_rules());
    v.push_back(detail::make_nsg_rules());
    v.push_back(detail::make_vnet_rules());
    v.push_back(detail::make_vault_rules());
    v.push_back(detail::make_storage_rules());
    v.push_back(detail::make_vmss_rules());
    return v;
  }();
  const std::string key = to_lower(type);
  for (const auto& r : kRules) {
    if (to_lower(r->type()) == key) return r.get();
  }
  return nullptr;
}

Duration provisioning_duration(const ArmStore& store, std::string_view type, Duration fallback) {
  auto setting = store.setting("durations");
  if (!setting.ok() || !setting->is_object()) return fallback;
  const std::string key = to_lower(type);
  for (const auto& [name, value] : setting->items()) {
    if (to_lower(name) != key) continue;
    if (value.is_number() && value.get<double>() >= 0) {
      return std::chrono::duration_cast<Duration>(
          std::chrono::duration<double>(value.get<double>()));
    }
    if (value.is_string()) {
      auto parsed = parse_duration(value.get<std::string>());
      if (parsed.ok() && *parsed >= Duration(0)) return *parsed;
    }
    return fallback;
  }
  return fallback;
}

Result<PutPlan, ArmError> plan_generic_put(std::string_view type, const json& body,
                                           const TypeContext& ctx) {
  detail::BaseOptions options;
  options.default_location = ctx.group_location;
  options.allow_global = true;
  return detail::base_plan(type, body, ctx, options);
}

namespace detail {

ArmError location_not_available(std::string_view location, std::string_view type) {
  return errors::location_not_available_for_type(location, type, region_names());
}

const json& member(const json& obj, std::string_view key) {
  static const json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

std::string string_member(const json& obj, std::string_view key) {
  const json& v = member(obj, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

std::string existing_string(const TypeContext& ctx, const char* pointer) {
  if (ctx.existing == nullptr) return "";
  const json::json_pointer ptr(pointer);
  if (!ctx.existing->body.contains(ptr)) return "";
  const json& v = ctx.existing->body.at(ptr);
  return v.is_string() ? v.get<std::string>() : std::string();
}

std::string network_etag(const TypeContext& ctx) { return "W/\"" + ctx.ids.guid() + "\""; }

void stamp_network_resource(json& body, const TypeContext& ctx) {
  const std::string guid = existing_string(ctx, "/properties/resourceGuid");
  body["properties"]["resourceGuid"] = guid.empty() ? ctx.ids.guid() : guid;
  body["etag"] = network_etag(ctx);
}

namespace {

// The canonical location for the body, or the error ARM gives.
Result<std::string, ArmError> resolve_location(std::string_view type, const json& body,
                                               const BaseOptions& options) {
  const json& loc = member(body, "location");
  if (loc.is_null() || (loc.is_string() && loc.get<std::string>().empty())) {
    if (options.default_location.empty()) return errors::missing_location();
    const Region* r = find_region(options.default_location);
    return r != nullptr ? r->name : std::string(options.default_location);
  }
  if (!loc.is_string()) {
    return errors::invalid_request_content(
        "Error converting value to type 'System.String'. "
        "Path 'location'");
  }
  const std::string given = loc.get<std::string>();
  if (options.allow_global && to_lower(given) == "global") return std::string("global");
  const Region* r = find_region(given);
  if (r == nullptr) return location_not_available(given, type);
  return r->name;
}

}  // namespace

Result<PutPlan, ArmError> base_plan(std::string_view type, const json& body, const TypeContext& ctx,
                                    const BaseOptions& options) {
  if (!body.is_object()) {
    return errors::invalid_request_content("The request body must be a JSON object");
  }
  Result<std::string, ArmError> location = resolve_location(type, body, options);
  if (!location.ok()) return location.error();
  const json& tags = member(body, "tags");
  if (!tags.is_null() && !tags.is_object()) {
    return errors::invalid_request_content(
        "Error converting value to type 'Dictionary'. "
        "Path 'tags'");
  }
  const json& props = member(body, "properties");
  if (!props.is_null() && !props.is_object()) {
    return errors::invalid_request_content(
        "Error converting value to type 'Properties'. "
        "Path 'properties'");
  }
  PutPlan plan;
  Resource& r = plan.resource;
  r.id = ctx.id;
  r.subscription_id = ctx.subscription_id;
  r.resource_group = ctx.resource_group;
  r.type = std::string(type);
  r.name = ctx.name;
  r.location = location.value();
  json& b = r.body;
  b = {{"id", r.id}, {"name", r.name}, {"type", r.type}, {"location", r.location}};
  b["tags"] = tags.is_object() ? tags : json::object();
  for (const char* key : {"sku", "kind", "identity", "zones", "plan", "extendedLocation"}) {
    const json& v = member(body, key);
    if (!v.is_null()) b[key] = v;
  }
  b["properties"] = props.is_object() ? props : json::object();
  b["properties"].erase("provisioningState");
  plan.duration = provisioning_duration(ctx.store, type, options.default_duration);
  return plan;
}

Result<bool, ArmError> name_children(json& properties, const char* collection,
                                     const std::string& parent_id, const std::string& child_type,
                                     const TypeContext& ctx) {
  json& items = properties[collection];
  if (items.is_null()) {
    items = json::array();
    return true;
  }
  ArmError bad = errors::invalid_request_format(std::string("properties.") + collection);
  if (!items.is_array()) return bad;
  for (json& item : items) {
    if (!item.is_object() || !member(item, "name").is_string()) return bad;
    item["id"] = parent_id + "/" + collection + "/" + item["name"].get<std::string>();
    item["etag"] = network_etag(ctx);
    if (!child_type.empty()) item["type"] = child_type;
    json& p = item["properties"];
    if (!p.is_object()) p = json::object();
    p["provisioningState"] = "Succeeded";
  }
  return true;
}

}  // namespace detail
}  // namespace emu::arm

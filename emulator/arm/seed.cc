// Seeding ARM from a scenario's lab section: "subscription" (object) or "subscriptions"
// (array). Documented in emulator/arm/README.md ("Lab section").
#include "emulator/arm/seed.h"

#include "emulator/aad/public/principals.h"
#include "emulator/arm/catalog/catalog.h"
#include "emulator/arm/handlers/common.h"
#include "emulator/arm/handlers/roles.h"
#include "emulator/arm/store/provider_registration.h"
#include "emulator/core/json_args.h"

#include <algorithm>

namespace emu::arm {

using nlohmann::json;

namespace {

const std::vector<std::string> kSubscriptionKeys = {"id",
                                                    "name",
                                                    "tenant",
                                                    "co_administrators",
                                                    "role_assignments",
                                                    "providers",
                                                    "provider_registration_delay",
                                                    "regions",
                                                    "durations",
                                                    "resource_groups"};
const std::vector<std::string> kAssignmentKeys = {"principal", "role", "scope", "resource_group"};
const std::vector<std::string> kRegionKeys = {"skus", "quota"};
const std::vector<std::string> kGroupKeys = {"name", "location", "tags"};
const std::vector<std::string> kStates = {"Registered", "NotRegistered", "Registering",
                                          "Unregistered"};

Status bad(const std::string& path, const std::string& message) {
  return InvalidArgument(path + ": " + message);
}

}  // namespace

Result<double> seconds_value(const json& v, const std::string& path) {
  if (v.is_number() && v.get<double>() >= 0) return v.get<double>();
  if (v.is_string()) {
    auto d = parse_duration(v.get<std::string>());
    if (d.ok() && d->count() >= 0) return std::chrono::duration<double>(*d).count();
  }
  return bad(path, "must be seconds (a number) or an ISO 8601 duration such as \"PT12M\"");
}

Status validate_subscription_spec(const json& spec, const std::string& path) {
  EMU_RETURN_IF_ERROR(check_json_keys(spec, path, kSubscriptionKeys));
  for (const char* key : {"id", "name", "tenant"})
    if (spec.contains(key) && !spec[key].is_string())
      return bad(path + "." + key, "must be a string");
  if (spec.contains("co_administrators")) {
    const json& list = spec["co_administrators"];
    if (!list.is_array()) return bad(path + ".co_administrators", "must be an array of UPNs");
    for (size_t i = 0; i < list.size(); ++i)
      if (!list[i].is_string())
        return bad(path + ".co_administrators[" + std::to_string(i) + "]", "must be a string");
  }
  if (spec.contains("role_assignments")) {
    const json& list = spec["role_assignments"];
    if (!list.is_array()) return bad(path + ".role_assignments", "must be an array");
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string p = path + ".role_assignments[" + std::to_string(i) + "]";
      EMU_RETURN_IF_ERROR(check_json_keys(list[i], p, kAssignmentKeys));
      if (!list[i].contains("principal") || !list[i]["principal"].is_string())
        return bad(p + ".principal", "required (a UPN, an application name or an object ID)");
      if (!list[i].contains("role") || !list[i]["role"].is_string() ||
          find_role(list[i]["role"].get<std::string>()) == nullptr)
        return bad(p + ".role", "required: Owner, Contributor or Reader");
    }
  }
  if (spec.contains("providers")) {
    if (!spec["providers"].is_object()) return bad(path + ".providers", "must be an object");
    for (const auto& [ns, state] : spec["providers"].items()) {
      const ProviderInfo* p = find_provider(ns);
      if (p == nullptr) return bad(path + ".providers." + ns, "unknown resource provider");
      if (!state.is_string() ||
          std::find(kStates.begin(), kStates.end(), state.get<std::string>()) == kStates.end())
        return bad(path + ".providers." + ns,
                   "must be Registered, NotRegistered, Registering or Unregistered");
    }
  }
  if (spec.contains("provider_registration_delay"))
    EMU_RETURN_IF_ERROR(
        seconds_value(spec["provider_registration_delay"], path + ".provider_registration_delay")
            .status());
  if (spec.contains("regions")) {
    if (!spec["regions"].is_object()) return bad(path + ".regions", "must be an object");
    for (const auto& [name, region] : spec["regions"].items()) {
      const std::string p = path + ".regions." + name;
      if (find_region(name) == nullptr) return bad(p, "unknown region");
      EMU_RETURN_IF_ERROR(check_json_keys(region, p, kRegionKeys));
      if (region.contains("skus")) {
        if (!region["skus"].is_array()) return bad(p + ".skus", "must be an array of VM sizes");
        for (const auto& s : region["skus"])
          if (!s.is_string() || find_vm_sku(s.get<std::string>()) == nullptr)
            return bad(p + ".skus", "unknown VM size " + s.dump());
      }
      if (region.contains("quota")) {
        if (!region["quota"].is_object()) return bad(p + ".quota", "must be an object");
        for (const auto& [family, limit] : region["quota"].items())
          if (!limit.is_number_integer() || limit.get<int64_t>() < 0)
            return bad(p + ".quota." + family, "must be a non-negative integer");
      }
    }
  }
  if (spec.contains("durations")) {
    if (!spec["durations"].is_object()) return bad(path + ".durations", "must be an object");
    for (const auto& [type, value] : spec["durations"].items())
      EMU_RETURN_IF_ERROR(seconds_value(value, path + ".durations." + type).status());
  }
  if (spec.contains("resource_groups")) {
    const json& list = spec["resource_groups"];
    if (!list.is_array()) return bad(path + ".resource_groups", "must be an array");
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string p = path + ".resource_groups[" + std::to_string(i) + "]";
      EMU_RETURN_IF_ERROR(check_json_keys(list[i], p, kGroupKeys));
      if (!list[i].contains("name") || !list[i]["name"].is_string())
        return bad(p + ".name", "required");
      if (!list[i].contains("location") || !list[i]["location"].is_string() ||
          find_region(list[i]["location"].get<std::string>()) == nullptr)
        return bad(p + ".location", "required: a region such as \"japaneast\"");
    }
  }
  return Status::Ok();
}

Status validate_lab(const json& lab) {
  if (!lab.is_object()) return Status::Ok();
  if (lab.contains("subscription") && lab.contains("subscriptions"))
    return bad("lab", "give either \"subscription\" or \"subscriptions\", not both");
  if (lab.contains("subscription"))
    return validate_subscription_spec(lab["subscription"], "lab.subscription");
  if (lab.contains("subscriptions")) {
    if (!lab["subscriptions"].is_array()) return bad("lab.subscriptions", "must be an array");
    for (size_t i = 0; i < lab["subscriptions"].size(); ++i)
      EMU_RETURN_IF_ERROR(validate_subscription_spec(
          lab["subscriptions"][i], "lab.subscriptions[" + std::to_string(i) + "]"));
  }
  return Status::Ok();
}

namespace {

// Merges {region: {skus, quota}} and {type: seconds} into the store settings.
Status seed_settings(ArmStore& store, const json& spec) {
  if (spec.contains("regions")) {
    json offers = store.setting("sku_offers").value_or(json::object());
    json quota = store.setting("quota").value_or(json::object());
    for (const auto& [name, region] : spec["regions"].items()) {
      const std::string r = find_region(name)->name;
      if (region.contains("skus")) offers[r] = region["skus"];
      if (region.contains("quota")) quota[r] = region["quota"];
    }
    EMU_RETURN_IF_ERROR(store.put_setting("sku_offers", offers));
    EMU_RETURN_IF_ERROR(store.put_setting("quota", quota));
  }
  if (spec.contains("durations")) {
    json durations = store.setting("durations").value_or(json::object());
    for (const auto& [type, value] : spec["durations"].items())
      durations[type] = seconds_value(value, "").value();
    EMU_RETURN_IF_ERROR(store.put_setting("durations", durations));
  }
  if (spec.contains("provider_registration_delay"))
    EMU_RETURN_IF_ERROR(store.put_setting(
        "provider_delay", seconds_value(spec["provider_registration_delay"], "").value()));
  return Status::Ok();
}

Status assign(ArmStore& store, const aad::PrincipalLookup& principals, SeedDeps& deps,
              const Subscription& sub, const std::string& principal, const std::string& role,
              std::string scope, const std::string& path) {
  auto found = principals.find_principal(sub.tenant_id, principal);
  if (!found.ok()) return bad(path, found.status().message());
  RoleAssignment a;
  a.id = deps.ids.guid();
  a.scope = scope;
  a.role = find_role(role)->name;
  a.principal_id = found->object_id;
  a.principal_type = found->type;
  a.created_at = deps.now;
  return store.put_role_assignment(a);
}

}  // namespace

Result<json> seed_subscription(const json& spec, const std::string& path, SeedDeps deps) {
  EMU_RETURN_IF_ERROR(validate_subscription_spec(spec, path));
  auto tenant = deps.principals.tenant_id(spec.value("tenant", std::string()));
  if (!tenant.ok()) return bad(path + ".tenant", tenant.status().message());
  Subscription sub;
  sub.id = spec.contains("id") ? spec["id"].get<std::string>() : deps.ids.guid();
  sub.display_name = spec.value("name", std::string("Azure subscription 1"));
  sub.tenant_id = *tenant;
  EMU_RETURN_IF_ERROR(deps.store.put_subscription(sub));
  EMU_RETURN_IF_ERROR(seed_settings(deps.store, spec));
  const std::string scope = "/subscriptions/" + sub.id;
  if (spec.contains("co_administrators")) {
    size_t i = 0;
    for (const auto& upn : spec["co_administrators"])
      EMU_RETURN_IF_ERROR(assign(deps.store, deps.principals, deps, sub, upn.get<std::string>(),
                                 "Owner", scope,
                                 path + ".co_administrators[" + std::to_string(i++) + "]"));
  }
  if (spec.contains("providers")) {
    for (const auto& [ns, state] : spec["providers"].items()) {
      const ProviderInfo* p = find_provider(ns);
      if (p->registration_free) continue;
      ProviderRegistration reg{sub.id, p->ns, state.get<std::string>(), "", {}};
      if (reg.state == "Registering") {  // finishes after the provider delay
        reg.pending_state = "Registered";
        reg.settles_at = deps.now + provider_delay(deps.store);
      }
      EMU_RETURN_IF_ERROR(deps.store.put_provider(reg));
    }
  }
  if (spec.contains("resource_groups")) {
    for (const auto& g : spec["resource_groups"]) {
      ResourceGroup group;
      group.subscription_id = sub.id;
      group.name = g["name"].get<std::string>();
      group.location = find_region(g["location"].get<std::string>())->name;
      if (g.contains("tags") && g["tags"].is_object()) group.tags = g["tags"];
      EMU_RETURN_IF_ERROR(deps.store.put_group(group));
    }
  }
  if (spec.contains("role_assignments")) {
    size_t i = 0;
    for (const auto& a : spec["role_assignments"]) {
      const std::string p = path + ".role_assignments[" + std::to_string(i++) + "]";
      std::string target = scope;
      if (a.contains("resource_group"))
        target += "/resourceGroups/" + a["resource_group"].get<std::string>();
      if (a.contains("scope")) target = a["scope"].get<std::string>();
      EMU_RETURN_IF_ERROR(assign(deps.store, deps.principals, deps, sub,
                                 a["principal"].get<std::string>(), a["role"].get<std::string>(),
                                 target, p + ".principal"));
    }
  }
  return json{{"id", sub.id}, {"name", sub.display_name}, {"tenant_id", sub.tenant_id}};
}

Result<json> seed_lab(const json& lab, SeedDeps deps) {
  json out = {{"subscriptions", json::array()}};
  if (!lab.is_object()) return out;
  EMU_RETURN_IF_ERROR(validate_lab(lab));
  if (lab.contains("subscription")) {
    EMU_ASSIGN_OR_RETURN(json s, seed_subscription(lab["subscription"], "lab.subscription", deps));
    out["subscriptions"].push_back(std::move(s));
  }
  if (lab.contains("subscriptions")) {
    for (size_t i = 0; i < lab["subscriptions"].size(); ++i) {
      EMU_ASSIGN_OR_RETURN(json s,
                           seed_subscription(lab["subscriptions"][i],
                                             "lab.subscriptions[" + std::to_string(i) + "]", deps));
      out["subscriptions"].push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace emu::arm

// Microsoft.Compute rules for virtual machine scale sets: the VM size must be a known size
// offered in the region, the instance count within the CMG range (1-16), and the regional
// vCPU quotas (per family and in total) must hold; the body as GET returns it (defaults,
// uniqueId, timeCreated, identity principal, secrets never echoed).
#include "emulator/arm/catalog/catalog.h"
#include "emulator/arm/types/internal.h"
#include "emulator/arm/types/types.h"
#include "emulator/core/text.h"

#include <chrono>

namespace emu::arm {
namespace detail {
namespace {

constexpr const char* kVmssType = "Microsoft.Compute/virtualMachineScaleSets";
constexpr int64_t kMaxCapacity = 16;  // the CMG wizard's maximum VM instance count

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}

// Checks the family and the regional total for `needed` more vCPUs.
Result<bool, ArmError> check_quota(const TypeContext& ctx, const std::string& location,
                                   const VmSku& vm, int64_t needed) {
  for (const std::string& resource : {vm.family, std::string("cores")}) {
    const int64_t limit = quota_limit(ctx.store, location, resource);
    const int64_t usage = quota_usage(ctx.store, ctx.subscription_id, location, resource, ctx.id);
    if (usage + needed > limit)
      return errors::quota_exceeded(ctx.subscription_id, location, resource, limit, usage, needed,
                                    ctx.direct_request);
  }
  return true;
}

// The instance count, or the error for a missing or out-of-range value.
Result<int64_t, ArmError> capacity_of(const json& sku) {
  const json& c = member(sku, "capacity");
  if (c.is_null()) return errors::required_parameter_missing("sku.capacity");
  const bool integral =
      c.is_number_integer() ||
      (c.is_number_float() && c.get<double>() == static_cast<int64_t>(c.get<double>()));
  const int64_t n = integral ? static_cast<int64_t>(c.get<double>()) : -1;
  if (n < 1 || n > kMaxCapacity) {
    // [inferred] wording; the range is the CMG's (1-16), not Azure's.
    return errors::invalid_parameter("sku.capacity",
                                     "The value " + c.dump() +
                                         " of parameter 'sku.capacity' is not valid. The value "
                                         "must be between 1 and " +
                                         std::to_string(kMaxCapacity) + ".");
  }
  return n;
}

// GET never returns secrets: the admin password, custom data and protected settings.
void strip_secrets(json& props) {
  json& profile = props["virtualMachineProfile"];
  if (!profile.is_object()) {
    props.erase("virtualMachineProfile");
    return;
  }
  if (profile["osProfile"].is_object()) {
    profile["osProfile"].erase("adminPassword");
    profile["osProfile"].erase("customData");
  } else {
    profile.erase("osProfile");
  }
  json& ext = profile["extensionProfile"];
  if (!ext.is_object()) {
    profile.erase("extensionProfile");
    return;
  }
  if (!ext.contains("extensions") || !ext["extensions"].is_array()) return;
  for (json& e : ext["extensions"])
    if (e.is_object() && e.contains("properties") && e["properties"].is_object())
      e["properties"].erase("protectedSettings");
}

// A system-assigned identity gets a principal in the subscription's tenant; user-assigned
// identities get principal and client IDs. Stable across updates.
void fill_identity(json& b, const TypeContext& ctx) {
  json& id = b["identity"];
  if (!id.is_object()) {
    b.erase("identity");
    return;
  }
  if (string_member(id, "type").find("SystemAssigned") != std::string::npos) {
    const std::string principal = existing_string(ctx, "/identity/principalId");
    id["principalId"] = principal.empty() ? ctx.ids.guid() : principal;
    id["tenantId"] = ctx.tenant_id;
  }
  json& users = id["userAssignedIdentities"];
  if (!users.is_object()) {
    id.erase("userAssignedIdentities");
    return;
  }
  for (auto& [key, value] : users.items()) {
    if (!value.is_object()) value = json::object();
    if (!value.contains("principalId")) value["principalId"] = ctx.ids.guid();
    if (!value.contains("clientId")) value["clientId"] = ctx.ids.guid();
  }
}

void fill_properties(json& props, const TypeContext& ctx) {
  const json defaults = {{"upgradePolicy", {{"mode", "Manual"}}},
                         {"orchestrationMode", "Uniform"},
                         {"overprovision", true},
                         {"doNotRunExtensionsOnOverprovisionedVMs", false},
                         {"singlePlacementGroup", true}};
  for (const auto& [key, value] : defaults.items())
    if (!props.contains(key)) props[key] = value;
  const std::string unique = existing_string(ctx, "/properties/uniqueId");
  props["uniqueId"] = unique.empty() ? ctx.ids.guid() : unique;
  const std::string created = existing_string(ctx, "/properties/timeCreated");
  props["timeCreated"] = created.empty() ? format_iso8601(ctx.now) : created;
  strip_secrets(props);
}

class VmssRules final : public ResourceTypeRules {
 public:
  std::string type() const override { return kVmssType; }

  Result<PutPlan, ArmError> plan_put(const json& body, const TypeContext& ctx) const override {
    BaseOptions options;
    options.default_duration = std::chrono::minutes(10);  // inferred
    Result<PutPlan, ArmError> plan = base_plan(type(), body, ctx, options);
    if (!plan.ok()) return plan;
    const std::string location = plan->resource.location;
    const json& sku = member(body, "sku");
    const std::string size = string_member(sku, "name");
    if (size.empty()) return errors::required_parameter_missing("sku.name");
    const std::vector<std::string> offered = offered_skus(ctx.store, location);
    const VmSku* vm = find_vm_sku(size);
    if (vm == nullptr) {
      // [C-doc] quoted in ContainerSolutions/terraform-examples#62; target inferred.
      return errors::invalid_parameter("sku.name", "The value " + size +
                                                       " provided for the VM size is not valid. "
                                                       "The valid sizes in the current region "
                                                       "are: " +
                                                       join(offered) + ".");
    }
    bool is_offered = false;
    for (const std::string& s : offered)
      is_offered = is_offered || to_lower(s) == to_lower(vm->name);
    if (!is_offered) return errors::sku_not_available(ctx.id, location, ctx.subscription_id);
    Result<int64_t, ArmError> capacity = capacity_of(sku);
    if (!capacity.ok()) return capacity.error();
    Result<bool, ArmError> quota = check_quota(ctx, location, *vm, vm->vcpus * capacity.value());
    if (!quota.ok()) return quota.error();
    json& b = plan->resource.body;
    b["sku"] = {
        {"name", vm->name},
        {"tier", string_member(sku, "tier").empty() ? vm->tier : string_member(sku, "tier")},
        {"capacity", capacity.value()}};
    fill_identity(b, ctx);
    fill_properties(b["properties"], ctx);
    return plan;
  }

  DeletePlan plan_delete(const Resource&, const TypeContext&) const override {
    return DeletePlan{std::chrono::seconds(60), false};  // inferred
  }
};

// The canonical region name for `region` (display names accepted), or `region` lowered.
std::string region_key(std::string_view region) {
  const Region* r = find_region(region);
  return r != nullptr ? r->name : to_lower(region);
}

// setting[region] (case-insensitive, display names accepted), else setting["*"], else null.
const json& per_region(const json& setting, std::string_view region) {
  static const json kNull;
  if (!setting.is_object()) return kNull;
  const std::string want = region_key(region);
  for (const auto& [key, value] : setting.items())
    if (region_key(key) == want) return value;
  return member(setting, "*");
}

}  // namespace

std::unique_ptr<ResourceTypeRules> make_vmss_rules() { return std::make_unique<VmssRules>(); }

}  // namespace detail

std::vector<std::string> offered_skus(const ArmStore& store, std::string_view region) {
  auto setting = store.setting("sku_offers");
  if (!setting.ok()) return default_offered_skus();
  const nlohmann::json& list = detail::per_region(*setting, region);
  if (!list.is_array()) return default_offered_skus();
  std::vector<std::string> out;
  for (const auto& v : list) {
    if (!v.is_string()) continue;
    const VmSku* s = find_vm_sku(v.get<std::string>());
    out.push_back(s != nullptr ? s->name : v.get<std::string>());
  }
  return out;
}

int64_t quota_limit(const ArmStore& store, std::string_view region, std::string_view family) {
  auto setting = store.setting("quota");
  if (setting.ok()) {
    const nlohmann::json& limits = detail::per_region(*setting, region);
    if (limits.is_object()) {
      for (const auto& [key, value] : limits.items())
        if (to_lower(key) == to_lower(family) && value.is_number()) return value.get<int64_t>();
    }
  }
  return default_family_quota(family);
}

int64_t quota_usage(const ArmStore& store, std::string_view subscription_id,
                    std::string_view region, std::string_view family, std::string_view except_id) {
  const bool total = to_lower(family) == "cores";
  const std::string where = detail::region_key(region);
  int64_t used = 0;
  for (const Resource& r : store.resources(subscription_id, "", detail::kVmssType)) {
    if (to_lower(r.id) == to_lower(except_id) || detail::region_key(r.location) != where) continue;
    const nlohmann::json& sku = detail::member(r.body, "sku");
    const VmSku* vm = find_vm_sku(detail::string_member(sku, "name"));
    const nlohmann::json& capacity = detail::member(sku, "capacity");
    if (vm == nullptr || !capacity.is_number()) continue;
    if (!total && to_lower(vm->family) != to_lower(family)) continue;
    used += vm->vcpus * capacity.get<int64_t>();
  }
  return used;
}

}  // namespace emu::arm

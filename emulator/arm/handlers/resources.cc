// Resource routes of the ARM emulator, resource paths with canonical casing, and the resource
// write shared by direct PUTs and the deployment engine (put_resource).
#include "emulator/arm/handlers/resources.h"

#include "emulator/arm/catalog/catalog.h"
#include "emulator/core/text.h"

#include <algorithm>
#include <cctype>

namespace emu::arm::internal {

using nlohmann::json;

namespace {

std::vector<std::string> split_segments(std::string_view s) {
  std::vector<std::string> out;
  for (auto part : http::split_path(s)) out.emplace_back(part);
  return out;
}

// The type segments after the namespace: "Microsoft.Network/virtualNetworks/subnets" ->
// {"virtualNetworks", "subnets"}.
std::vector<std::string> type_segments(const std::string& type) {
  const size_t slash = type.find('/');
  if (slash == std::string::npos) return {};
  return split_segments(std::string_view(type).substr(slash + 1));
}

// Replaces the client's casing of types[0..n) by the catalog's where the joined type is known.
void canonicalise_types(const ProviderInfo& provider, std::vector<std::string>& types) {
  std::string joined;
  for (size_t k = 0; k < types.size(); ++k) {
    joined += (k ? "/" : "") + types[k];
    const ResourceTypeInfo* info = find_resource_type(provider, joined);
    if (info == nullptr) continue;
    std::vector<std::string> canonical = split_segments(info->resource_type);
    if (canonical.size() != k + 1) continue;
    std::copy(canonical.begin(), canonical.end(), types.begin());
    joined = info->resource_type;
  }
}

// Claims the plan's global names for `id`, replacing the names it held before. Checks first
// that every name is free or already the resource's, so a failure leaves the old claims.
std::optional<ArmError> claim_names(ArmStore& store, const std::string& id,
                                    std::vector<NameClaim>& claims) {
  for (NameClaim& c : claims) {
    c.owner = id;
    c.key = to_lower(c.key);
    auto held = store.find_name(c.kind, c.key);
    if (held.ok() && to_lower(held->owner) != to_lower(id)) return errors::name_in_use(c.key);
  }
  if (Status s = store.release_names_of(id); !s.ok()) return errors::internal_error_described(s);
  for (const NameClaim& c : claims)
    if (Status s = store.claim_name(c); !s.ok()) return errors::internal_error_described(s);
  return std::nullopt;
}

// Fills what the rules may leave out and the provisioning fields of the resource to write.
void complete_resource(Resource& r, const TypeContext& ctx, const ResourcePath& path,
                       const std::string& deployment, TimePoint starts_at, Duration duration) {
  r.id = ctx.id;
  r.subscription_id = ctx.subscription_id;
  r.resource_group = ctx.resource_group;
  r.type = path.type;
  r.name = ctx.name;
  if (!r.body.is_object()) r.body = json::object();
  r.body["id"] = r.id;
  r.body["name"] = r.name;
  r.body["type"] = r.type;
  r.deployment = deployment.empty() && ctx.existing ? ctx.existing->deployment : deployment;
  r.created_at = ctx.existing ? ctx.existing->created_at : starts_at;
  r.changed_at = std::max(starts_at, ctx.now);
  r.delete_when_settled = false;
  if (duration.count() == 0 && starts_at <= ctx.now) {
    r.state = "Succeeded";
    r.final_state.clear();
    r.settles_at = starts_at;
  } else {
    r.state = ctx.existing ? "Updating" : "Creating";
    r.final_state = "Succeeded";
    r.settles_at = starts_at + duration;
  }
}

}  // namespace

// --- Shared helpers ---

std::string subscription_id_of(const Call& call) {
  if (!call.subscription.id.empty()) return call.subscription.id;
  auto sub = call.env.store.find_subscription(call.param("subscriptionId"));
  return sub.ok() ? sub->id : call.param("subscriptionId");
}

http::Response empty_reply(int status) {
  http::Response r;
  r.status = status;
  return r;
}

std::string location_key(std::string_view location) {
  std::string out;
  for (char c : location)
    if (c != ' ') out.push_back(ascii_lower(c));
  return out;
}

std::string type_and_name(std::string_view id) {
  const std::string lowered = to_lower(id);
  const size_t at = lowered.rfind("/providers/");
  return std::string(at == std::string::npos ? id : id.substr(at + 11));
}

std::string resource_status_path(const std::string& subscription_id, const std::string& ns,
                                 const std::string& location) {
  const std::string region = location.empty() ? "global" : location_key(location);
  return "/subscriptions/" + subscription_id + "/providers/" + ns + "/locations/" + region +
         "/operations/{opId}";
}

TypeContext make_type_context(const Call& call, const ResourceGroup& group, const std::string& id,
                              const std::string& name, const Resource* existing, bool direct) {
  std::string tenant = call.subscription.tenant_id;
  if (tenant.empty()) {
    auto sub = call.env.store.find_subscription(group.subscription_id);
    if (sub.ok()) tenant = sub->tenant_id;
  }
  return TypeContext{call.env.store, call.now,         call.env.ids,   group.subscription_id,
                     tenant,         group.name,       group.location, id,
                     name,           call.api_version, existing,       direct};
}

std::string query_value(const Call& call, std::string_view name) {
  if (auto v = call.req.query_param(name)) return *v;
  if (auto v = call.req.query_param_ci(name)) return *v;
  return "";
}

// --- Paths ---

ResourcePath parse_resource_path(std::string_view ns, std::string_view rest) {
  ResourcePath path;
  const ProviderInfo* provider = find_provider(ns);
  path.ns = provider ? provider->ns : std::string(ns);
  std::vector<std::string> types;
  const std::vector<std::string> parts = split_segments(rest);
  for (size_t i = 0; i < parts.size(); ++i) (i % 2 == 0 ? types : path.names).push_back(parts[i]);
  if (provider) canonicalise_types(*provider, types);
  path.type = path.ns;
  for (const auto& t : types) path.type += "/" + t;
  return path;
}

std::string ResourcePath::id(const std::string& subscription_id, const std::string& group) const {
  std::string out = "/subscriptions/" + subscription_id;
  if (!group.empty()) out += "/resourceGroups/" + group;
  out += "/providers/" + ns;
  const std::vector<std::string> types = type_segments(type);
  for (size_t i = 0; i < types.size(); ++i) {
    out += "/" + types[i];
    if (i < names.size()) out += "/" + names[i];
  }
  return out;
}

// --- The resource write ---

Result<PutPlan, ArmError> put_resource(Call& call, const ResourceGroup& group,
                                       const std::string& type, const std::string& name,
                                       const nlohmann::json& body, const std::string& deployment,
                                       TimePoint starts_at) {
  const size_t slash = type.find('/');
  const std::vector<std::string> types = type_segments(type);
  const std::vector<std::string> names = split_segments(name);
  if (slash == std::string::npos || types.empty()) return errors::invalid_resource_type(type);
  if (types.size() != names.size())
    return errors::invalid_parameter(
        "name",
        "The resource name '" + name + "' does not match the segments of type '" + type + "'.");
  std::string rest;
  for (size_t i = 0; i < types.size(); ++i) rest += types[i] + "/" + names[i] + "/";
  const ResourcePath path = parse_resource_path(type.substr(0, slash), rest);
  const std::string id = path.id(group.subscription_id, group.name);

  auto found = call.env.store.find_resource(id);
  std::optional<Resource> existing;
  if (found.ok()) existing = std::move(found).value();
  const TypeContext ctx = make_type_context(call, group, id, names.back(),
                                            existing ? &*existing : nullptr, deployment.empty());

  const ResourceTypeRules* rules = find_type_rules(path.type);
  Result<PutPlan, ArmError> planned =
      rules ? rules->plan_put(body, ctx) : plan_generic_put(path.type, body, ctx);
  if (!planned.ok()) return planned;
  PutPlan plan = std::move(planned.value());

  complete_resource(plan.resource, ctx, path, deployment, starts_at, plan.duration);
  if (auto e = claim_names(call.env.store, id, plan.claims)) return *e;
  if (Status s = call.env.store.put_resource(plan.resource); !s.ok())
    return errors::internal_error_described(s);
  return plan;
}

// --- Routes ---

void add_resource_routes(http::Router& router, const Wrap& wrap) {
  const RouteOptions options;
  router.add("GET", "*", "/subscriptions/{subscriptionId}/resources",
             wrap(handle_generic_list, options));
  router.add("GET", "*",
             "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/resources",
             wrap(handle_generic_list, options));
  router.add("*", "*",
             "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/{ns}/"
             "{rest...}",
             wrap(handle_group_resource, options));
  router.add("*", "*", "/subscriptions/{subscriptionId}/providers/{ns}/{rest...}",
             wrap(handle_provider_operation, options));
}

}  // namespace emu::arm::internal

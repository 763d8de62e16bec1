// Subscription-level provider operations under /subscriptions/{s}/providers/{ns}/{rest...}:
// lists of a resource type across the subscription, name availability checks (DNS labels,
// storage accounts, vaults), soft-deleted vaults (list, get, purge) and the compute SKU list.
// The bare provider, register/unregister and locations/{loc}/operations(Results) are the
// provider and operation handlers' (their routes come first).
#include "emulator/arm/catalog/catalog.h"
#include "emulator/arm/handlers/resources.h"
#include "emulator/core/text.h"

namespace emu::arm::internal {

using nlohmann::json;

namespace {

// One routed request: namespace (canonical), the rest's segments, the caller's subscription.
struct ProviderCall {
  Call& call;
  std::string ns;
  std::vector<std::string> parts;
  std::string sub;
  std::string scope() const { return "/subscriptions/" + sub; }
  bool is(size_t i, std::string_view text) const {
    return i < parts.size() && http::iequals(parts[i], text);
  }
};

http::Response reply_or_error(const Result<json, ArmError>& result) {
  return result.ok() ? json_reply(200, result.value()) : error_reply(result.error());
}

// Authorizes `action` at the subscription scope, then runs `handler`.
template <typename F>
http::Response authorized(const ProviderCall& pc, const std::string& action, F handler) {
  if (auto e = authorize(pc.call, action, pc.scope())) return error_reply(*e);
  return handler();
}

ArmError deleted_vault_not_found(const std::string& location, const std::string& name) {
  // [inferred] the Key Vault RP names the deletedVaults resource like ARM's ResourceNotFound.
  return errors::resource_not_found(
      "Microsoft.KeyVault/locations/" + location + "/deletedVaults/" + name, "<null>");
}

// The soft-deleted vault `name` of the caller's subscription in `location`, or 404.
Result<DeletedVault, ArmError> find_deleted(const ProviderCall& pc, const std::string& location,
                                            const std::string& name) {
  auto v = pc.call.env.store.find_deleted_vault(name);
  if (!v.ok() || to_lower(v->subscription_id) != to_lower(pc.sub) ||
      location_key(v->location) != location_key(location))
    return deleted_vault_not_found(location, name);
  return std::move(v).value();
}

http::Response list_type(const ProviderCall& pc, const std::string& short_type) {
  const std::string type = pc.ns + "/" + short_type;
  return authorized(pc, type + "/read", [&] {
    json items = json::array();
    for (const Resource& r : pc.call.env.store.resources(pc.sub, "", type))
      items.push_back(r.view());
    return list_reply(std::move(items));
  });
}

http::Response check_name(const ProviderCall& pc) {
  if (pc.call.req.method != "POST")
    return error_reply(errors::method_not_allowed(pc.call.req.method));
  return authorized(pc, pc.ns + "/checkNameAvailability/read", [&] {
    auto body = body_json(pc.call);
    if (!body.ok()) return error_reply(body.error());
    const ArmStore& store = pc.call.env.store;
    return reply_or_error(http::iequals(pc.ns, "Microsoft.Storage")
                              ? check_storage_name(store, body.value())
                              : check_vault_name(store, body.value()));
  });
}

http::Response compute_skus(const ProviderCall& pc) {
  return authorized(pc, "Microsoft.Compute/skus/read", [&] {
    auto filter = parse_resource_filter(query_value(pc.call, "$filter"));
    if (!filter.ok()) return error_reply(filter.error());
    return json_reply(
        200, list_compute_skus(pc.call.env.store, location_key(filter->equals_value("location"))));
  });
}

http::Response list_deleted_vaults(const ProviderCall& pc) {
  return authorized(pc, "Microsoft.KeyVault/deletedVaults/read", [&] {
    json items = json::array();
    for (const DeletedVault& v : pc.call.env.store.deleted_vaults(pc.sub))
      items.push_back(deleted_vault_view(v));
    return list_reply(std::move(items));
  });
}

http::Response check_dns(const ProviderCall& pc) {
  return authorized(pc, "Microsoft.Network/locations/CheckDnsNameAvailability/read", [&] {
    return reply_or_error(check_dns_name_availability(pc.call.env.store, location_key(pc.parts[1]),
                                                      query_value(pc.call, "domainNameLabel")));
  });
}

http::Response get_deleted_vault(const ProviderCall& pc) {
  return authorized(pc, "Microsoft.KeyVault/locations/deletedVaults/read", [&] {
    auto v = find_deleted(pc, pc.parts[1], pc.parts[3]);
    return v.ok() ? json_reply(200, deleted_vault_view(v.value())) : error_reply(v.error());
  });
}

// POST .../locations/{loc}/deletedVaults/{name}/purge: the vault and its name are gone at once;
// 202 + Location/Azure-AsyncOperation of an operation that has already succeeded (the SDK's
// begin_purge_deleted accepts 200 and 202).
http::Response purge_deleted_vault(const ProviderCall& pc) {
  return authorized(pc, "Microsoft.KeyVault/locations/deletedVaults/purge/action", [&] {
    auto v = find_deleted(pc, pc.parts[1], pc.parts[3]);
    if (!v.ok()) return error_reply(v.error());
    if (Status s = pc.call.env.store.purge_deleted_vault(v->name); !s.ok())
      return error_reply(errors::internal_error_described(s));
    const std::string target = "/subscriptions/" + pc.sub +
                               "/providers/Microsoft.KeyVault/locations/" +
                               location_key(v->location) + "/deletedVaults/" + v->name;
    return lro_reply(pc.call, 202, json(), "vault.purge", target, location_key(v->location),
                     pc.call.now, "Succeeded", json(),
                     resource_status_path(pc.sub, "Microsoft.KeyVault", v->location));
  });
}

// Operations under .../providers/{ns}/locations/{loc}/...
http::Response location_operation(const ProviderCall& pc) {
  const std::string& method = pc.call.req.method;
  if (pc.ns == "Microsoft.Network" && pc.parts.size() == 3 && pc.is(2, "CheckDnsNameAvailability"))
    return method == "GET" ? check_dns(pc) : error_reply(errors::method_not_allowed(method));
  if (pc.ns == "Microsoft.KeyVault" && pc.is(2, "deletedVaults")) {
    if (pc.parts.size() == 4)
      return method == "GET" ? get_deleted_vault(pc)
                             : error_reply(errors::method_not_allowed(method));
    if (pc.parts.size() == 5 && pc.is(4, "purge"))
      return method == "POST" ? purge_deleted_vault(pc)
                              : error_reply(errors::method_not_allowed(method));
  }
  return error_reply(errors::path_not_found(pc.call.req.path));
}

}  // namespace

http::Response handle_provider_operation(Call& call) {
  const ProviderInfo* provider = find_provider(call.param("ns"));
  if (provider == nullptr) return error_reply(errors::invalid_resource_namespace(call.param("ns")));
  ProviderCall pc{call, provider->ns, {}, subscription_id_of(call)};
  const std::string rest = call.param("rest");
  for (auto p : http::split_path(rest)) pc.parts.emplace_back(p);
  if (auto e = require_registered(call, pc.ns)) return error_reply(*e);

  const std::string& method = call.req.method;
  if (pc.parts.size() >= 3 && pc.is(0, "locations")) return location_operation(pc);
  if (pc.parts.size() != 1) return error_reply(errors::path_not_found(call.req.path));
  if (pc.is(0, "checkNameAvailability") &&
      (pc.ns == "Microsoft.Storage" || pc.ns == "Microsoft.KeyVault"))
    return check_name(pc);
  if (method != "GET") return error_reply(errors::method_not_allowed(method));
  if (pc.ns == "Microsoft.Compute" && pc.is(0, "skus")) return compute_skus(pc);
  if (pc.ns == "Microsoft.KeyVault" && pc.is(0, "deletedVaults")) return list_deleted_vaults(pc);
  const ResourceTypeInfo* type = find_resource_type(*provider, pc.parts[0]);
  if (type == nullptr) return error_reply(errors::invalid_resource_type(pc.parts[0]));
  return list_type(pc, type->resource_type);
}

}  // namespace emu::arm::internal

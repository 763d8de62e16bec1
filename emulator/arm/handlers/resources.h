// Private to arm_resources*.cc: the handlers behind add_resource_routes (group-level resource
// CRUD, subscription-level provider operations, generic resource lists), the $filter grammar of
// the resource lists, and small helpers they share. Handlers run on the lab's I/O thread after
// the pipeline (authentication, api-version, subscription, store settle).
#pragma once

#include "emulator/arm/handlers/common.h"
#include "emulator/arm/types/types.h"

#include <string>
#include <string_view>
#include <vector>

namespace emu::arm::internal {

// --- Handlers (route params: subscriptionId, resourceGroupName, ns, rest) ---

// /subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{rest...}, any method
// (handlers/resources_crud.cc).
http::Response handle_group_resource(Call& call);
// /subscriptions/{s}/providers/{ns}/{rest...}, any method (handlers/resources_provider.cc).
http::Response handle_provider_operation(Call& call);
// GET /subscriptions/{s}/resources and /subscriptions/{s}/resourceGroups/{rg}/resources
// (handlers/resources_list.cc).
http::Response handle_generic_list(Call& call);

// --- $filter of the resource lists (handlers/resources_list.cc) ---

// One comparison: field eq|ne 'value', or substringof('value', field). Field names are
// lower-cased ("resourcetype", "name", "location", "resourcegroup", "tagname", "tagvalue").
struct FilterClause {
  std::string field;
  std::string op;  // "eq", "ne", "substringof"
  std::string value;
};
// A disjunction of conjunctions ("a and b or c" = (a and b) or c). Empty = everything matches.
struct ResourceFilter {
  std::vector<std::vector<FilterClause>> any_of;
  // Whether `r` passes (comparisons ignore ASCII case, as ARM's do).
  bool matches(const Resource& r) const;
  // The value of the first `field eq 'value'` clause, or "" (e.g. location for compute SKUs).
  std::string equals_value(std::string_view field) const;
};
// Parses an OData $filter as ARM's resource lists accept it; "" gives the empty filter.
// 400 InvalidFilterInQueryString for anything else.
Result<ResourceFilter, ArmError> parse_resource_filter(std::string_view text);

// --- Shared helpers (handlers/resources.cc) ---

// The call's subscription ID in its canonical casing ("" if unknown).
std::string subscription_id_of(const Call& call);
// A response with `status` and no body.
http::Response empty_reply(int status);
// "East US" -> "eastus": the region name an ID/URL uses.
std::string location_key(std::string_view location);
// The part of a resource ID after "/providers/" ("Microsoft.Network/publicIPAddresses/pip"),
// as ResourceNotFound names a resource.
std::string type_and_name(std::string_view id);
// The status URL path of a resource LRO: /subscriptions/{s}/providers/{ns}/locations/{loc}/
// operations/{opId} ("{opId}" is left for lro_reply to fill; location "" = "global").
std::string resource_status_path(const std::string& subscription_id, const std::string& ns,
                                 const std::string& location);
// The rules context for writing or deleting resource `id` of `group`; `direct` = a request on
// the resource's own URL (not a deployment).
TypeContext make_type_context(const Call& call, const ResourceGroup& group, const std::string& id,
                              const std::string& name, const Resource* existing, bool direct);
// The `name` query parameter (exact name first, then ignoring case), or "".
std::string query_value(const Call& call, std::string_view name);

}  // namespace emu::arm::internal

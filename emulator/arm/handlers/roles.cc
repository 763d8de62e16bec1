// Role assignments and definitions under Microsoft.Authorization at subscription and
// resource-group scope (the REST shapes of azure-mgmt-authorization; codes [C-doc] where named).
#include "emulator/arm/handlers/roles.h"

#include "emulator/aad/public/principals.h"
#include "emulator/arm/handlers/common.h"
#include "emulator/core/text.h"

namespace emu::arm {

const std::vector<BuiltInRole>& built_in_roles() {
  static const std::vector<BuiltInRole> roles = {
      {"Owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
       "Grants full access to manage all resources, including the ability to assign roles in "
       "Azure RBAC."},
      {"Contributor", "b24988ac-6180-42a0-ab88-20f7382dd24c",
       "Grants full access to manage all resources, but does not allow you to assign roles in "
       "Azure RBAC."},
      {"Reader", "acdd72a7-3385-48ef-bd42-f606fba81ae7",
       "View all resources, but does not allow you to make any changes."},
  };
  return roles;
}

const BuiltInRole* find_role(std::string_view name_or_id) {
  std::string key = to_lower(name_or_id);
  if (auto slash = key.rfind('/'); slash != std::string::npos) key = key.substr(slash + 1);
  for (const BuiltInRole& r : built_in_roles())
    if (to_lower(r.name) == key || r.id == key) return &r;
  return nullptr;
}

namespace internal {
namespace {

using nlohmann::json;

std::string scope_of(const Call& call) {
  std::string scope = "/subscriptions/" + call.subscription.id;
  const std::string rg = call.param("resourceGroupName");
  if (!rg.empty()) scope += "/resourceGroups/" + rg;
  return scope;
}

std::string definition_id(const Call& call, const BuiltInRole& r) {
  return "/subscriptions/" + call.subscription.id +
         "/providers/Microsoft.Authorization/roleDefinitions/" + r.id;
}

json assignment_json(const Call& call, const RoleAssignment& a) {
  const BuiltInRole* role = find_role(a.role);
  return {{"id", a.scope + "/providers/Microsoft.Authorization/roleAssignments/" + a.id},
          {"name", a.id},
          {"type", "Microsoft.Authorization/roleAssignments"},
          {"properties",
           {{"roleDefinitionId", role ? definition_id(call, *role) : a.role},
            {"principalId", a.principal_id},
            {"principalType", a.principal_type},
            {"scope", a.scope},
            {"createdOn", arm_time(a.created_at)},
            {"updatedOn", arm_time(a.created_at)}}}};
}

json definition_json(const Call& call, const BuiltInRole& r) {
  json actions = r.name == "Reader" ? json::array({"*/read"}) : json::array({"*"});
  json not_actions =
      r.name == "Contributor"
          ? json::array({"Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write",
                         "Microsoft.Authorization/elevateAccess/Action"})
          : json::array();
  return {{"id", definition_id(call, r)},
          {"name", r.id},
          {"type", "Microsoft.Authorization/roleDefinitions"},
          {"properties",
           {{"roleName", r.name},
            {"type", "BuiltInRole"},
            {"description", r.description},
            {"assignableScopes", json::array({"/"})},
            {"permissions", json::array({{{"actions", actions},
                                          {"notActions", not_actions},
                                          {"dataActions", json::array()},
                                          {"notDataActions", json::array()}}})}}}};
}

http::Response put_assignment(Call& call) {
  const std::string scope = scope_of(call);
  if (auto denied = authorize(call, "Microsoft.Authorization/roleAssignments/write", scope))
    return error_reply(*denied);
  auto body = body_json(call);
  if (!body.ok()) return error_reply(body.error());
  const json props = body.value().value("properties", json::object());
  const BuiltInRole* role = find_role(props.value("roleDefinitionId", std::string()));
  if (role == nullptr)
    return error_reply(errors::role_definition_does_not_exist(
        props.value("roleDefinitionId", std::string()), 400));
  const std::string principal = props.value("principalId", std::string());
  auto found = call.env.deps.principals.find_principal(call.subscription.tenant_id, principal);
  if (!found.ok())
    return error_reply(errors::principal_not_found(principal, call.subscription.tenant_id));
  for (const RoleAssignment& a : call.env.store.role_assignments(found->object_id, scope))
    if (to_lower(a.scope) == to_lower(scope) && a.role == role->name &&
        to_lower(a.id) != to_lower(call.param("assignmentName")))
      return error_reply(errors::role_assignment_exists());
  RoleAssignment a;
  a.id = call.param("assignmentName");
  a.scope = scope;
  a.role = role->name;
  a.principal_id = found->object_id;
  a.principal_type = props.value("principalType", found->type);
  a.created_at = call.now;
  if (Status s = call.env.store.put_role_assignment(a); !s.ok())
    return error_reply(errors::internal_error(s));
  return json_reply(201, assignment_json(call, a));
}

http::Response get_assignment(Call& call) {
  const std::string scope = scope_of(call);
  if (auto denied = authorize(call, "Microsoft.Authorization/roleAssignments/read", scope))
    return error_reply(*denied);
  auto a = call.env.store.find_role_assignment(call.param("assignmentName"));
  if (!a.ok() || to_lower(a->scope) != to_lower(scope))
    return error_reply(errors::role_assignment_not_found(call.param("assignmentName")));
  if (call.req.method == "DELETE") {
    if (auto denied = authorize(call, "Microsoft.Authorization/roleAssignments/delete", scope))
      return error_reply(*denied);
    (void)call.env.store.delete_role_assignment(a->id);
  }
  return json_reply(200, assignment_json(call, a.value()));
}

http::Response list_assignments(Call& call) {
  const std::string scope = scope_of(call);
  if (auto denied = authorize(call, "Microsoft.Authorization/roleAssignments/read", scope))
    return error_reply(*denied);
  // $filter=principalId eq '<id>' narrows to one principal; atScope() is the default view.
  std::string principal;
  if (auto filter = call.req.query_param_ci("$filter")) {
    auto q = filter->find('\'');
    auto e = q == std::string::npos ? q : filter->find('\'', q + 1);
    if (filter->find("principalId") != std::string::npos && e != std::string::npos)
      principal = filter->substr(q + 1, e - q - 1);
  }
  json items = json::array();
  for (const RoleAssignment& a : call.env.store.role_assignments(principal, ""))
    if (to_lower(scope).rfind(to_lower(a.scope), 0) == 0 ||
        to_lower(a.scope).rfind(to_lower(scope), 0) == 0)
      items.push_back(assignment_json(call, a));
  return list_reply(std::move(items));
}

http::Response list_definitions(Call& call) {
  std::string wanted;
  if (auto filter = call.req.query_param_ci("$filter")) {
    auto q = filter->find('\'');
    auto e = q == std::string::npos ? q : filter->find('\'', q + 1);
    if (e != std::string::npos) wanted = to_lower(filter->substr(q + 1, e - q - 1));
  }
  json items = json::array();
  for (const BuiltInRole& r : built_in_roles())
    if (wanted.empty() || to_lower(r.name) == wanted) items.push_back(definition_json(call, r));
  return list_reply(std::move(items));
}

http::Response get_definition(Call& call) {
  const BuiltInRole* r = find_role(call.param("definitionId"));
  if (r == nullptr)
    return error_reply(errors::role_definition_does_not_exist(call.param("definitionId"), 404));
  return json_reply(200, definition_json(call, *r));
}

}  // namespace

void add_role_routes(http::Router& router, const Wrap& wrap) {
  for (const std::string scope :
       {"/subscriptions/{subscriptionId}",
        "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}"}) {
    const std::string base = scope + "/providers/Microsoft.Authorization";
    router.add("GET", "*", base + "/roleAssignments", wrap(list_assignments, {}));
    router.add("PUT", "*", base + "/roleAssignments/{assignmentName}", wrap(put_assignment, {}));
    router.add("GET", "*", base + "/roleAssignments/{assignmentName}", wrap(get_assignment, {}));
    router.add("DELETE", "*", base + "/roleAssignments/{assignmentName}", wrap(get_assignment, {}));
    router.add("GET", "*", base + "/roleDefinitions", wrap(list_definitions, {}));
    router.add("GET", "*", base + "/roleDefinitions/{definitionId}", wrap(get_definition, {}));
  }
}

}  // namespace internal
}  // namespace emu::arm

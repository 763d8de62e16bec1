// Template deployments (Microsoft.Resources/deployments in a resource group): create (LRO in
// virtual time), validate, get/head/list/delete, deployment operations, operation status and
// cancel. The engine lives in deployments/engine.cc; behaviour and limitations are in
// README.md ("Template deployments").
#include "emulator/arm/deployments/engine.h"
#include "emulator/core/text.h"

#include <algorithm>

namespace emu::arm::internal {
namespace {

using nlohmann::json;

// The two path forms of resource-group-scope deployments (matched ignoring case, as ARM does).
// The REST specification (resources.json) names the deployments themselves under
// `…/resourcegroups/{rg}/providers/Microsoft.Resources/deployments/{name}` and their operations
// (DeploymentOperations_List / _Get) under `…/resourcegroups/{rg}/deployments/{name}/operations`;
// ARM answers every route under both prefixes, and so does the emulator.
constexpr const char* kDeploymentsPaths[] = {
    "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/"
    "Microsoft.Resources/deployments",
    "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/deployments",
};

// The group scope from the path (RBAC is checked before the group's existence, as ARM does).
std::string group_scope(const Call& call) {
  return "/subscriptions/" + call.subscription.id + "/resourceGroups/" +
         call.param("resourceGroupName");
}

// Authorizes `action` on the group scope, then finds the group.
Result<ResourceGroup, ArmError> checked_group(const Call& call, const std::string& action,
                                              bool for_write) {
  if (auto e = authorize(call, action, group_scope(call))) return *e;
  return require_group(call, call.param("resourceGroupName"), for_write);
}

// The deployment named in the path, or 404 DeploymentNotFound.
Result<Deployment, ArmError> find_named(const Call& call, const ResourceGroup& group) {
  const std::string name = call.param("deploymentName");
  auto d = call.env.store.find_deployment(call.subscription.id, group.name, name);
  if (!d.ok()) return errors::deployment_not_found(name);
  return std::move(d).value();
}

// "…/operationStatuses/<id>?api-version=…" -> "<id>".
std::string operation_id_from(const http::Response& res) {
  const std::string url = res.headers.get_or("Azure-AsyncOperation", "");
  const size_t end = url.find('?');
  const std::string path = url.substr(0, end);
  return path.substr(path.rfind('/') + 1);
}

http::Response put_deployment(Call& call) {
  Result<ResourceGroup, ArmError> group =
      checked_group(call, "Microsoft.Resources/deployments/write", true);
  if (!group.ok()) return error_reply(group.error());
  const std::string name = call.param("deploymentName");
  auto existing = call.env.store.find_deployment(call.subscription.id, group->name, name);
  if (existing.ok() && deployment_active(*existing))
    return error_reply(errors::deployment_active(name, existing->created_at));
  Result<DeploymentRequest, ArmError> request = parse_deployment_request(call, name);
  if (!request.ok()) return error_reply(request.error());
  Result<Preflight, ArmError> preflight = run_preflight(call, group.value(), request.value());
  if (!preflight.ok()) return error_reply(preflight.error());
  Result<Deployment, ArmError> d =
      start_deployment(call, group.value(), request.value(), preflight.value());
  if (!d.ok()) return error_reply(d.error());
  const std::string status_path = "/subscriptions/" + call.subscription.id + "/resourcegroups/" +
                                  group->name + "/providers/Microsoft.Resources/deployments/" +
                                  name + "/operationStatuses/{opId}";
  http::Response res =
      lro_reply(call, existing.ok() ? 200 : 201, deployment_view(d.value(), call.now), "deployment",
                d->id, "", d->settles_at, d->final_state, d->error, status_path);
  if (res.status >= 500) return res;
  d->properties[kLroOperationKey] = operation_id_from(res);
  if (Status s = call.env.store.put_deployment(d.value()); !s.ok())
    return error_reply(errors::internal_error(s));
  return res;
}

http::Response validate_deployment(Call& call) {
  Result<ResourceGroup, ArmError> group =
      checked_group(call, "Microsoft.Resources/deployments/validate/action", true);
  if (!group.ok()) return error_reply(group.error());
  Result<DeploymentRequest, ArmError> request =
      parse_deployment_request(call, call.param("deploymentName"));
  if (!request.ok()) return error_reply(request.error());
  Result<Preflight, ArmError> preflight = run_preflight(call, group.value(), request.value());
  if (!preflight.ok()) return error_reply(preflight.error());
  return json_reply(200, validate_view(call, group.value(), request.value(), preflight.value()));
}

http::Response get_deployment(Call& call) {
  Result<ResourceGroup, ArmError> group =
      checked_group(call, "Microsoft.Resources/deployments/read", false);
  if (!group.ok()) return error_reply(group.error());
  Result<Deployment, ArmError> d = find_named(call, group.value());
  if (!d.ok()) return error_reply(d.error());
  return json_reply(200, deployment_view(d.value(), call.now));
}

http::Response head_deployment(Call& call) {
  Result<ResourceGroup, ArmError> group =
      checked_group(call, "Microsoft.Resources/deployments/read", false);
  http::Response res;
  res.status = group.ok() && find_named(call, group.value()).ok() ? 204 : 404;
  if (!group.ok() && group.error().http_status != 404) res.status = group.error().http_status;
  return res;
}

http::Response list_deployments(Call& call) {
  Result<ResourceGroup, ArmError> group =
      checked_group(call, "Microsoft.Resources/deployments/read", false);
  if (!group.ok()) return error_reply(group.error());
  json items = json::array();
  for (const Deployment& d : call.env.store.deployments(call.subscription.id, group->name))
    items.push_back(deployment_view(d, call.now));
  return list_reply(std::move(items));
}

// Deletes the deployment from the history (its resources stay), or 409 while it runs.
http::Response delete_deployment(Call& call) {
  Result<ResourceGroup, ArmError> group =
      checked_group(call, "Microsoft.Resources/deployments/delete", false);
  if (!group.ok()) return error_reply(group.error());
  http::Response res;
  res.status = 204;
  Result<Deployment, ArmError> d = find_named(call, group.value());
  if (!d.ok()) return res;
  if (deployment_active(d.value()))
    return error_reply(errors::deployment_active(d->name, d->created_at));
  if (Status s = call.env.store.delete_deployment(d->id); !s.ok())
    return error_reply(errors::internal_error(s));
  return res;
}

// Resources the deployment had not started yet are removed (when it created them); running
// resource operations go on; the deployment and its status operation become Canceled.
Status cancel(Call& call, Deployment& d) {
  json kept = json::array();
  for (const json& op : d.operations) {
    if (op.value("startsAt", int64_t{0}) <= call.now.time_since_epoch().count()) {
      kept.push_back(op);
      continue;
    }
    auto r = call.env.store.find_resource(op.value("resourceId", ""));
    if (r.ok() && to_lower(r->deployment) == to_lower(d.name) && r->created_at >= d.created_at)
      EMU_RETURN_IF_ERROR(call.env.store.delete_resource(r->id));
  }
  d.operations = std::move(kept);
  d.state = d.final_state = "Canceled";
  d.settles_at = call.now;
  d.error = nullptr;
  auto op = call.env.store.find_operation(d.properties.value(kLroOperationKey, ""));
  if (op.ok()) {
    op->final_status = "Canceled";
    op->settles_at = call.now;
    op->error = nullptr;
    EMU_RETURN_IF_ERROR(call.env.store.put_operation(op.value()));
  }
  return call.env.store.put_deployment(d);
}

http::Response cancel_deployment(Call& call) {
  Result<ResourceGroup, ArmError> group =
      checked_group(call, "Microsoft.Resources/deployments/cancel/action", false);
  if (!group.ok()) return error_reply(group.error());
  Result<Deployment, ArmError> d = find_named(call, group.value());
  if (!d.ok()) return error_reply(d.error());
  if (!deployment_active(d.value()))
    return error_reply(errors::deployment_not_cancelable(d->name, d->state));
  if (Status s = cancel(call, d.value()); !s.ok()) return error_reply(errors::internal_error(s));
  http::Response res;
  res.status = 204;
  return res;
}

http::Response list_operations(Call& call) {
  Result<ResourceGroup, ArmError> group =
      checked_group(call, "Microsoft.Resources/deployments/operations/read", false);
  if (!group.ok()) return error_reply(group.error());
  Result<Deployment, ArmError> d = find_named(call, group.value());
  if (!d.ok()) return error_reply(d.error());
  return list_reply(operations_view(d.value(), call.now));
}

http::Response get_operation(Call& call) {
  Result<ResourceGroup, ArmError> group =
      checked_group(call, "Microsoft.Resources/deployments/operations/read", false);
  if (!group.ok()) return error_reply(group.error());
  Result<Deployment, ArmError> d = find_named(call, group.value());
  if (!d.ok()) return error_reply(d.error());
  const std::string op_id = call.param("operationId");
  auto view = operation_view(d.value(), op_id, call.now);
  if (!view) return error_reply(errors::deployment_operation_not_found(d->name, op_id));
  return json_reply(200, *view);
}

// The Azure-AsyncOperation status of a deployment PUT.
http::Response operation_status(Call& call) {
  Result<ResourceGroup, ArmError> group =
      checked_group(call, "Microsoft.Resources/deployments/operationstatuses/read", false);
  if (!group.ok()) return error_reply(group.error());
  const std::string op_id = call.param("operationId");
  auto op = call.env.store.find_operation(op_id);
  const std::string target = deployment_id(group.value(), call.param("deploymentName"));
  if (!op.ok() || op->kind != "deployment" || to_lower(op->target) != to_lower(target))
    return error_reply(errors::operation_not_found(op_id));
  return operation_status_reply(call, op.value());
}

}  // namespace

void add_deployment_routes(http::Router& router, const Wrap& wrap) {
  for (const char* prefix : kDeploymentsPaths) {
    const std::string base = prefix;
    const std::string one = base + "/{deploymentName}";
    router.add("GET", "*", base, wrap(list_deployments, {}));
    router.add("PUT", "*", one, wrap(put_deployment, {}));
    router.add("GET", "*", one, wrap(get_deployment, {}));
    router.add("HEAD", "*", one, wrap(head_deployment, {}));
    router.add("DELETE", "*", one, wrap(delete_deployment, {}));
    router.add("POST", "*", one + "/validate", wrap(validate_deployment, {}));
    router.add("POST", "*", one + "/cancel", wrap(cancel_deployment, {}));
    router.add("GET", "*", one + "/operations", wrap(list_operations, {}));
    router.add("GET", "*", one + "/operations/{operationId}", wrap(get_operation, {}));
    router.add("GET", "*", one + "/operationStatuses/{operationId}", wrap(operation_status, {}));
  }
}

}  // namespace emu::arm::internal

// Graph /v1.0/servicePrincipals (list, get, create, delete), their appRoleAssignments and
// appRoleAssignedTo (application permissions granted), and /v1.0/oauth2PermissionGrants
// (delegated permissions granted): together, admin consent.

#include "emulator/aad/graph/graph_internal.h"

#include <algorithm>

namespace emu::aad::graph {
namespace {

const std::vector<std::string> kSpFilterable = {"id", "appId", "displayName",
                                                "servicePrincipalNames", "appOwnerOrganizationId"};
const std::vector<std::string> kGrantFilterable = {"id", "clientId", "resourceId", "consentType",
                                                   "principalId"};

json sp_json(Context& ctx, const ServicePrincipal& sp) {
  auto app = ctx.deps.directory.find_application(sp.tenant_id, sp.app_id);
  if (!app.ok()) app = ctx.deps.directory.find_application_any_tenant(sp.app_id);
  return service_principal_json(sp, app.ok() ? &*app : nullptr);
}

std::optional<ServicePrincipal> find_sp(Context& ctx, const Caller& caller, const std::string& id) {
  auto sp = ctx.deps.directory.find_service_principal(caller.tenant.id, id);
  if (!sp.ok() || !http::iequals(sp->id, id)) return std::nullopt;
  return *sp;
}

http::Response list_sps(Context& ctx, http::Request& req, const Caller& caller) {
  if (auto denied = authorize(ctx, req, caller, Access::kReadApps)) return *denied;
  auto query = parse_query(ctx, req, kSpFilterable, "ServicePrincipal");
  if (auto* err = std::get_if<http::Response>(&query)) return *err;
  std::vector<json> entities;
  for (const auto& sp : ctx.deps.directory.list_service_principals(caller.tenant.id)) {
    entities.push_back(sp_json(ctx, sp));
  }
  return list_reply(ctx, req, std::get<Query>(query), entities, "servicePrincipals",
                    "servicePrincipal");
}

http::Response get_sp(Context& ctx, http::Request& req, const Caller& caller) {
  if (auto denied = authorize(ctx, req, caller, Access::kReadApps)) return *denied;
  auto sp = find_sp(ctx, caller, req.param("id"));
  if (!sp) return resource_not_found(req, ctx.now(), req.param("id"));
  auto query = parse_query(ctx, req, {}, "ServicePrincipal");
  if (auto* err = std::get_if<http::Response>(&query)) return *err;
  const Query& q = std::get<Query>(query);
  auto shaped = project(sp_json(ctx, *sp), q.select, {}, "servicePrincipal");
  if (!shaped.ok())
    return error_response(req, ctx.now(), 400, kBadRequest, shaped.status().message());
  (*shaped)["@odata.context"] = collection_context("servicePrincipals", q.select) + "/$entity";
  return ok(req, 200, *shaped);
}

http::Response create_sp(Context& ctx, http::Request& req, const Caller& caller) {
  if (auto denied = authorize(ctx, req, caller, Access::kWriteApps)) return *denied;
  auto parsed = parse_body(ctx, req);
  if (auto* err = std::get_if<http::Response>(&parsed)) return *err;
  std::string app_id = string_field(std::get<json>(parsed), "appId");
  // The tenant's own app, a first-party app, or another tenant's multi-tenant app.
  auto app = ctx.deps.directory.find_application(caller.tenant.id, app_id);
  if (!app.ok()) {
    app = ctx.deps.directory.find_application_any_tenant(app_id);
    if (app.ok() && app->sign_in_audience == "AzureADMyOrg") app = NotFound(app_id);
  }
  if (app_id.empty() || !app.ok()) {
    // [C-doc: Graph's reply quoted in public scripts and SDK tests]
    return bad_request(req, ctx.now(),
                       "The appId '" + app_id +
                           "' of the service principal does not reference a valid application "
                           "object.");
  }
  ServicePrincipal sp;
  sp.app_id = app->app_id;
  sp.tenant_id = caller.tenant.id;
  sp.display_name = app->display_name;
  sp.service_principal_names.push_back(app->app_id);
  for (const auto& uri : app->identifier_uris) sp.service_principal_names.push_back(uri);
  sp.first_party = app->first_party;
  auto created = ctx.deps.directory.create_service_principal(std::move(sp));
  if (!created.ok()) {
    // [inferred: code and text of Graph's reply for a second SP of one app]
    return error_response(req, ctx.now(), 409, kMultipleObjectsWithSameKeyValue,
                          "Another object with the same value for property "
                          "servicePrincipalNames already exists.");
  }
  json out = service_principal_json(*created, &*app);
  out["@odata.context"] = std::string(kContextBase) + "servicePrincipals/$entity";
  return ok(req, 201, out);
}

http::Response delete_sp(Context& ctx, http::Request& req, const Caller& caller) {
  if (auto denied = authorize(ctx, req, caller, Access::kWriteApps)) return *denied;
  auto sp = find_sp(ctx, caller, req.param("id"));
  if (!sp) return resource_not_found(req, ctx.now(), req.param("id"));
  if (Status s = ctx.deps.directory.delete_service_principal(caller.tenant.id, sp->id); !s.ok()) {
    return resource_not_found(req, ctx.now(), req.param("id"));
  }
  return no_content(req);
}

// --- appRoleAssignments ------------------------------------------------------------------

json assignment_json(Context& ctx, const Caller& caller, const AppRoleAssignment& a) {
  auto principal = ctx.deps.directory.find_service_principal(caller.tenant.id, a.principal_id);
  auto resource = ctx.deps.directory.find_service_principal(caller.tenant.id, a.resource_id);
  return app_role_assignment_json(a, principal.ok() ? *principal : ServicePrincipal{},
                                  resource.ok() ? *resource : ServicePrincipal{});
}

// GET …/appRoleAssignments (as principal) or …/appRoleAssignedTo (as resource).
http::Response list_assignments(Context& ctx, http::Request& req, const Caller& caller,
                                bool as_resource) {
  if (auto denied = authorize(ctx, req, caller, Access::kReadApps)) return *denied;
  auto sp = find_sp(ctx, caller, req.param("id"));
  if (!sp) return resource_not_found(req, ctx.now(), req.param("id"));
  auto query =
      parse_query(ctx, req, {"principalId", "resourceId", "appRoleId"}, "AppRoleAssignment");
  if (auto* err = std::get_if<http::Response>(&query)) return *err;
  auto& dir = ctx.deps.directory;
  std::vector<json> entities;
  for (const auto& a :
       as_resource ? dir.app_role_assigned_to(sp->id) : dir.app_role_assignments(sp->id)) {
    entities.push_back(assignment_json(ctx, caller, a));
  }
  std::string collection = "servicePrincipals('" + sp->id + "')/" +
                           (as_resource ? "appRoleAssignedTo" : "appRoleAssignments");
  return list_reply(ctx, req, std::get<Query>(query), entities, collection, "appRoleAssignment");
}

bool role_exists(Context& ctx, const ServicePrincipal& resource, const std::string& role_id) {
  auto app = ctx.deps.directory.find_application(resource.tenant_id, resource.app_id);
  if (!app.ok()) app = ctx.deps.directory.find_application_any_tenant(resource.app_id);
  if (!app.ok() || !app->app_roles.is_array()) return false;
  return std::any_of(app->app_roles.begin(), app->app_roles.end(),
                     [&](const json& r) { return http::iequals(string_field(r, "id"), role_id); });
}

http::Response create_assignment(Context& ctx, http::Request& req, const Caller& caller,
                                 bool as_resource) {
  if (auto denied = authorize(ctx, req, caller, Access::kConsent)) return *denied;
  auto sp = find_sp(ctx, caller, req.param("id"));
  if (!sp) return resource_not_found(req, ctx.now(), req.param("id"));
  auto parsed = parse_body(ctx, req);
  if (auto* err = std::get_if<http::Response>(&parsed)) return *err;
  const json& body = std::get<json>(parsed);
  AppRoleAssignment a;
  a.principal_id = string_field(body, "principalId");
  a.resource_id = string_field(body, "resourceId");
  a.app_role_id = string_field(body, "appRoleId");
  auto principal = find_sp(ctx, caller, a.principal_id);
  auto resource = find_sp(ctx, caller, a.resource_id);
  if (!principal) return resource_not_found(req, ctx.now(), a.principal_id);
  if (!resource) return resource_not_found(req, ctx.now(), a.resource_id);
  if ((as_resource ? resource->id : principal->id) != sp->id) {
    return bad_request(req, ctx.now(),
                       std::string(as_resource ? "resourceId" : "principalId") +
                           " must be the service principal of the request URL.");  // inferred
  }
  if (!role_exists(ctx, *resource, a.app_role_id)) {
    // [C-doc: Graph's text, quoted by scripts that grant app roles]
    return bad_request(
        req, ctx.now(),
        "Permission being assigned was not found on application '" + resource->app_id + "'.");
  }
  auto created = ctx.deps.directory.add_app_role_assignment(a);
  if (!created.ok()) {
    return bad_request(req, ctx.now(),
                       "Permission being assigned already exists on the object.");  // inferred
  }
  json out = app_role_assignment_json(*created, *principal, *resource);
  out["@odata.context"] =
      collection_context("servicePrincipals('" + sp->id + "')/" +
                             (as_resource ? "appRoleAssignedTo" : "appRoleAssignments"),
                         {}) +
      "/$entity";
  return ok(req, 201, out);
}

http::Response delete_assignment(Context& ctx, http::Request& req, const Caller& caller) {
  if (auto denied = authorize(ctx, req, caller, Access::kConsent)) return *denied;
  auto sp = find_sp(ctx, caller, req.param("id"));
  auto a = ctx.deps.directory.find_app_role_assignment(req.param("assignmentId"));
  if (!sp || !a.ok() || (a->principal_id != sp->id && a->resource_id != sp->id)) {
    return resource_not_found(req, ctx.now(), req.param("assignmentId"));
  }
  (void)ctx.deps.directory.delete_app_role_assignment(a->id);
  return no_content(req);
}

// --- oauth2PermissionGrants ----------------------------------------------------------------

http::Response list_grants(Context& ctx, http::Request& req, const Caller& caller) {
  if (auto denied = authorize(ctx, req, caller, Access::kReadApps)) return *denied;
  auto query = parse_query(ctx, req, kGrantFilterable, "OAuth2PermissionGrant");
  if (auto* err = std::get_if<http::Response>(&query)) return *err;
  std::vector<json> entities;
  for (const auto& g : ctx.deps.directory.list_permission_grants(caller.tenant.id)) {
    entities.push_back(permission_grant_json(g));
  }
  return list_reply(ctx, req, std::get<Query>(query), entities, "oauth2PermissionGrants",
                    "oAuth2PermissionGrant");
}

std::optional<PermissionGrant> find_grant(Context& ctx, const Caller& caller,
                                          const std::string& id) {
  auto g = ctx.deps.directory.find_permission_grant(id);
  if (!g.ok() || !find_sp(ctx, caller, g->client_id)) return std::nullopt;
  return *g;
}

http::Response get_grant(Context& ctx, http::Request& req, const Caller& caller) {
  if (auto denied = authorize(ctx, req, caller, Access::kReadApps)) return *denied;
  auto g = find_grant(ctx, caller, req.param("id"));
  if (!g) return resource_not_found(req, ctx.now(), req.param("id"));
  json out = permission_grant_json(*g);
  out["@odata.context"] = std::string(kContextBase) + "oauth2PermissionGrants/$entity";
  return ok(req, 200, out);
}

http::Response create_grant(Context& ctx, http::Request& req, const Caller& caller) {
  if (auto denied = authorize(ctx, req, caller, Access::kConsent)) return *denied;
  auto parsed = parse_body(ctx, req);
  if (auto* err = std::get_if<http::Response>(&parsed)) return *err;
  const json& body = std::get<json>(parsed);
  PermissionGrant g;
  g.client_id = string_field(body, "clientId");
  g.resource_id = string_field(body, "resourceId");
  g.consent_type = string_field(body, "consentType");
  g.principal_id = string_field(body, "principalId");
  g.scope = string_field(body, "scope");
  if (!find_sp(ctx, caller, g.client_id)) return resource_not_found(req, ctx.now(), g.client_id);
  if (!find_sp(ctx, caller, g.resource_id))
    return resource_not_found(req, ctx.now(), g.resource_id);
  bool all = g.consent_type == "AllPrincipals";
  if ((!all && g.consent_type != "Principal") || all != g.principal_id.empty()) {
    return bad_request(req, ctx.now(),
                       "Invalid value specified for property 'consentType' of resource "
                       "'OAuth2PermissionGrant'.");  // inferred
  }
  if (!all && !ctx.deps.directory.find_user(caller.tenant.id, g.principal_id).ok()) {
    return resource_not_found(req, ctx.now(), g.principal_id);
  }
  auto created = ctx.deps.directory.add_permission_grant(std::move(g));
  if (!created.ok()) return bad_request(ctx, req, created.status());
  json out = permission_grant_json(*created);
  out["@odata.context"] = std::string(kContextBase) + "oauth2PermissionGrants/$entity";
  return ok(req, 201, out);
}

http::Response delete_grant(Context& ctx, http::Request& req, const Caller& caller) {
  if (auto denied = authorize(ctx, req, caller, Access::kConsent)) return *denied;
  auto g = find_grant(ctx, caller, req.param("id"));
  if (!g) return resource_not_found(req, ctx.now(), req.param("id"));
  (void)ctx.deps.directory.delete_permission_grant(g->id);
  return no_content(req);
}

}  // namespace

void add_service_principal_routes(const AddRoute& add) {
  add("GET", "/v1.0/servicePrincipals", list_sps);
  add("POST", "/v1.0/servicePrincipals", create_sp);
  add("GET", "/v1.0/servicePrincipals/{id}", get_sp);
  add("DELETE", "/v1.0/servicePrincipals/{id}", delete_sp);
  for (bool as_resource : {false, true}) {
    std::string base = std::string("/v1.0/servicePrincipals/{id}/") +
                       (as_resource ? "appRoleAssignedTo" : "appRoleAssignments");
    add("GET", base, [as_resource](Context& c, http::Request& r, const Caller& who) {
      return list_assignments(c, r, who, as_resource);
    });
    add("POST", base, [as_resource](Context& c, http::Request& r, const Caller& who) {
      return create_assignment(c, r, who, as_resource);
    });
    add("DELETE", base + "/{assignmentId}", delete_assignment);
  }
  add("GET", "/v1.0/oauth2PermissionGrants", list_grants);
  add("POST", "/v1.0/oauth2PermissionGrants", create_grant);
  add("GET", "/v1.0/oauth2PermissionGrants/{id}", get_grant);
  add("DELETE", "/v1.0/oauth2PermissionGrants/{id}", delete_grant);
}

}  // namespace emu::aad::graph

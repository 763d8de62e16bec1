// Graph /v1.0/applications: list ($filter/$select/$top), get, create, update, delete,
// addPassword, removePassword. Secrets added here are stored in the Directory, so they work
// at the token endpoint at once.

#include "emulator/aad/graph/graph_internal.h"

#include <algorithm>

namespace emu::aad::graph {
namespace {

const std::vector<std::string> kFilterable = {
    "id", "appId", "displayName", "identifierUris", "signInAudience", "publisherDomain"};

// The caller tenant's own application with object ID `id` (first-party apps are not
// visible through /applications).
std::optional<Application> own_application(Context& ctx, const Caller& caller,
                                           const std::string& id) {
  auto app = ctx.deps.directory.find_application(caller.tenant.id, id);
  if (!app.ok() || app->first_party || !http::iequals(app->id, id)) return std::nullopt;
  return *app;
}

bool identifier_uri_taken(Context& ctx, const Application& a) {
  for (const Application& other : ctx.deps.directory.list_applications(a.tenant_id)) {
    if (other.id == a.id) continue;
    for (const auto& uri : a.identifier_uris) {
      for (const auto& taken : other.identifier_uris) {
        if (http::iequals(uri, taken)) return true;
      }
    }
  }
  return false;
}

http::Response uri_taken(Context& ctx, const http::Request& req) {
  // [inferred: Graph's text for a duplicate identifier URI]
  return bad_request(req, ctx.now(),
                     "Another object with the same value for property identifierUris already "
                     "exists.");
}

http::Response list_applications(Context& ctx, http::Request& req, const Caller& caller) {
  if (auto denied = authorize(ctx, req, caller, Access::kReadApps)) return *denied;
  auto query = parse_query(ctx, req, kFilterable, "Application");
  if (auto* err = std::get_if<http::Response>(&query)) return *err;
  std::vector<json> entities;
  for (const Application& a : ctx.deps.directory.list_applications(caller.tenant.id)) {
    entities.push_back(application_json(a, caller.tenant));
  }
  return list_reply(ctx, req, std::get<Query>(query), entities, "applications", "application");
}

http::Response get_application(Context& ctx, http::Request& req, const Caller& caller) {
  if (auto denied = authorize(ctx, req, caller, Access::kReadApps)) return *denied;
  auto app = own_application(ctx, caller, req.param("id"));
  if (!app) return resource_not_found(req, ctx.now(), req.param("id"));
  auto query = parse_query(ctx, req, {}, "Application");
  if (auto* err = std::get_if<http::Response>(&query)) return *err;
  const Query& q = std::get<Query>(query);
  auto shaped = project(application_json(*app, caller.tenant), q.select, {}, "application");
  if (!shaped.ok())
    return error_response(req, ctx.now(), 400, kBadRequest, shaped.status().message());
  (*shaped)["@odata.context"] = collection_context("applications", q.select) + "/$entity";
  return ok(req, 200, *shaped);
}

http::Response create_application(Context& ctx, http::Request& req, const Caller& caller) {
  if (auto denied = authorize(ctx, req, caller, Access::kWriteApps)) return *denied;
  auto parsed = parse_body(ctx, req);
  if (auto* err = std::get_if<http::Response>(&parsed)) return *err;
  const json& body = std::get<json>(parsed);
  Application a;
  a.tenant_id = caller.tenant.id;
  if (Status s = apply_application_body(body, a); !s.ok()) return bad_request(ctx, req, s);
  if (a.display_name.empty()) {
    return bad_request(req, ctx.now(),
                       "Invalid value specified for property 'displayName' of resource "
                       "'Application'.");  // inferred
  }
  if (Status s = apply_key_credentials(body, a, ctx.deps.ids); !s.ok()) {
    return bad_request(ctx, req, s);
  }
  if (identifier_uri_taken(ctx, a)) return uri_taken(ctx, req);
  auto created = ctx.deps.directory.create_application(std::move(a));
  if (!created.ok()) return bad_request(ctx, req, created.status());
  json out = application_json(*created, caller.tenant);
  out["@odata.context"] = std::string(kContextBase) + "applications/$entity";
  return ok(req, 201, out);
}

http::Response update_application(Context& ctx, http::Request& req, const Caller& caller) {
  if (auto denied = authorize(ctx, req, caller, Access::kWriteApps)) return *denied;
  auto app = own_application(ctx, caller, req.param("id"));
  if (!app) return resource_not_found(req, ctx.now(), req.param("id"));
  auto parsed = parse_body(ctx, req);
  if (auto* err = std::get_if<http::Response>(&parsed)) return *err;
  const json& body = std::get<json>(parsed);
  if (Status s = apply_application_body(body, *app); !s.ok()) return bad_request(ctx, req, s);
  if (Status s = apply_key_credentials(body, *app, ctx.deps.ids); !s.ok()) {
    return bad_request(ctx, req, s);
  }
  if (identifier_uri_taken(ctx, *app)) return uri_taken(ctx, req);
  if (Status s = ctx.deps.directory.update_application(*app); !s.ok()) {
    return bad_request(ctx, req, s);
  }
  return no_content(req);
}

http::Response delete_application(Context& ctx, http::Request& req, const Caller& caller) {
  if (auto denied = authorize(ctx, req, caller, Access::kWriteApps)) return *denied;
  auto app = own_application(ctx, caller, req.param("id"));
  if (!app) return resource_not_found(req, ctx.now(), req.param("id"));
  // Deleting an application also deletes its service principal in the home tenant.
  auto sp = ctx.deps.directory.find_service_principal(caller.tenant.id, app->app_id);
  if (sp.ok()) (void)ctx.deps.directory.delete_service_principal(caller.tenant.id, sp->id);
  if (Status s = ctx.deps.directory.delete_application(caller.tenant.id, app->id); !s.ok()) {
    return resource_not_found(req, ctx.now(), req.param("id"));
  }
  return no_content(req);
}

http::Response add_password(Context& ctx, http::Request& req, const Caller& caller) {
  if (auto denied = authorize(ctx, req, caller, Access::kWriteApps)) return *denied;
  auto app = own_application(ctx, caller, req.param("id"));
  if (!app) return resource_not_found(req, ctx.now(), req.param("id"));
  auto parsed = parse_body(ctx, req, /*allow_empty=*/true);
  if (auto* err = std::get_if<http::Response>(&parsed)) return *err;
  auto credential = new_password_credential(std::get<json>(parsed), ctx.now(), ctx.deps.ids);
  if (!credential.ok()) return bad_request(ctx, req, credential.status());
  app->password_credentials.push_back(*credential);
  if (Status s = ctx.deps.directory.update_application(*app); !s.ok()) {
    return bad_request(ctx, req, s);
  }
  json out = password_credential_json(*credential, /*with_secret=*/true);
  out["@odata.context"] = std::string(kContextBase) + "microsoft.graph.passwordCredential";
  return ok(req, 200, out);
}

http::Response remove_password(Context& ctx, http::Request& req, const Caller& caller) {
  if (auto denied = authorize(ctx, req, caller, Access::kWriteApps)) return *denied;
  auto app = own_application(ctx, caller, req.param("id"));
  if (!app) return resource_not_found(req, ctx.now(), req.param("id"));
  auto parsed = parse_body(ctx, req);
  if (auto* err = std::get_if<http::Response>(&parsed)) return *err;
  std::string key_id = string_field(std::get<json>(parsed), "keyId");
  auto& creds = app->password_credentials;
  auto it = std::find_if(creds.begin(), creds.end(), [&](const PasswordCredential& p) {
    return !key_id.empty() && http::iequals(p.key_id, key_id);
  });
  if (it == creds.end()) {
    return bad_request(req, ctx.now(),
                       "No password credential found with keyId '" + key_id + "'.");  // inferred
  }
  creds.erase(it);
  if (Status s = ctx.deps.directory.update_application(*app); !s.ok()) {
    return bad_request(ctx, req, s);
  }
  return no_content(req);
}

}  // namespace

void add_application_routes(const AddRoute& add) {
  add("GET", "/v1.0/applications", list_applications);
  add("POST", "/v1.0/applications", create_application);
  add("GET", "/v1.0/applications/{id}", get_application);
  add("PATCH", "/v1.0/applications/{id}", update_application);
  add("DELETE", "/v1.0/applications/{id}", delete_application);
  add("POST", "/v1.0/applications/{id}/addPassword", add_password);
  add("POST", "/v1.0/applications/{id}/removePassword", remove_password);
}

}  // namespace emu::aad::graph

// Graph /v1.0/users (list with $select/$top/$filter and @odata.nextLink paging by object ID,
// get by ID or UPN, create, update, delete), /v1.0/me and /v1.0/organization.

#include "emulator/aad/graph/graph_internal.h"

#include <algorithm>

namespace emu::aad::graph {
namespace {

const std::vector<std::string> kFilterable = {
    "id", "userPrincipalName", "displayName", "givenName", "surname", "mail", "accountEnabled"};

// One page of users matching `q`, scanning the directory in object-ID order from the cursor.
http::Response list_users(Context& ctx, http::Request& req, const Caller& caller) {
  if (auto denied = authorize(ctx, req, caller, Access::kReadUsers)) return *denied;
  auto query = parse_query(ctx, req, kFilterable, "User");
  if (auto* err = std::get_if<http::Response>(&query)) return *err;
  const Query& q = std::get<Query>(query);
  std::string cursor;
  if (!q.skiptoken.empty()) {
    if (q.skiptoken[0] != 'u') return bad_request(req, ctx.now(), "Invalid $skiptoken value.");
    cursor = q.skiptoken.substr(1);
  }
  const size_t top = q.top ? q.top : ctx.deps.default_page_size;
  const size_t batch = std::max<size_t>(top + 1, 100);
  std::vector<User> page;  // up to top + 1 matches: the extra one proves a next page exists
  while (page.size() <= top) {
    std::vector<User> users = ctx.deps.directory.list_users(caller.tenant.id, cursor, batch);
    for (const User& u : users) {
      cursor = u.id;
      if (matches(q.filter, user_json(u)) && page.size() <= top) page.push_back(u);
    }
    if (users.size() < batch) break;
  }
  bool more = page.size() > top;
  if (more) page.resize(top);
  json value = json::array();
  for (const User& u : page) {
    auto shaped = project(user_json(u), q.select, kUserDefaultProperties, "user");
    if (!shaped.ok())
      return error_response(req, ctx.now(), 400, kBadRequest, shaped.status().message());
    value.push_back(std::move(*shaped));
  }
  json body = {{"@odata.context", collection_context("users", q.select)}, {"value", value}};
  if (more) body["@odata.nextLink"] = next_link(req, "u" + page.back().id);
  return ok(req, 200, body);
}

http::Response user_reply(Context& ctx, http::Request& req, const User& u) {
  auto query = parse_query(ctx, req, {}, "User");
  if (auto* err = std::get_if<http::Response>(&query)) return *err;
  const Query& q = std::get<Query>(query);
  auto shaped = project(user_json(u), q.select, kUserDefaultProperties, "user");
  if (!shaped.ok())
    return error_response(req, ctx.now(), 400, kBadRequest, shaped.status().message());
  (*shaped)["@odata.context"] = collection_context("users", q.select) + "/$entity";
  return ok(req, 200, *shaped);
}

http::Response get_user(Context& ctx, http::Request& req, const Caller& caller) {
  if (auto denied = authorize(ctx, req, caller, Access::kReadUsers)) return *denied;
  auto user = ctx.deps.directory.find_user(caller.tenant.id, req.param("id"));
  if (!user.ok()) return resource_not_found(req, ctx.now(), req.param("id"));
  return user_reply(ctx, req, *user);
}

// The UPN's domain must be the tenant's verified domain.
bool upn_domain_ok(const Caller& caller, const std::string& upn) {
  size_t at = upn.find('@');
  return at != std::string::npos && at > 0 &&
         http::iequals(upn.substr(at + 1), caller.tenant.domain);
}

http::Response bad_upn_domain(Context& ctx, const http::Request& req) {
  // [C-doc: Graph's text for a UPN outside the tenant's verified domains]
  return bad_request(req, ctx.now(),
                     "The domain portion of the userPrincipalName property is invalid. You must "
                     "use one of the verified domain names in your organization.");
}

http::Response duplicate_upn(Context& ctx, const http::Request& req) {
  // [inferred: Graph's text for a duplicate userPrincipalName]
  return bad_request(req, ctx.now(),
                     "Another object with the same value for property userPrincipalName already "
                     "exists.");
}

http::Response create_user(Context& ctx, http::Request& req, const Caller& caller) {
  if (auto denied = authorize(ctx, req, caller, Access::kWriteUsers)) return *denied;
  auto parsed = parse_body(ctx, req);
  if (auto* err = std::get_if<http::Response>(&parsed)) return *err;
  User u;
  u.tenant_id = caller.tenant.id;
  if (Status s = apply_user_body(std::get<json>(parsed), u); !s.ok()) {
    return bad_request(ctx, req, s);
  }
  for (auto [value, name] :
       {std::pair{&u.display_name, "displayName"}, std::pair{&u.upn, "userPrincipalName"},
        std::pair{&u.password, "passwordProfile"}}) {
    if (value->empty()) {
      return bad_request(req, ctx.now(),
                         std::string("Invalid value specified for property '") + name +
                             "' of resource 'User'.");  // inferred
    }
  }
  if (!upn_domain_ok(caller, u.upn)) return bad_upn_domain(ctx, req);
  auto created = ctx.deps.directory.create_user(std::move(u));
  if (!created.ok()) {
    if (created.status().code() == StatusCode::kAlreadyExists) return duplicate_upn(ctx, req);
    return bad_request(ctx, req, created.status());
  }
  json out = project(user_json(*created), {}, kUserDefaultProperties, "user").value();
  out["@odata.context"] = std::string(kContextBase) + "users/$entity";
  return ok(req, 201, out);
}

http::Response update_user(Context& ctx, http::Request& req, const Caller& caller) {
  if (auto denied = authorize(ctx, req, caller, Access::kWriteUsers)) return *denied;
  auto user = ctx.deps.directory.find_user(caller.tenant.id, req.param("id"));
  if (!user.ok()) return resource_not_found(req, ctx.now(), req.param("id"));
  auto parsed = parse_body(ctx, req);
  if (auto* err = std::get_if<http::Response>(&parsed)) return *err;
  std::string old_upn = user->upn;
  if (Status s = apply_user_body(std::get<json>(parsed), *user); !s.ok()) {
    return bad_request(ctx, req, s);
  }
  if (user->upn != old_upn && !upn_domain_ok(caller, user->upn)) return bad_upn_domain(ctx, req);
  Status s = ctx.deps.directory.update_user(*user);
  if (s.code() == StatusCode::kAlreadyExists) return duplicate_upn(ctx, req);
  if (!s.ok()) return bad_request(ctx, req, s);
  return no_content(req);
}

http::Response delete_user(Context& ctx, http::Request& req, const Caller& caller) {
  if (auto denied = authorize(ctx, req, caller, Access::kWriteUsers)) return *denied;
  auto user = ctx.deps.directory.find_user(caller.tenant.id, req.param("id"));
  if (!user.ok()) return resource_not_found(req, ctx.now(), req.param("id"));
  if (Status s = ctx.deps.directory.delete_user(caller.tenant.id, user->id); !s.ok()) {
    return resource_not_found(req, ctx.now(), req.param("id"));
  }
  return no_content(req);
}

http::Response get_me(Context& ctx, http::Request& req, const Caller& caller) {
  if (caller.app_only()) return me_requires_delegated(req, ctx.now());
  if (auto denied = authorize(ctx, req, caller, Access::kMe)) return *denied;
  auto user = ctx.deps.directory.find_user(caller.tenant.id, caller.principal.object_id);
  if (!user.ok()) return resource_not_found(req, ctx.now(), caller.principal.object_id);
  return user_reply(ctx, req, *user);
}

http::Response get_organization(Context& ctx, http::Request& req, const Caller& caller) {
  if (auto denied = authorize(ctx, req, caller, Access::kReadOrganization)) return *denied;
  auto query = parse_query(ctx, req, {}, "Organization");
  if (auto* err = std::get_if<http::Response>(&query)) return *err;
  return list_reply(ctx, req, std::get<Query>(query), {organization_json(caller.tenant)},
                    "organization", "organization");
}

}  // namespace

void add_user_routes(const AddRoute& add) {
  add("GET", "/v1.0/users", list_users);
  add("POST", "/v1.0/users", create_user);
  add("GET", "/v1.0/users/{id}", get_user);
  add("PATCH", "/v1.0/users/{id}", update_user);
  add("DELETE", "/v1.0/users/{id}", delete_user);
  add("GET", "/v1.0/me", get_me);
  add("GET", "/v1.0/organization", get_organization);
}

}  // namespace emu::aad::graph

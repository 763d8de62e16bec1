// The Graph router: authentication of every request, the permission model, alternate keys
// (applications(appId='…')), unknown-route replies, and the reply helpers. Route groups live
// in graph_apps.cc, graph_sps.cc and graph_users.cc.

#include "emulator/aad/graph/graph.h"

#include "emulator/aad/graph/graph_internal.h"

#include <algorithm>
#include <memory>

namespace emu::aad {
namespace graph {
namespace {

// Audiences Graph accepts: its identifier URIs and its app ID (README Sources [S6], inferred
// for the trailing-slash variant).
const std::vector<std::string>& graph_audiences() {
  static const std::vector<std::string> kAudiences = {"https://graph.microsoft.com",
                                                      "https://graph.microsoft.com/", kGraphAppId};
  return kAudiences;
}

struct Requirement {
  std::vector<std::string_view> roles;   // app-only: any of these app roles
  std::vector<std::string_view> scopes;  // delegated: any of these scopes
  std::vector<std::string_view> admin;   // delegated: the user holds one of these (if any)
};

// Least-privileged permissions per Graph's permission reference, plus the broader ones that
// include them. Which directory roles allow a delegated write follows the brief of this
// emulator: app registration and admin consent need an application admin role [inferred:
// real tenants may let every user register apps].
const Requirement& requirement(Access access) {
  static const std::vector<std::string_view> kAppAdmins = {
      kGlobalAdministrator, kApplicationAdministrator, kCloudApplicationAdministrator};
  static const Requirement kReadUsers{
      {"User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"},
      {"User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All",
       "Directory.ReadWrite.All", "Directory.AccessAsUser.All"},
      {}};
  static const Requirement kWriteUsers{
      {"User.ReadWrite.All", "Directory.ReadWrite.All"},
      {"User.ReadWrite.All", "Directory.ReadWrite.All", "Directory.AccessAsUser.All"},
      {kGlobalAdministrator, kUserAdministrator}};
  static const Requirement kReadApps{
      {"Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All",
       "Directory.ReadWrite.All"},
      {"Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All",
       "Directory.ReadWrite.All", "Directory.AccessAsUser.All"},
      {}};
  static const Requirement kWriteApps{{"Application.ReadWrite.All"},
                                      {"Application.ReadWrite.All", "Directory.AccessAsUser.All"},
                                      kAppAdmins};
  static const Requirement kConsent{
      {"AppRoleAssignment.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All",
       "Application.ReadWrite.All", "Directory.ReadWrite.All"},
      {"AppRoleAssignment.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All",
       "Application.ReadWrite.All", "Directory.ReadWrite.All", "Directory.AccessAsUser.All"},
      kAppAdmins};
  static const Requirement kReadOrganization{
      {"Organization.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"},
      {"User.Read", "Organization.Read.All", "Directory.Read.All", "Directory.ReadWrite.All",
       "Directory.AccessAsUser.All"},
      {}};
  static const Requirement kMe{
      {},
      {"User.Read", "User.ReadWrite", "User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All",
       "Directory.Read.All", "Directory.ReadWrite.All", "Directory.AccessAsUser.All"},
      {}};
  switch (access) {
    case Access::kReadUsers:
      return kReadUsers;
    case Access::kWriteUsers:
      return kWriteUsers;
    case Access::kReadApps:
      return kReadApps;
    case Access::kWriteApps:
      return kWriteApps;
    case Access::kConsent:
      return kConsent;
    case Access::kReadOrganization:
      return kReadOrganization;
    case Access::kMe:
      return kMe;
  }
  return kMe;
}

bool holds_any(const std::vector<std::string>& held, const std::vector<std::string_view>& need) {
  return std::any_of(held.begin(), held.end(), [&](const std::string& h) {
    return std::any_of(need.begin(), need.end(),
                       [&](std::string_view n) { return http::iequals(h, n); });
  });
}

// The bearer token of an Authorization header value, or "" if there is none.
std::string_view bearer_token(std::string_view header) {
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size() || !http::iequals(header.substr(0, 7), kScheme)) return {};
  std::string_view token = header.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
  return token;
}

const std::vector<std::string>& known_collections() {
  static const std::vector<std::string> kNames = {
      "applications", "servicePrincipals", "users", "me", "organization", "oauth2PermissionGrants"};
  return kNames;
}

// Unknown route: 405 for a known path with another method, else Graph's segment error naming
// the first segment that names nothing.
http::Response unknown_route(Context& ctx, http::Request& req, bool path_matched) {
  if (path_matched) return method_not_allowed(req, ctx.now());
  auto parts = http::split_path(req.path);
  if (parts.empty() || !http::iequals(parts[0], "v1.0")) return invalid_version(req, ctx.now());
  if (parts.size() == 1) return segment_not_found(req, ctx.now(), parts[0]);
  const auto& known = known_collections();
  bool known_top = std::any_of(known.begin(), known.end(),
                               [&](const std::string& k) { return http::iequals(k, parts[1]); });
  std::string_view segment = known_top ? parts.back() : parts[1];
  return segment_not_found(req, ctx.now(), http::url_decode(segment));
}

// applications(appId='x')[/rest] -> applications/<object id>[/rest]; false if the app is
// unknown (the reply is then set).
bool rewrite_alternate_key(Context& ctx, http::Request& req, const Caller& caller,
                           http::Response& reply) {
  auto parts = http::split_path(req.path);
  if (parts.size() < 2) return true;
  auto key = parse_alternate_key(http::url_decode(parts[1]));
  if (!key) return true;
  std::string object_id;
  if (key->first == "applications") {
    auto app = ctx.deps.directory.find_application(caller.tenant.id, key->second);
    if (app.ok() && !app->first_party) object_id = app->id;
  } else {
    auto sp = ctx.deps.directory.find_service_principal(caller.tenant.id, key->second);
    if (sp.ok()) object_id = sp->id;
  }
  if (object_id.empty()) {
    reply = resource_not_found(req, ctx.now(), key->second);
    return false;
  }
  std::string path = "/v1.0/" + key->first + "/" + object_id;
  for (size_t i = 2; i < parts.size(); ++i) path += "/" + std::string(parts[i]);
  req.path = path;
  return true;
}

// The caller the outer route authenticated, for the inner route handlers it dispatches to
// synchronously on the same thread (so each request's token is verified once).
thread_local const Caller* current_caller = nullptr;

class CallerScope {
 public:
  explicit CallerScope(const Caller* caller) : previous_(current_caller) {
    current_caller = caller;
  }
  ~CallerScope() { current_caller = previous_; }
  CallerScope(const CallerScope&) = delete;
  CallerScope& operator=(const CallerScope&) = delete;

 private:
  const Caller* previous_;
};

}  // namespace

std::variant<Caller, http::Response> authenticate(Context& ctx, const http::Request& req) {
  std::string header = req.headers.get_or("Authorization", "");
  std::string_view token = bearer_token(header);
  if (token.empty()) return invalid_token(req, ctx.now(), TokenError::kMissing);
  ValidationPolicy policy;
  policy.audiences = graph_audiences();
  TokenCheck check = ctx.deps.validator.validate(token, policy);
  if (!check.ok()) return invalid_token(req, ctx.now(), check.error);
  auto tenant = ctx.deps.directory.find_tenant(check.principal.tenant_id);
  if (!tenant.ok()) return invalid_token(req, ctx.now(), TokenError::kWrongTenant);
  return Caller{std::move(check.principal), *tenant};
}

std::optional<http::Response> authorize(Context& ctx, const http::Request& req,
                                        const Caller& caller, Access access) {
  const Requirement& need = requirement(access);
  if (caller.app_only()) {
    if (holds_any(caller.principal.roles, need.roles)) return std::nullopt;
    return access_denied(req, ctx.now());
  }
  if (!holds_any(caller.principal.scopes, need.scopes)) return access_denied(req, ctx.now());
  if (need.admin.empty()) return std::nullopt;
  auto user = ctx.deps.directory.find_user(caller.tenant.id, caller.principal.object_id);
  if (user.ok() && holds_any(user->directory_roles, need.admin)) return std::nullopt;
  return access_denied(req, ctx.now());
}

http::Response ok(const http::Request& req, int status, const json& body) {
  http::Response resp = http::json_response(status, body);
  // Graph's success content type [C-doc: Graph response headers].
  resp.headers.set("Content-Type",
                   "application/json;odata.metadata=minimal;odata.streaming=true;"
                   "IEEE754Compatible=false;charset=utf-8");
  resp.headers.set("request-id", req.request_id);
  resp.headers.set("client-request-id", req.headers.get_or("client-request-id", req.request_id));
  return resp;
}

http::Response no_content(const http::Request& req) {
  http::Response resp;
  resp.status = 204;
  resp.headers.set("request-id", req.request_id);
  resp.headers.set("client-request-id", req.headers.get_or("client-request-id", req.request_id));
  return resp;
}

std::variant<json, http::Response> parse_body(Context& ctx, const http::Request& req,
                                              bool allow_empty) {
  bool blank = req.body.find_first_not_of(" \t\r\n") == std::string::npos;
  if (blank) {
    if (allow_empty) return json::object();
    return error_response(req, ctx.now(), 400, kBadRequest,
                          "Empty Payload. JSON content expected.");
  }
  // Graph's request size limit is 4 MB [C-doc: Microsoft Graph service limits]; depth 64 is
  // the lab's JSON default (inferred: Graph's own depth limit is not published).
  auto parsed = parse_json_limited(req.body, kGraphJsonLimits);
  if (!parsed.ok() && parsed.status().code() == StatusCode::kResourceExhausted) {
    // [inferred] 413 for a body over the size limit, 400 for one nested too deeply.
    const bool too_big = req.body.size() > kGraphJsonLimits.max_bytes;
    return error_response(
        req, ctx.now(), too_big ? 413 : 400, kRequestBadRequest,
        too_big ? "The request payload is too large: " + parsed.status().message() + "."
                : "The request payload is nested too deeply: " + parsed.status().message() + ".");
  }
  json body = parsed.ok() ? std::move(parsed).value() : json(json::value_t::discarded);
  if (body.is_discarded() || !body.is_object()) {
    return error_response(req, ctx.now(), 400, kBadRequest,
                          "Unable to read JSON request payload. Please ensure Content-Type "
                          "header is set and payload is of valid JSON format.");
  }
  return body;
}

std::optional<std::pair<std::string, std::string>> parse_alternate_key(std::string_view segment) {
  for (std::string_view collection : {"applications", "servicePrincipals"}) {
    std::string prefix = std::string(collection) + "(appId='";
    if (segment.size() > prefix.size() + 2 &&
        http::iequals(segment.substr(0, prefix.size()), prefix) &&
        segment.substr(segment.size() - 2) == "')") {
      std::string_view id = segment.substr(prefix.size(), segment.size() - prefix.size() - 2);
      return std::make_pair(std::string(collection), std::string(id));
    }
  }
  return std::nullopt;
}

}  // namespace graph

http::Router make_graph_router(GraphDeps deps) {
  auto ctx = std::make_shared<graph::Context>(graph::Context{deps});
  http::Router::Options options;
  options.case_insensitive = true;  // Graph path segments ignore case [inferred]
  options.not_found = [ctx](http::Request& req, bool path_matched) {
    return graph::unknown_route(*ctx, req, path_matched);
  };
  auto inner = std::make_shared<http::Router>(options);
  graph::AddRoute add = [ctx, inner](std::string method, std::string pattern,
                                     graph::Handler handler) {
    inner->add(std::move(method), "*", std::move(pattern),
               [ctx, handler = std::move(handler)](http::Request& req) {
                 if (graph::current_caller) return handler(*ctx, req, *graph::current_caller);
                 auto auth = graph::authenticate(*ctx, req);
                 if (auto* reply = std::get_if<http::Response>(&auth)) return *reply;
                 return handler(*ctx, req, std::get<graph::Caller>(auth));
               });
  };
  graph::add_application_routes(add);
  graph::add_service_principal_routes(add);
  graph::add_user_routes(add);

  // The outer router authenticates, resolves alternate keys, then dispatches to the routes.
  http::Router::Options outer_options;
  outer_options.not_found = [ctx](http::Request& req, bool) {
    auto auth = graph::authenticate(*ctx, req);
    if (auto* reply = std::get_if<http::Response>(&auth)) return *reply;
    return graph::invalid_version(req, ctx->now());
  };
  http::Router router(outer_options);
  router.add("*", "*", "/{path...}", [ctx, inner](http::Request& req) {
    auto auth = graph::authenticate(*ctx, req);
    if (auto* reply = std::get_if<http::Response>(&auth)) return *reply;
    const graph::Caller& caller = std::get<graph::Caller>(auth);
    http::Response reply;
    if (!graph::rewrite_alternate_key(*ctx, req, caller, reply)) return reply;
    graph::CallerScope scope(&caller);
    return inner->dispatch(req);
  });
  return router;
}

}  // namespace emu::aad

// Private pieces of the Graph router (graph*.cc): the shared context, the authenticated
// caller and permission checks, OData query options ($filter, $select, $top, $skiptoken),
// and the Graph JSON shapes of directory objects. Not part of the emu_aad interface.
#pragma once

#include "emulator/aad/directory/directory.h"
#include "emulator/aad/graph/graph.h"
#include "emulator/aad/graph/graph_errors.h"
#include "emulator/core/http/message.h"
#include "emulator/core/json_limits.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace emu::aad::graph {

using nlohmann::json;

// Everything a handler needs; owned by the router's handlers (shared).
struct Context {
  GraphDeps deps;
  TimePoint now() const { return deps.clock.now(); }
};

// The validated caller of a request.
struct Caller {
  Principal principal;
  Tenant tenant;
  bool app_only() const { return principal.idtyp == "app"; }
};

using Handler = std::function<http::Response(Context&, http::Request&, const Caller&)>;

// What an operation needs. Each kind lists the app roles (app-only tokens) and delegated
// scopes that allow it, and for delegated writes the directory roles the signed-in user
// must hold (see graph_auth.cc).
enum class Access {
  kReadUsers,
  kWriteUsers,
  kReadApps,
  kWriteApps,  // applications, service principals, credentials
  kConsent,    // oauth2PermissionGrants, appRoleAssignments
  kReadOrganization,
  kMe,
};

// Validates the bearer token and resolves the caller's tenant; on failure the 401 reply.
std::variant<Caller, http::Response> authenticate(Context& ctx, const http::Request& req);
// nullopt when `caller` may do `access`; otherwise the 403 Authorization_RequestDenied reply.
std::optional<http::Response> authorize(Context& ctx, const http::Request& req,
                                        const Caller& caller, Access access);

// obj[key] when `obj` is an object and that member is a string; "" otherwise (never throws).
inline std::string string_field(const json& obj, const char* key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// --- Replies ----------------------------------------------------------------------------
inline constexpr std::string_view kContextBase = "https://graph.microsoft.com/v1.0/$metadata#";
// A JSON reply with Graph's OData content type and request-id / client-request-id headers.
http::Response ok(const http::Request& req, int status, const json& body);
http::Response no_content(const http::Request& req);  // 204
// Property limits Graph documents, in characters (UTF-16 code units; graph_length). A value
// over its limit is 400 Request_BadRequest "Invalid value specified for property '<p>' of
// resource '<R>'." [C-doc: Graph's wording for a rejected property value].
struct GraphLimits {
  size_t display_name = 256;             // user [C-doc: user resource]; application [C-doc]
  size_t name_part = 64;                 // givenName, surname [C-doc: user resource]
  size_t mail_nickname = 64;             // [C-doc: user resource]
  size_t upn = 113;                      // userPrincipalName [C-doc: user resource, UPN format]
  size_t upn_local_part = 64;            // before '@' [C-doc]
  size_t mail = 256;                     // [inferred]
  size_t password = 256;                 // [C-doc: Entra password policies, 256 characters]
  size_t identifier_uris = 50;           // per application [C-doc: supported-accounts-validation]
  size_t identifier_uri_chars = 256;     // [inferred]
  size_t redirect_uris = 256;            // per platform [C-doc: reply-url restrictions]
  size_t redirect_uri_chars = 256;       // [C-doc: reply-url restrictions]
  size_t credential_display_name = 256;  // password/key credential displayName [inferred]
};
inline constexpr GraphLimits kGraphLimits{};

// Length as Graph counts it: UTF-16 code units of the UTF-8 text.
size_t graph_length(std::string_view s);

// Request bodies: at most 4 MiB, nesting depth 64 (parse_json_limited).
inline constexpr JsonLimits kGraphJsonLimits{4 * 1024 * 1024, 64};

// The request body as a JSON object; an empty body is {} when `allow_empty`. Otherwise the
// 400 BadRequest reply ("Empty Payload. JSON content expected." / "Unable to read JSON request
// payload. ..." [inferred texts]); over kGraphJsonLimits: 413 (too large) or 400 (too deep)
// Request_BadRequest.

std::variant<json, http::Response> parse_body(Context& ctx, const http::Request& req,
                                              bool allow_empty = false);
// 400 Request_BadRequest carrying a Status's message (for InvalidArgument from the helpers).
inline http::Response bad_request(Context& ctx, const http::Request& req, const Status& s) {
  return bad_request(req, ctx.now(), s.message());
}

// --- OData query options ------------------------------------------------------------------
struct FilterClause {
  enum class Op { kEq, kStartsWith, kAnyEq };
  Op op = Op::kEq;
  std::string property;
  json value;  // string, boolean or null
};
struct Query {
  std::vector<FilterClause> filter;  // all must hold (clauses joined by "and")
  std::vector<std::string> select;   // empty = the type's default properties
  size_t top = 0;                    // 0 = not given
  std::string skiptoken;             // decoded cursor ("" = first page)
};

// Parses $filter/$select/$top/$skiptoken. `filterable` names the properties $filter may use
// (`resource` names the type in messages, e.g. "User"). On failure the 400 reply.
std::variant<Query, http::Response> parse_query(Context& ctx, const http::Request& req,
                                                const std::vector<std::string>& filterable,
                                                std::string_view resource);
// True when `entity` (full Graph JSON) satisfies every clause; strings compare ignoring case.
bool matches(const std::vector<FilterClause>& filter, const json& entity);
// The reply shape of one entity: only `select` (if non-empty) or `defaults` (if non-empty) or
// everything. An unknown selected property yields InvalidArgument with Graph's message.
Result<json> project(const json& entity, const std::vector<std::string>& select,
                     const std::vector<std::string>& defaults, std::string_view type);
// "#users" or "#users(displayName,id)" for a $select.
std::string collection_context(std::string_view collection, const std::vector<std::string>& sel);
// The absolute @odata.nextLink for `req` (https + Host header + path + query with
// $skiptoken replaced by the encoded `cursor`).
std::string next_link(const http::Request& req, std::string_view cursor);

// Pages an in-memory collection: filters, projects and cuts `entities` at the query's
// $top/$skiptoken (offset cursor); builds {"@odata.context","value","@odata.nextLink"?}.
http::Response list_reply(Context& ctx, const http::Request& req, const Query& q,
                          const std::vector<json>& entities, std::string_view collection,
                          std::string_view type, const std::vector<std::string>& defaults = {});

// --- Graph JSON shapes (graph_json.cc) -------------------------------------------------------
extern const std::vector<std::string> kUserDefaultProperties;
json user_json(const User& u);
json application_json(const Application& a, const Tenant& tenant);
json password_credential_json(const PasswordCredential& p, bool with_secret);
json service_principal_json(const ServicePrincipal& sp, const Application* app);
json permission_grant_json(const PermissionGrant& g);
json app_role_assignment_json(const AppRoleAssignment& a, const ServicePrincipal& principal,
                              const ServicePrincipal& resource);
json organization_json(const Tenant& t);

// Applies a POST/PATCH body to an application / user: the properties the emulator stores are
// set, other properties are accepted and ignored. InvalidArgument with Graph's text
// ("Invalid value specified for property '<p>' of resource '<R>'.") for a bad value.
// Key credentials in the body are handled by the applications routes, not here.
Status apply_application_body(const json& body, Application& a);
Status apply_user_body(const json& body, User& u);

// --- Credentials (graph_credentials.cc) -----------------------------------------------------
// A new client secret: 40 characters of [A-Za-z0-9_.~-] from `ids`, in the shape of Entra's
// current secrets (3 characters, "8Q~", 34 characters) [inferred].
std::string generate_secret(IdSource& ids);
// The credential addPassword creates from its body ({"passwordCredential":{"displayName",
// "startDateTime","endDateTime"}}, all optional; end defaults to start + 2 years as Graph
// documents). InvalidArgument for a malformed body or dates.
Result<PasswordCredential> new_password_credential(const json& body, TimePoint now, IdSource& ids);
// Applies body["keyCredentials"] (if present) to `a`, replacing the list: entries with "key"
// (base64 DER certificate) become new credentials (dates from the certificate unless given);
// entries with only the keyId of an existing credential keep it. InvalidArgument otherwise.
Status apply_key_credentials(const json& body, Application& a, IdSource& ids);

// --- Route groups (graph_apps.cc, graph_sps.cc, graph_users.cc) -----------------------------
// Each registers its routes through `add(method, pattern, handler)`, which authenticates the
// caller before the handler runs; handlers call authorize() for their own Access.
using AddRoute = std::function<void(std::string method, std::string pattern, Handler handler)>;
void add_application_routes(const AddRoute& add);
void add_service_principal_routes(const AddRoute& add);
void add_user_routes(const AddRoute& add);

// Resolves "applications(appId='…')" / "servicePrincipals(appId='…')" path segments: returns
// {collection, appId} or nullopt.
std::optional<std::pair<std::string, std::string>> parse_alternate_key(std::string_view segment);

}  // namespace emu::aad::graph

// Internals of the token service (token_service.h), shared by its source files: the
// TokenService object behind make_token_router's routes, the per-request Call, and the
// intermediate values of a grant (client, requested scopes, resource, issuance).
// Not a contract for other modules. Not thread-safe: handlers run on the I/O thread.
#pragma once

#include "emulator/aad/directory/directory.h"
#include "emulator/aad/errors.h"
#include "emulator/aad/token/claims.h"
#include "emulator/aad/token/token_service.h"
#include "emulator/core/http/message.h"
#include "emulator/core/status.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emu::aad::internal {

// A value or the AADSTS error that prevents it (the core value-or-error type).
template <typename T>
using AadOr = Result<T, AadError>;

using Form = std::vector<std::pair<std::string, std::string>>;

// What the first path segment names.
enum class AuthorityKind { kTenant, kCommon, kOrganizations, kConsumers, kAdfs };

struct Authority {
  std::string segment;  // as in the path
  AuthorityKind kind = AuthorityKind::kTenant;
  std::optional<Tenant> tenant;  // set for kTenant
  bool specific() const { return kind == AuthorityKind::kTenant; }
};

// One request to a token-service endpoint.
struct Call {
  http::Request* req = nullptr;
  std::string origin;  // "https://" + Host header (port kept)
  Authority authority;
  int version = 2;  // 1: the v1 endpoints (resource=, string numbers); 2: v2 and /adfs
  Form form;        // the urlencoded body (POST) or the query (GET)
  ErrorContext err;

  // First form value of `name`, or nullopt (empty values count as present).
  std::optional<std::string> param(std::string_view name) const;
  // The value, or "" when absent.
  std::string get(std::string_view name) const;
};

// The client application as identified and authenticated.
struct Client {
  Application app;
  std::optional<ServicePrincipal> sp;  // its service principal in the token's tenant
  ClientAuth auth = ClientAuth::kPublic;
  // "Allow public client flows", or a first-party public client (Azure CLI).
  bool allows_public_flows() const;
};

// A parsed scope (v2) or resource (v1) request.
struct ScopeRequest {
  std::vector<std::string> resources;    // distinct resource strings as requested
  bool default_scope = false;            // "<resource>/.default" (every v1 resource request)
  bool implicit_graph = false;           // bare permission names (Graph's shorthand)
  std::vector<std::string> permissions;  // explicit permission values
  std::vector<std::string> oidc;         // openid/profile/email/offline_access, lower case
  std::string raw;                       // the scope string as requested
  bool has(std::string_view oidc_scope) const;
  const std::string& resource() const { return resources.front(); }  // REQUIRES: non-empty
};

struct Resource {
  Application app;
  ServicePrincipal sp;
};

// Everything a token reply is minted from.
struct Issue {
  Tenant tenant;
  Client client;
  std::optional<User> user;  // delegated flows
  // Device tokens: the device is the subject (oid/sub) and its deviceId the `deviceid` claim.
  std::optional<Device> device;
  ScopeRequest scopes;
  Resource resource;
  std::vector<std::string> scp;    // delegated permission values granted
  std::vector<std::string> roles;  // app role values granted
  std::vector<std::string> amr = {"pwd"};
  std::string nonce;
  bool always_refresh = false;  // refresh_token grants rotate the refresh token
};

class TokenService {
 public:
  explicit TokenService(TokenServiceDeps deps) : d_(deps) {}

  // Route handlers. `version` is 1 for the v1 paths, 2 for the v2.0 paths.
  http::Response openid_configuration(http::Request& req, int version);
  http::Response jwks(http::Request& req);
  http::Response instance_discovery(http::Request& req);
  http::Response user_realm(http::Request& req);
  http::Response token(http::Request& req, int version);
  http::Response device_authorization(http::Request& req, int version);
  http::Response authorize(http::Request& req, int version);
  http::Response device_login(http::Request& req);
  http::Response logout(http::Request& req);

  // --- token_service.cc: requests and tenants ---
  static std::string origin_of(const http::Request& req);
  // The authority named by `segment`; 90002 (with `oauth_error`) for an unknown tenant.
  AadOr<Authority> resolve_authority(std::string_view segment, std::string_view oauth_error);
  // Builds the Call for `req` (form from the body for POST, the query for GET) and its
  // authority; the error is the unknown-tenant one (`call.err` is set either way).
  AadOr<Authority> make_call(http::Request& req, int version, Call& call,
                             std::string_view oauth_error = "invalid_request");
  // The tenant of a token for `authority`: the named one; otherwise the home tenant of the
  // user named `username` when given (50034 when unknown), else of the client `client_id`.
  AadOr<Tenant> settle_tenant(const Authority& authority, std::string_view client_id,
                              std::string_view username);
  // Tenant name for error texts (display name, else domain).
  static std::string tenant_label(const Tenant& t);
  // The success reply: JSON, no-store, request/correlation headers.
  http::Response token_reply(const Call& call, const nlohmann::json& body) const;

  // --- token_client.cc: client identification and authentication ---
  AadOr<Client> find_client(const Tenant& tenant, std::string_view client_id);
  // Checks client_secret / client_assertion when sent. `must_authenticate`: a confidential
  // client is required to send one (7000216 for client_credentials, 7000218 otherwise).
  std::optional<AadError> authenticate_client(const Call& call, const Tenant& tenant,
                                              Client& client, bool must_authenticate,
                                              bool client_credentials);

  // --- token_issue.cc: scopes, resources, consent, minting ---
  // The call's requested scope string: v2 `scope`; v1 "<resource>/.default" + `scope`.
  // nullopt when the call names neither.
  std::optional<std::string> requested_scope(const Call& call) const;
  AadOr<ScopeRequest> parse_scope(std::string_view scope) const;
  AadOr<Resource> resolve_resource(const Tenant& tenant, const ScopeRequest& request);
  // Fills issue.roles (application permissions assigned to the client on the resource).
  void grant_app_roles(Issue& issue) const;
  // Fills issue.scp from consent; 70011 for an undefined permission, 65001 without consent.
  std::optional<AadError> grant_delegated(Issue& issue) const;
  // Resolves the resource of issue.scopes, applies MFA/consent for a user, and mints.
  AadOr<http::Response> finish_user_grant(const Call& call, Issue issue, bool password_grant);
  // For grants redeemed from a stored artefact (code, refresh token, device code): parses
  // `scope`, completes `issue` (which may already carry nonce / always_refresh) with tenant,
  // client and user, then finish_user_grant (not a password grant).
  AadOr<http::Response> finish_redeemed_grant(const Call& call, Issue issue, Tenant tenant,
                                              Client client, User user, std::string_view scope);
  AadOr<http::Response> mint(const Call& call, const Issue& issue);

  // --- token_grants.cc ---
  AadOr<http::Response> client_credentials(const Call& call);
  AadOr<http::Response> password(const Call& call);
  AadOr<http::Response> refresh_token(const Call& call);
  AadOr<http::Response> authorization_code(const Call& call);
  AadOr<http::Response> device_code(const Call& call);

  // --- token_device_auth.cc: Entra-joined devices (MS-OAPXBC) ---
  // grant_type=srv_challenge: {"Nonce": ...}, valid for kNonceLifetime.
  AadOr<http::Response> srv_challenge(const Call& call);
  // grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer with `request`: a JWT signed by a
  // registered device's key (its certificate in the x5c header) asking for a device token.
  AadOr<http::Response> device_token(const Call& call);

  // --- shared helpers ---
  // Checks a user's password and state: 50126, 50057.
  std::optional<AadError> check_user(const User& user, std::string_view password) const;
  // Finds a user for sign-in at `authority` (any tenant unless a specific one): 50034.
  AadOr<User> find_sign_in_user(const Authority& authority, std::string_view username);
  // An opaque artefact (code, refresh token, device code) of `n` random bytes.
  std::string opaque(std::string_view prefix, size_t n);

  const TokenServiceDeps& deps() const { return d_; }

 private:
  TokenServiceDeps d_;
};

// The client assertion check (token_assertion.cc): a jwt-bearer assertion signed (RS256 or
// PS256) by one of `app`'s key credentials, iss = sub = client_id, aud naming this token
// endpoint, within its validity window (5 min skew). nullopt when it passes.
std::optional<AadError> verify_client_assertion(const Call& call, const Tenant& tenant,
                                                const Application& app, std::string_view assertion,
                                                TimePoint now);

// RFC 7636 S256: base64url(SHA-256(verifier)).
std::string pkce_s256(std::string_view verifier);

}  // namespace emu::aad::internal

// How actions talk to Azure as a client would: Entra ID tokens (interactive sign-in, refresh,
// client credentials, the v1 grants), then bearer calls to ARM and Graph, all over real
// HTTPS through the action context (endpoints "aad", "arm", "graph"). Errors keep the service's
// own code and message so logs and console dialogs can quote them. Used by the site's wizards
// and services and by the arm.* actions.
#pragma once

#include "emulator/core/actions.h"
#include "emulator/core/status.h"

#include <nlohmann/json.hpp>

#include <string>

namespace emu {

struct AzureToken {
  std::string access_token;
  std::string refresh_token;
  std::string tenant_id;  // tid claim
  std::string object_id;  // oid claim (user or service principal)
  std::string upn;        // user sign-ins only
  nlohmann::json claims;  // decoded access-token payload (unverified: we asked for it)
};

// A failed Azure call, as the service answered it.
struct AzureError {
  int status = 0;            // HTTP status; 0 when the request never got an answer
  std::string code;          // ARM/Graph error.code, or "AADSTS50076" style for Entra ID
  std::string message;       // error.message / error_description (first line)
  std::string retry_after;   // Retry-After header, if any
  std::string text() const;  // "<code>: <message>" (or "HTTP <status>")
};

// A value and, when the call failed, the service's error. Not emu::Result<T, AzureError>: an
// answer with an HTTP error status carries both (call() fills `value` with the reply and
// `error` with the code, message and Retry-After parsed from it), and callers read both.
template <class T>
struct AzureResult {
  bool ok() const { return error.status == 0 && error.code.empty(); }
  T value{};
  AzureError error;
};

struct AzureReply {
  int status = 0;
  http::Headers headers;
  nlohmann::json body;  // parsed JSON, or null for an empty/non-JSON body
};

// An RFC 7636 PKCE pair: the code verifier and its S256 challenge (base64url of SHA-256).
struct Pkce {
  std::string verifier;
  std::string challenge;
};

// What a bearer call sends besides Authorization (and Content-Type with a body).
struct BearerOptions {
  bool accept_json = true;  // Accept: application/json
  bool request_id = true;   // x-ms-client-request-id: a fresh GUID from the context's ids
};

class AzureClient {
 public:
  explicit AzureClient(ActionContext& ctx) : ctx_(ctx) {}

  // Interactive sign-in as the console does it: GET the authorize page, POST the sign-in form
  // (user name + password; `complete_mfa` false = the user cannot complete the MFA prompt),
  // receive the code on `redirect_uri`, redeem it with `pkce`'s verifier (S256) at
  // /<tenant>/oauth2/v2.0/token. `scope` is a v2 scope list ("https://graph.microsoft.com/
  // .default offline_access"). Errors carry the AADSTS code (e.g. "AADSTS50126").
  AzureResult<AzureToken> sign_in_interactive(const std::string& client_id,
                                              const std::string& redirect_uri,
                                              const std::string& upn, const std::string& password,
                                              const std::string& scope, const Pkce& pkce,
                                              const std::string& tenant = "organizations",
                                              bool complete_mfa = true);
  // A new access token for `scope` from a refresh token (same client).
  AzureResult<AzureToken> refresh(const std::string& client_id, const std::string& tenant,
                                  const std::string& refresh_token, const std::string& scope);
  // App-only token (client credentials with a secret) for `scope` ("<resource>/.default").
  // An expired secret gives AADSTS7000222.
  AzureResult<AzureToken> app_token(const std::string& tenant, const std::string& client_id,
                                    const std::string& secret, const std::string& scope);
  // The v1 token endpoint (/<tenant>/oauth2/token, `resource` instead of scopes) as the Azure
  // CLI posts to it: the password grant for a user, client credentials for an application.
  // Answered as the raw exchange (callers read the token or the error their way).
  Result<HttpExchange> password_grant_v1(const std::string& tenant, const std::string& client_id,
                                         const std::string& upn, const std::string& password,
                                         const std::string& resource);
  Result<HttpExchange> client_credentials_v1(const std::string& tenant,
                                             const std::string& client_id,
                                             const std::string& secret,
                                             const std::string& resource);

  // A bearer call to "arm" or "graph". `target` is path + query. Any HTTP status is a reply;
  // `error` is set for transport failures and for status >= 400 (parsed from the body).
  AzureResult<AzureReply> call(const std::string& endpoint, const std::string& method,
                               const std::string& target, const std::string& token,
                               const nlohmann::json& body = nullptr);
  // The same request, answered as the raw exchange (for callers that read replies their way):
  // Authorization, then Accept and x-ms-client-request-id as `options` say, then Content-Type
  // and the JSON body when `body` is not null.
  Result<HttpExchange> send_bearer(const std::string& endpoint, const std::string& method,
                                   const std::string& target, const std::string& token,
                                   const nlohmann::json& body = nullptr,
                                   BearerOptions options = {});

  ActionContext& ctx() { return ctx_; }

 private:
  ActionContext& ctx_;
};

// The path and query of an absolute URL (Location, Azure-AsyncOperation, @odata.nextLink).
std::string url_path(const std::string& url);

}  // namespace emu

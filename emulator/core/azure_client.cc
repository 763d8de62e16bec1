// AzureClient: Entra ID sign-in (authorization code + PKCE through the authorize form, client
// credentials, refresh tokens, the v1 password grant) and bearer calls to ARM and Graph over
// the action context.

#include "emulator/core/azure_client.h"

#include "emulator/core/http/message.h"
#include "emulator/core/text.h"

#include <optional>
#include <utility>
#include <vector>

namespace emu {
namespace {

using nlohmann::json;
using Fields = std::vector<std::pair<std::string, std::string>>;

std::string form_encode(const Fields& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    out += (out.empty() ? "" : "&") + http::url_encode(k) + "=" + http::url_encode(v);
  }
  return out;
}

json parse_json(const std::string& body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? json(nullptr) : j;
}

std::string str(const json& obj, const char* key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string first_line(const std::string& text) {
  return text.substr(0, text.find_first_of("\r\n"));
}

// "AADSTS50126: Error validating ..." -> {"AADSTS50126", "Error validating ..."}.
std::pair<std::string, std::string> split_aadsts(const std::string& line) {
  if (line.rfind("AADSTS", 0) == 0) {
    size_t colon = line.find(": ");
    if (colon != std::string::npos) return {line.substr(0, colon), line.substr(colon + 2)};
  }
  return {"", line};
}

AzureError transport_error(const Status& s) {
  AzureError e;
  e.code = std::string(status_code_name(s.code()));
  e.message = s.message();
  return e;
}

// An Entra ID error from the token endpoint's JSON or from redirect parameters.
AzureError aad_error(int status, const std::string& error, const std::string& description,
                     const json& codes = nullptr) {
  AzureError e;
  e.status = status;
  auto [code, message] = split_aadsts(first_line(description));
  if (codes.is_array() && !codes.empty() && codes[0].is_number_integer()) {
    code = "AADSTS" + std::to_string(codes[0].get<int64_t>());
  }
  e.code = code.empty() ? error : code;
  e.message = message.empty() ? error : message;
  if (e.code.empty()) e.code = "invalid_response";
  return e;
}

std::string html_unescape(std::string s) {
  static const std::pair<const char*, const char*> kEntities[] = {{"&lt;", "<"},    {"&gt;", ">"},
                                                                  {"&quot;", "\""}, {"&#39;", "'"},
                                                                  {"&apos;", "'"},  {"&amp;", "&"}};
  for (const auto& [entity, text] : kEntities) {
    for (size_t at = s.find(entity); at != std::string::npos; at = s.find(entity, at + 1)) {
      s.replace(at, std::string_view(entity).size(), text);
    }
  }
  return s;
}

// The error an authorize page shows (`<p id="error" ...>AADSTS...</p>`), or nullopt.
std::optional<AzureError> page_error(const HttpExchange& page) {
  size_t at = page.body.find("id=\"error\"");
  if (at == std::string::npos) return std::nullopt;
  size_t start = page.body.find('>', at);
  size_t end = page.body.find("</p>", start);
  if (start == std::string::npos || end == std::string::npos) return std::nullopt;
  return aad_error(page.status, "", html_unescape(page.body.substr(start + 1, end - start - 1)));
}

// The query (or fragment) parameters of a redirect Location.
Fields location_params(const std::string& location) {
  size_t at = location.find_first_of("?#");
  if (at == std::string::npos) return {};
  return http::parse_form(location.substr(at + 1));
}

std::string field(const Fields& fields, const std::string& name) {
  for (const auto& [k, v] : fields)
    if (k == name) return v;
  return "";
}

json jwt_payload(const std::string& jwt) {
  size_t a = jwt.find('.');
  size_t b = a == std::string::npos ? a : jwt.find('.', a + 1);
  if (b == std::string::npos) return json::object();
  auto decoded = base64url_decode(std::string_view(jwt).substr(a + 1, b - a - 1));
  if (!decoded.ok()) return json::object();
  json payload = parse_json(*decoded);
  return payload.is_object() ? payload : json::object();
}

// A token-endpoint exchange: a token on 200, the AADSTS error otherwise.
AzureResult<AzureToken> token_reply(const Result<HttpExchange>& reply) {
  AzureResult<AzureToken> out;
  if (!reply.ok()) {
    out.error = transport_error(reply.status());
    return out;
  }
  json body = parse_json(reply->body);
  if (reply->status != 200 || str(body, "access_token").empty()) {
    out.error = aad_error(reply->status, str(body, "error"), str(body, "error_description"),
                          body.is_object() ? body.value("error_codes", json()) : json());
    out.error.retry_after = reply->headers.get_or("Retry-After", "");
    return out;
  }
  AzureToken& t = out.value;
  t.access_token = str(body, "access_token");
  t.refresh_token = str(body, "refresh_token");
  t.claims = jwt_payload(t.access_token);
  t.tenant_id = str(t.claims, "tid");
  t.object_id = str(t.claims, "oid");
  t.upn = str(t.claims, "upn");
  if (t.upn.empty()) t.upn = str(t.claims, "preferred_username");
  if (t.upn.empty()) t.upn = str(t.claims, "unique_name");
  return out;
}

HttpCall form_post(const std::string& target, const Fields& fields, bool accept_json = true) {
  HttpCall call;
  call.endpoint = "aad";
  call.method = "POST";
  call.target = target;
  call.headers.set("Content-Type", "application/x-www-form-urlencoded");
  if (accept_json) call.headers.set("Accept", "application/json");
  call.body = form_encode(fields);
  return call;
}

// The v1 token endpoint of `tenant`, as the Azure CLI posts to it (no Accept header).
HttpCall token_post_v1(const std::string& tenant, const Fields& fields) {
  return form_post("/" + http::url_encode(tenant) + "/oauth2/token", fields, false);
}

// The code of the authorize reply to the sign-in POST, or the error it carries.
AzureResult<std::string> authorize_code(const Result<HttpExchange>& reply,
                                        const std::string& state) {
  AzureResult<std::string> out;
  if (!reply.ok()) {
    out.error = transport_error(reply.status());
    return out;
  }
  if (reply->status != 302) {
    if (auto e = page_error(*reply)) {
      out.error = *e;
    } else {
      out.error.status = reply->status;
      out.error.code = "sign_in_incomplete";  // inferred: no error shown, no redirect
      out.error.message = "The sign-in page did not redirect to the application.";
    }
    return out;
  }
  Fields params = location_params(reply->headers.get_or("Location", ""));
  if (!field(params, "error").empty()) {
    out.error =
        aad_error(reply->status, field(params, "error"), field(params, "error_description"));
    return out;
  }
  if (field(params, "state") != state || field(params, "code").empty()) {
    out.error.status = reply->status;
    out.error.code = "invalid_response";
    out.error.message = "The redirect carries no code for this sign-in (state mismatch).";
    return out;
  }
  out.value = field(params, "code");
  return out;
}

}  // namespace

std::string AzureError::text() const {
  if (code.empty()) return "HTTP " + std::to_string(status);
  return message.empty() ? code : code + ": " + message;
}

AzureResult<AzureToken> AzureClient::sign_in_interactive(
    const std::string& client_id, const std::string& redirect_uri, const std::string& upn,
    const std::string& password, const std::string& scope, const Pkce& pkce,
    const std::string& tenant, bool complete_mfa) {
  const std::string state = ctx_.ids().guid();
  const std::string path = "/" + tenant + "/oauth2/v2.0/authorize";
  Fields request = {{"client_id", client_id},
                    {"response_type", "code"},
                    {"redirect_uri", redirect_uri},
                    {"scope", scope},
                    {"state", state},
                    {"code_challenge", pkce.challenge},
                    {"code_challenge_method", "S256"},
                    {"response_mode", "query"},
                    {"client-request-id", ctx_.ids().guid()}};
  AzureResult<AzureToken> out;
  // The sign-in page (errors in the request itself show up here).
  HttpCall get;
  get.endpoint = "aad";
  get.target = path + "?" + form_encode(request) + "&login_hint=" + http::url_encode(upn);
  auto page = ctx_.http(get);
  if (!page.ok() || page->status != 200) {
    out.error = authorize_code(page, state).error;
    if (out.ok()) out.error = {page->status, "invalid_response", "Unexpected authorize reply.", ""};
    return out;
  }
  Fields form = request;
  form.emplace_back("username", upn);
  form.emplace_back("password", password);
  if (!complete_mfa) form.emplace_back("mfa", "not_completed");
  auto code = authorize_code(ctx_.http(form_post(path, form)), state);
  if (!code.ok()) {
    out.error = code.error;
    return out;
  }
  Fields redeem = {
      {"client_id", client_id},       {"grant_type", "authorization_code"}, {"code", code.value},
      {"redirect_uri", redirect_uri}, {"code_verifier", pkce.verifier},     {"scope", scope}};
  return token_reply(ctx_.http(form_post("/" + tenant + "/oauth2/v2.0/token", redeem)));
}

AzureResult<AzureToken> AzureClient::refresh(const std::string& client_id,
                                             const std::string& tenant,
                                             const std::string& refresh_token,
                                             const std::string& scope) {
  Fields form = {{"client_id", client_id},
                 {"grant_type", "refresh_token"},
                 {"refresh_token", refresh_token},
                 {"scope", scope}};
  return token_reply(ctx_.http(form_post("/" + tenant + "/oauth2/v2.0/token", form)));
}

AzureResult<AzureToken> AzureClient::app_token(const std::string& tenant,
                                               const std::string& client_id,
                                               const std::string& secret,
                                               const std::string& scope) {
  Fields form = {{"client_id", client_id},
                 {"grant_type", "client_credentials"},
                 {"client_secret", secret},
                 {"scope", scope}};
  return token_reply(ctx_.http(form_post("/" + tenant + "/oauth2/v2.0/token", form)));
}

Result<HttpExchange> AzureClient::password_grant_v1(const std::string& tenant,
                                                    const std::string& client_id,
                                                    const std::string& upn,
                                                    const std::string& password,
                                                    const std::string& resource) {
  Fields form = {{"grant_type", "password"},
                 {"client_id", client_id},
                 {"username", upn},
                 {"password", password},
                 {"resource", resource}};
  return ctx_.http(token_post_v1(tenant, form));
}

Result<HttpExchange> AzureClient::client_credentials_v1(const std::string& tenant,
                                                        const std::string& client_id,
                                                        const std::string& secret,
                                                        const std::string& resource) {
  Fields form = {{"grant_type", "client_credentials"},
                 {"client_id", client_id},
                 {"client_secret", secret},
                 {"resource", resource}};
  return ctx_.http(token_post_v1(tenant, form));
}

Result<HttpExchange> AzureClient::send_bearer(const std::string& endpoint,
                                              const std::string& method, const std::string& target,
                                              const std::string& token, const json& body,
                                              BearerOptions options) {
  HttpCall call;
  call.endpoint = endpoint;
  call.method = method;
  call.target = target;
  call.headers.set("Authorization", "Bearer " + token);
  if (options.accept_json) call.headers.set("Accept", "application/json");
  if (options.request_id) call.headers.set("x-ms-client-request-id", ctx_.ids().guid());
  if (!body.is_null()) {
    call.headers.set("Content-Type", "application/json");
    call.body = body.dump();
  }
  return ctx_.http(call);
}

AzureResult<AzureReply> AzureClient::call(const std::string& endpoint, const std::string& method,
                                          const std::string& target, const std::string& token,
                                          const json& body) {
  AzureResult<AzureReply> out;
  auto reply = send_bearer(endpoint, method, target, token, body);
  if (!reply.ok()) {
    out.error = transport_error(reply.status());
    return out;
  }
  out.value.status = reply->status;
  out.value.headers = reply->headers;
  out.value.body = parse_json(reply->body);
  if (reply->status < 400) return out;
  // ARM and Graph: {"error":{"code","message"}}; some ARM replies put them at the top level.
  const json& b = out.value.body;
  const json& err = b.is_object() && b.contains("error") && b["error"].is_object() ? b["error"] : b;
  out.error.status = reply->status;
  out.error.code = str(err, "code");
  out.error.message = first_line(str(err, "message"));
  out.error.retry_after = reply->headers.get_or("Retry-After", "");
  return out;
}

std::string url_path(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  size_t slash = url.find('/', scheme + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

}  // namespace emu

// The authorize endpoint (v2 and v1): request validation, a minimal HTML sign-in form that a
// browser can use, and its POST (also usable by scripts) that answers with an authorization
// code on the client's redirect URI; plus the logout endpoint.
#include "emulator/aad/token/token_internal.h"

namespace emu::aad::internal {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

// Authorization-request parameters carried through the sign-in form as hidden fields.
constexpr const char* kCarried[] = {"client_id",
                                    "response_type",
                                    "redirect_uri",
                                    "scope",
                                    "resource",
                                    "state",
                                    "nonce",
                                    "code_challenge",
                                    "code_challenge_method",
                                    "response_mode",
                                    "prompt",
                                    "domain_hint",
                                    "client-request-id"};

http::Response html(int status, std::string body) {
  http::Response r = http::text_response(status, std::move(body), "text/html");
  r.headers.set("Cache-Control", "no-store, no-cache");
  return r;
}

// Answers the client's redirect URI with `params` as the response mode asks: a 302 with a
// query or fragment, or an auto-submitting form (form_post).
http::Response redirect_with(const std::string& uri, const std::string& mode,
                             const Params& params) {
  if (mode == "form_post") {
    std::string body =
        "<!DOCTYPE html>\n<html><head><title>Working...</title></head>"
        "<body onload=\"document.forms[0].submit()\"><form method=\"POST\" "
        "action=\"" +
        html_escape(uri) + "\">";
    for (const auto& [k, v] : params)
      body += "<input type=\"hidden\" name=\"" + html_escape(k) + "\" value=\"" + html_escape(v) +
              "\" />";
    body +=
        "<noscript><input type=\"submit\" value=\"Continue\" /></noscript></form></body></html>\n";
    return html(200, std::move(body));
  }
  std::string location = uri;
  char sep = mode == "fragment" ? '#' : (uri.find('?') == std::string::npos ? '?' : '&');
  for (const auto& [k, v] : params) {
    location += sep + http::url_encode(k) + "=" + http::url_encode(v);
    sep = '&';
  }
  http::Response r;
  r.status = 302;
  r.headers.set("Location", location);
  r.headers.set("Cache-Control", "no-store, no-cache");
  return r;
}

// "http://localhost:1234/cb" -> {"http://localhost", "/cb"} for loopback hosts; nullopt else.
std::optional<std::pair<std::string, std::string>> loopback_parts(std::string_view uri) {
  constexpr std::string_view kHttp = "http://";
  if (uri.size() <= kHttp.size() || !http::iequals(uri.substr(0, kHttp.size()), kHttp))
    return std::nullopt;
  std::string_view rest = uri.substr(kHttp.size());
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  size_t host_end = authority.front() == '[' ? authority.find(']') + 1 : authority.find(':');
  std::string host = http::to_lower(authority.substr(0, host_end));
  if (host != "localhost" && host != "127.0.0.1" && host != "[::1]") return std::nullopt;
  return std::make_pair("http://" + host, path);
}

// Registered exactly, or a loopback URI whose port differs (RFC 8252 §7.3; Entra ignores the
// port of localhost redirect URIs). First-party public clients accept any loopback URI, as the
// Azure CLI's registration does.
bool redirect_registered(const Application& app, std::string_view uri) {
  auto loop = loopback_parts(uri);
  if (loop && app.first_party) return true;
  for (const auto* list :
       {&app.web_redirect_uris, &app.spa_redirect_uris, &app.public_client_redirect_uris}) {
    for (const auto& r : *list) {
      if (r == uri) return true;
      auto reg = loopback_parts(r);
      if (loop && reg && *loop == *reg) return true;
    }
  }
  return false;
}

std::string sign_in_page(const Call& call, const Application& app, const std::string& error) {
  std::string body =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Sign in to your account"
      "</title></head><body>\n<h1>Sign in</h1>\n<p>to continue to <span id=\"app\">" +
      html_escape(app.display_name) + "</span></p>\n";
  if (!error.empty()) body += "<p id=\"error\" role=\"alert\">" + html_escape(error) + "</p>\n";
  body += "<form method=\"post\" action=\"" + html_escape(call.req->path) + "\">\n";
  for (const char* name : kCarried) {
    if (auto v = call.param(name))
      body += "<input type=\"hidden\" name=\"" + std::string(name) + "\" value=\"" +
              html_escape(*v) + "\">\n";
  }
  std::string hint = call.get("username");
  if (hint.empty()) hint = call.get("login_hint");
  body += "<label>Email or user name <input type=\"text\" name=\"username\" value=\"" +
          html_escape(hint) +
          "\" autocomplete=\"username\"></label>\n<label>Password <input type=\"password\" "
          "name=\"password\" autocomplete=\"current-password\"></label>\n<button "
          "type=\"submit\">Sign in</button>\n</form>\n</body></html>\n";
  return body;
}

}  // namespace

http::Response TokenService::authorize(http::Request& req, int version) {
  Call call;
  auto authority = make_call(req, version, call);
  if (!authority.ok()) return aad_error_page(authority.error(), call.err);
  // Errors before the redirect URI is trusted are shown as a page, never redirected.
  const std::string client_id = call.get("client_id");
  if (client_id.empty()) return aad_error_page(aadsts::missing_parameter("client_id"), call.err);
  Application app;
  if (call.authority.specific()) {
    auto c = find_client(*call.authority.tenant, client_id);
    if (!c.ok()) return aad_error_page(c.error(), call.err);
    app = std::move(c.value().app);
  } else {
    auto a = d_.directory.find_application_any_tenant(client_id);
    if (!a.ok())
      return aad_error_page(aadsts::application_not_found(client_id, call.authority.segment),
                            call.err);
    app = std::move(a).value();
  }
  const std::string redirect = call.get("redirect_uri");
  if (redirect.empty()) return aad_error_page(aadsts::missing_parameter("redirect_uri"), call.err);
  if (!redirect_registered(app, redirect))
    return aad_error_page(aadsts::redirect_uri_mismatch(redirect, client_id), call.err);

  std::string mode = call.get("response_mode");
  if (mode != "fragment" && mode != "form_post") mode = "query";
  auto fail = [&](AadError e) {
    if (e.code == 65001) e.error = "consent_required";  // the OIDC error for a redirect
    Params params = aad_error_params(e, call.err);
    if (auto state = call.param("state")) params.emplace_back("state", *state);
    return redirect_with(redirect, mode, params);
  };
  const std::string response_type = call.get("response_type");
  if (response_type.empty()) return fail(aadsts::missing_parameter("response_type"));
  if (response_type != "code") return fail(aadsts::unsupported_response_type(response_type));
  std::string scope = call.get("scope");
  if (version == 1) {
    std::string resource = call.get("resource");
    scope = resource.empty() ? "" : resource + "/.default openid";
  }
  if (scope.empty()) return fail(aadsts::missing_parameter(version == 1 ? "resource" : "scope"));
  auto request = parse_scope(scope);
  if (!request.ok()) return fail(request.error());
  if (call.get("prompt") == "none") return fail(aadsts::login_required());  // no SSO session
  if (req.method != "POST" || !call.param("username"))
    return html(200, sign_in_page(call, app, ""));

  // The form's POST: sign the user in, check consent, issue the code.
  auto user = find_sign_in_user(call.authority, call.get("username"));
  if (!user.ok()) return html(200, sign_in_page(call, app, user.error().headline()));
  if (auto e = check_user(user.value(), call.get("password")))
    return html(200, sign_in_page(call, app, e->headline()));
  auto tenant = d_.directory.find_tenant(user.value().tenant_id);
  if (!tenant.ok()) return fail(aadsts::tenant_not_found(user.value().tenant_id));
  auto client = find_client(*tenant, client_id);
  if (!client.ok()) return fail(client.error());
  Issue issue;
  issue.tenant = *tenant;
  issue.client = std::move(client.value());
  issue.user = user.value();
  issue.scopes = std::move(request.value());
  auto resource = resolve_resource(issue.tenant, issue.scopes);
  if (!resource.ok()) return fail(resource.error());
  issue.resource = std::move(resource.value());
  // An interactive sign-in counts as MFA done, unless the form says the user could not
  // complete the prompt ("mfa=not_completed": an emulator extension for scenarios).
  if (user.value().mfa_required && call.get("mfa") == "not_completed")
    return fail(aadsts::mfa_required(issue.resource.app.app_id));
  if (auto e = grant_delegated(issue)) return fail(*e);

  AuthCode code;
  code.code = opaque("0.A", 96);
  code.tenant_id = tenant->id;
  code.client_id = app.app_id;
  code.user_id = user.value().id;
  code.redirect_uri = redirect;
  code.scope = scope;
  code.nonce = call.get("nonce");
  code.code_challenge = call.get("code_challenge");
  code.code_challenge_method = call.get("code_challenge_method");
  code.expires = d_.clock.now() + d_.lifetimes.auth_code;
  if (Status s = d_.directory.save_auth_code(code); !s.ok())
    return aad_error_page(aadsts::server_error(s.message()), call.err);
  Params params = {{"code", code.code}};
  if (auto state = call.param("state")) params.emplace_back("state", *state);
  return redirect_with(redirect, mode, params);
}

http::Response TokenService::logout(http::Request& req) {
  if (auto uri = req.query_param("post_logout_redirect_uri"); uri && !uri->empty()) {
    Params params;
    if (auto state = req.query_param("state")) params.emplace_back("state", *state);
    return redirect_with(*uri, "query", params);
  }
  return html(200,
              "<!DOCTYPE html>\n<html><head><title>Sign out</title></head><body><p>You signed "
              "out of your account.</p></body></html>\n");
}

}  // namespace emu::aad::internal

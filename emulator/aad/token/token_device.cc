// The device authorization grant's front half: the devicecode endpoint (v2 and v1) and the
// verification page where a user enters the user code and signs in (or declines).
#include "emulator/aad/token/token_internal.h"

namespace emu::aad::internal {
namespace {

// Interval clients are told to poll at (seconds), as Entra answers (RFC 8628 §3.2 default;
// Microsoft Learn, "OAuth 2.0 device authorization grant").
constexpr int kPollInterval = 5;

http::Response page(const std::string& title, const std::string& inner) {
  std::string body = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" +
                     html_escape(title) + "</title></head><body>\n<h1>" + html_escape(title) +
                     "</h1>\n" + inner + "</body></html>\n";
  http::Response r = http::text_response(200, std::move(body), "text/html");
  r.headers.set("Cache-Control", "no-store, no-cache");
  return r;
}

http::Response code_form(std::string_view path, std::string_view user_code,
                         const std::string& error) {
  std::string inner;
  if (!error.empty()) inner += "<p id=\"error\" role=\"alert\">" + html_escape(error) + "</p>\n";
  inner +=
      "<p>Enter the code displayed on your app or device, then sign in.</p>\n"
      "<form method=\"post\" action=\"" +
      html_escape(path) +
      "\">\n"
      "<label>Code <input type=\"text\" name=\"user_code\" value=\"" +
      html_escape(user_code) +
      "\"></label>\n<label>Email or user name <input type=\"text\" name=\"username\">"
      "</label>\n<label>Password <input type=\"password\" name=\"password\"></label>\n"
      "<button type=\"submit\" name=\"action\" value=\"approve\">Sign in</button>\n"
      "<button type=\"submit\" name=\"action\" value=\"deny\">Cancel sign-in</button>\n"
      "</form>\n";
  return page("Enter code", inner);
}

std::string upper_trimmed(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '-') out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
  return out;
}

}  // namespace

http::Response TokenService::device_authorization(http::Request& req, int version) {
  Call call;
  auto authority = make_call(req, version, call);
  if (!authority.ok()) return aad_error_response(authority.error(), call.err);
  const std::string client_id = call.get("client_id");
  if (client_id.empty())
    return aad_error_response(aadsts::missing_parameter("client_id"), call.err);
  auto scope = requested_scope(call);
  if (!scope || scope->empty())
    return aad_error_response(aadsts::missing_parameter(call.version == 1 ? "resource" : "scope"),
                              call.err);
  auto request = parse_scope(*scope);
  if (!request.ok()) return aad_error_response(request.error(), call.err);
  std::string tenant_id;  // settled when the user signs in, for the tenant-less authorities
  if (call.authority.specific()) {
    const Tenant& tenant = *call.authority.tenant;
    auto client = find_client(tenant, client_id);
    if (!client.ok()) return aad_error_response(client.error(), call.err);
    auto resource = resolve_resource(tenant, request.value());
    if (!resource.ok()) return aad_error_response(resource.error(), call.err);
    tenant_id = tenant.id;
  } else if (!d_.directory.find_application_any_tenant(client_id).ok()) {
    return aad_error_response(aadsts::application_not_found(client_id, call.authority.segment),
                              call.err);
  }
  DeviceCode dc;
  dc.device_code = opaque("DAQABIQEAAAB", 96);
  // Nine characters as Entra's user codes have; unique among live codes.
  static constexpr std::string_view kAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  for (int attempt = 0; attempt < 8; ++attempt) {
    dc.user_code.clear();
    for (int i = 0; i < 9; ++i)
      dc.user_code.push_back(kAlphabet[d_.ids.next_u64() % kAlphabet.size()]);
    if (!d_.directory.find_device_code_by_user_code(dc.user_code).ok()) break;
  }
  dc.tenant_id = tenant_id;
  dc.client_id = client_id;
  dc.scope = *scope;
  dc.expires = d_.clock.now() + d_.lifetimes.device_code;
  if (Status s = d_.directory.save_device_code(dc); !s.ok())
    return aad_error_response(aadsts::server_error(s.message()), call.err);

  const std::string uri = call.origin + "/common/oauth2/deviceauth";
  const int64_t expires_in =
      std::chrono::duration_cast<std::chrono::seconds>(d_.lifetimes.device_code).count();
  nlohmann::json body = {
      {"user_code", dc.user_code},
      {"device_code", dc.device_code},
      {"message", "To sign in, use a web browser to open the page " + uri + " and enter the code " +
                      dc.user_code + " to authenticate."},
  };
  if (call.version == 1) {  // ADAL's v1 shape: verification_url, string numbers
    body["verification_url"] = uri;
    body["expires_in"] = std::to_string(expires_in);
    body["interval"] = std::to_string(kPollInterval);
  } else {
    body["verification_uri"] = uri;
    body["expires_in"] = expires_in;
    body["interval"] = kPollInterval;
  }
  return token_reply(call, body);
}

http::Response TokenService::device_login(http::Request& req) {
  Call call;
  call.req = &req;
  auto params = read_oauth_params(req);
  call.err = make_error_context(req, d_.clock, d_.ids);
  if (!params.ok()) return aad_error_page(params.error(), call.err);
  call.form = std::move(params).value();
  const std::string user_code = upper_trimmed(call.get("user_code"));
  if (req.method != "POST") return code_form(req.path, call.get("user_code"), "");
  auto again = [&](const AadError& e) { return code_form(req.path, user_code, e.headline()); };
  auto dc = d_.directory.find_device_code_by_user_code(user_code);
  if (user_code.empty() || !dc.ok()) return again(aadsts::bad_verification_code());
  if (d_.clock.now() >= dc->expires) return again(aadsts::user_code_expired());
  if (!dc->user_id.empty() || dc->denied) return again(aadsts::device_flow_completed());
  DeviceCode updated = *dc;
  // "Cancel sign-in" declines without signing in (the real page asks after sign-in; the
  // emulator needs no credentials to decline).
  if (call.get("action") == "deny") {
    updated.denied = true;
    if (Status s = d_.directory.save_device_code(updated); !s.ok())
      return again(aadsts::server_error(s.message()));
    return page("Sign in canceled", "<p id=\"result\">You declined the sign-in request.</p>\n");
  }
  Authority where;
  where.segment = "common";
  where.kind = AuthorityKind::kCommon;
  if (!dc->tenant_id.empty()) {
    auto tenant = d_.directory.find_tenant(dc->tenant_id);
    if (tenant.ok()) {
      where.kind = AuthorityKind::kTenant;
      where.segment = tenant->id;
      where.tenant = *tenant;
    }
  }
  auto user = find_sign_in_user(where, call.get("username"));
  if (!user.ok()) return again(user.error());
  if (auto e = check_user(user.value(), call.get("password"))) return again(*e);
  auto tenant = d_.directory.find_tenant(user.value().tenant_id);
  if (!tenant.ok()) return again(aadsts::tenant_not_found(user.value().tenant_id));
  auto client = find_client(*tenant, dc->client_id);
  if (!client.ok()) return again(client.error());
  updated.user_id = user.value().id;
  updated.tenant_id = tenant->id;
  if (Status s = d_.directory.save_device_code(updated); !s.ok())
    return again(aadsts::server_error(s.message()));
  return page("Signed in", "<p id=\"result\">You have signed in to the " +
                               html_escape(client.value().app.display_name) +
                               " application on your device. You may now close this window.</p>\n");
}

}  // namespace emu::aad::internal

// aad.keys.roll (signing-key rollover) and aad.token.acquire (a token request over real HTTP
// to the lab's "aad" endpoint, its answer exposed for expectations).
#include "emulator/aad/actions_internal.h"
#include "emulator/aad/keys/signing_keys.h"
#include "emulator/core/http/message.h"

namespace emu::aad::internal {
namespace {

using nlohmann::json;

constexpr const char* kGrants[] = {"client_credentials", "password", "refresh_token"};

// Form fields copied from the args as they are named on the wire.
constexpr std::pair<const char*, const char*> kFormFields[] = {
    {"client_secret", "client_secret"}, {"username", "username"}, {"password", "password"},
    {"refresh_token", "refresh_token"}, {"scope", "scope"},       {"resource", "resource"},
};

std::string form_body(const json& args) {
  std::string body = "grant_type=" + http::url_encode(args.value("grant", kGrants[0])) +
                     "&client_id=" + http::url_encode(args["client_id"].get<std::string>());
  for (const auto& [arg, field] : kFormFields)
    if (args.contains(arg))
      body += std::string("&") + field + "=" + http::url_encode(args[arg].get<std::string>());
  return body;
}

// The token endpoint of `tenant`: v1 (/oauth2/token) for a resource, v2 for a scope; the
// /adfs authority has a single endpoint.
std::string token_path(const std::string& tenant, bool v1) {
  if (tenant == "adfs") return "/adfs/oauth2/token";
  return "/" + http::url_encode(tenant) + (v1 ? "/oauth2/token" : "/oauth2/v2.0/token");
}

ActionOutcome token_outcome(const json& body, const std::string& what) {
  json out = {{"status", 200},
              {"token_type", body.value("token_type", "")},
              {"expires_in", body.contains("expires_in") ? body["expires_in"] : json()}};
  const std::string token = body.value("access_token", "");
  auto jwt = parse_jwt(token);
  if (!jwt.ok())
    return action_failed(what + " -> 200 but access_token is not a JWT: " + jwt.status().message());
  out["claims"] = jwt->payload;
  out["access_token"] = token;
  for (const char* key : {"refresh_token", "scope", "resource"})
    if (body.contains(key)) out[key] = body[key];
  std::string aud = jwt->payload.value("aud", "");
  return action_passed(what + " -> 200 (aud " + aud + ")", std::move(out));
}

ActionOutcome error_outcome(int status, const json& body, const std::string& what) {
  json codes = body.contains("error_codes") ? body["error_codes"] : json::array();
  json first = codes.is_array() && !codes.empty() ? codes[0] : json();
  json out = {{"status", status},
              {"error", body.value("error", "")},
              {"error_codes", codes},
              {"aadsts", first},
              {"error_description", body.value("error_description", "")}};
  std::string code = first.is_number() ? " AADSTS" + first.dump() : "";
  return action_passed(what + " -> " + std::to_string(status) + code, std::move(out));
}

}  // namespace

Status validate_keys_roll(const json& args) {
  if (!args.is_object()) return InvalidArgument("must be an object");
  return check_bools(args, {"remove_old"});
}

ActionOutcome run_keys_roll(const json& args, ActionContext& ctx, const ActionDeps& deps) {
  const bool remove_old = args.value("remove_old", false);
  json removed = json::array();
  std::string previous;
  auto kid = on_io(ctx, [&]() -> Result<std::string> {
    previous = deps.keys.active_kid();
    EMU_ASSIGN_OR_RETURN(std::string added, deps.keys.roll());
    if (!remove_old) return added;
    for (const auto& key : deps.keys.keys()) {
      if (key.kid == added) continue;
      EMU_RETURN_IF_ERROR(deps.keys.remove(key.kid));
      removed.push_back(key.kid);
    }
    return added;
  });
  if (!kid.ok()) return action_failed("key rollover failed: " + kid.status().message());
  return action_passed(
      "signing key " + *kid + " active" +
          (removed.empty() ? "" : ", " + std::to_string(removed.size()) + " removed"),
      {{"kid", *kid}, {"previous_kid", previous}, {"removed", removed}});
}

Status validate_token_acquire(const json& args) {
  EMU_RETURN_IF_ERROR(
      check_strings(args, {"grant", "tenant", "client_id", "client_secret", "username", "password",
                           "scope", "resource", "refresh_token"}));
  const std::string grant = args.value("grant", kGrants[0]);
  bool known = false;
  for (const char* g : kGrants) known = known || grant == g;
  if (!known)
    return InvalidArgument("grant: must be client_credentials, password or refresh_token, got '" +
                           grant + "'");
  if (args.contains("scope") && args.contains("resource"))
    return InvalidArgument(
        "scope and resource are exclusive: scope for the v2 endpoint, resource for v1");
  return Status::Ok();
}

ActionOutcome run_token_acquire(const json& args, ActionContext& ctx, const ActionDeps& deps) {
  std::string tenant = args.value("tenant", "");
  if (tenant.empty()) {
    auto t = on_io(ctx, [&] { return resolve_tenant(deps.directory, args); });
    if (!t.ok()) return action_failed(t.status().message());
    tenant = t->domain;
  }
  HttpCall call;
  call.endpoint = "aad";
  call.method = "POST";
  call.target = token_path(tenant, args.contains("resource"));
  call.headers.set("Content-Type", "application/x-www-form-urlencoded");
  call.headers.set("Accept", "application/json");
  call.body = form_body(args);
  const std::string what = args.value("grant", kGrants[0]) + " token from " + call.target;
  auto ex = ctx.http(call);
  if (!ex.ok()) return action_failed(what + ": " + ex.status().message());
  json body = json::parse(ex->body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return action_failed(what + " -> " + std::to_string(ex->status) +
                         " with a body that is not a JSON "
                         "object");
  if (ex->status == 200) return token_outcome(body, what);
  return error_outcome(ex->status, body, what);
}

}  // namespace emu::aad::internal

#include "emulator/arm/actions/http_actions.h"

#include "emulator/aad/public/well_known.h"
#include "emulator/core/azure_client.h"

#include <fstream>
#include <sstream>

namespace emu::arm {

using nlohmann::json;

namespace {

constexpr const char* kApiVersion = "2021-04-01";
constexpr const char* kArmResource = "https://management.azure.com/";
constexpr const char* kAzureCliAppId = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
constexpr Duration kProviderPoll = std::chrono::seconds(10);  // az provider register --wait

// A signed-in session: bearer token and subscription.
struct Session {
  std::string token;
  std::string subscription;
};

// j[key] when it is a string, else `fallback` (replies are not trusted to have the shape).
std::string str_at(const json& j, const char* key, std::string fallback = "") {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

json parse_body(const HttpExchange& x) {
  json j = json::parse(x.body, nullptr, false);
  return j.is_discarded() ? json::object() : j;
}

std::string describe(const HttpExchange& x) {
  json j = parse_body(x);
  if (j.contains("error") && j["error"].is_object())
    return "HTTP " + std::to_string(x.status) + " " + str_at(j["error"], "code") + ": " +
           str_at(j["error"], "message");
  if (j.contains("error_description"))
    return "HTTP " + std::to_string(x.status) + " " + str_at(j, "error_description");
  return "HTTP " + std::to_string(x.status);
}

Result<HttpExchange> arm_call(ActionContext& ctx, const Session& s, const std::string& method,
                              const std::string& path, const json& body = nullptr) {
  const std::string target =
      path + (path.find('?') == std::string::npos ? "?" : "&") + "api-version=" + kApiVersion;
  return AzureClient(ctx).send_bearer("arm", method, target, s.token, body, {.request_id = false});
}

// A GET of a status URL the lab returned (Azure-AsyncOperation, Location): bearer token only.
Result<HttpExchange> poll_call(ActionContext& ctx, const Session& s, const std::string& url) {
  return AzureClient(ctx).send_bearer("arm", "GET", url_path(url), s.token, nullptr,
                                      {.accept_json = false, .request_id = false});
}

// The token request for the principal `args` names (a user's password or an app's secret).
Result<HttpExchange> request_token(const json& args, ActionContext& ctx) {
  std::string tenant = args.value("tenant", std::string());
  if (args.contains("signed_in_as")) {
    const std::string upn = args["signed_in_as"].get<std::string>();
    if (tenant.empty() && upn.find('@') != std::string::npos)
      tenant = upn.substr(upn.find('@') + 1);
    return AzureClient(ctx).password_grant_v1(
        tenant.empty() ? "organizations" : tenant, kAzureCliAppId, upn,
        args.value("password", std::string(aad::kDefaultUserPassword)), kArmResource);
  }
  if (args.contains("client_id") && args.contains("client_secret")) {
    return AzureClient(ctx).client_credentials_v1(
        tenant.empty() ? "organizations" : tenant, args["client_id"].get<std::string>(),
        args["client_secret"].get<std::string>(), kArmResource);
  }
  return InvalidArgument(
      "signed_in_as (a user) or client_id + client_secret (an application) is required");
}

Result<Session> sign_in(const json& args, ActionContext& ctx) {
  EMU_ASSIGN_OR_RETURN(HttpExchange x, request_token(args, ctx));
  json j = parse_body(x);
  if (x.status != 200 || !j.contains("access_token"))
    return PermissionDenied("sign-in failed: " + describe(x));
  Session s{j["access_token"].get<std::string>(), args.value("subscription", std::string())};
  if (s.subscription.empty()) {
    EMU_ASSIGN_OR_RETURN(HttpExchange subs, arm_call(ctx, s, "GET", "/subscriptions"));
    json list = parse_body(subs);
    if (subs.status != 200 || !list.contains("value") || list["value"].empty())
      return FailedPrecondition("no subscription visible to the principal (" + describe(subs) +
                                ")");
    s.subscription = str_at(list["value"][0], "subscriptionId");
  }
  return s;
}

Duration wait_timeout(const json& args, Duration fallback) {
  if (!args.contains("wait_timeout") || !args["wait_timeout"].is_string()) return fallback;
  auto d = parse_duration(args["wait_timeout"].get<std::string>());
  return d.ok() ? *d : fallback;
}

ActionOutcome change_providers(const json& args, ActionContext& ctx, bool reg) {
  auto session = sign_in(args, ctx);
  if (!session.ok()) return action_failed(session.status().message());
  const std::string want = reg ? "Registered" : "Unregistered";
  const std::string base = "/subscriptions/" + session->subscription + "/providers/";
  json states = json::object();
  for (const auto& ns_value : args["namespaces"]) {
    const std::string ns = ns_value.get<std::string>();
    auto got = arm_call(ctx, *session, "GET", base + ns);
    if (!got.ok()) return action_failed(got.status().message());
    if (got->status != 200) return action_failed(ns + ": " + describe(*got));
    std::string state = str_at(parse_body(*got), "registrationState");
    if (state != want) {
      auto posted =
          arm_call(ctx, *session, "POST", base + ns + (reg ? "/register" : "/unregister"));
      if (!posted.ok()) return action_failed(posted.status().message());
      if (posted->status != 200) return action_failed(ns + ": " + describe(*posted));
      state = str_at(parse_body(*posted), "registrationState");
    }
    states[ns] = state;
  }
  // Poll like `az provider register --wait`: every 10 s (of virtual time) until all settle.
  const bool wait = args.value("wait", true);
  const TimePoint deadline = ctx.clock().now() + wait_timeout(args, std::chrono::minutes(15));
  while (wait) {
    bool pending = false;
    for (auto& [ns, state] : states.items()) {
      if (state == want) continue;
      auto got = arm_call(ctx, *session, "GET", base + ns);
      if (!got.ok()) return action_failed(got.status().message());
      state = str_at(parse_body(*got), "registrationState");
      pending = pending || state != want;
    }
    if (!pending) break;
    if (ctx.clock().now() >= deadline)
      return action_failed("providers still not " + want +
                           " after the wait timeout: " + states.dump());
    ctx.clock().advance(kProviderPoll);
  }
  size_t n = args["namespaces"].size();
  return action_passed(std::to_string(n) + " provider(s) " + want,
                       {{"subscription", session->subscription}, {"providers", states}});
}

}  // namespace

ActionOutcome run_providers_register(const json& args, ActionContext& ctx) {
  return change_providers(args, ctx, true);
}

ActionOutcome run_providers_unregister(const json& args, ActionContext& ctx) {
  return change_providers(args, ctx, false);
}

ActionOutcome run_group_create(const json& args, ActionContext& ctx) {
  auto session = sign_in(args, ctx);
  if (!session.ok()) return action_failed(session.status().message());
  json body = {{"location", args["location"]}};
  if (args.contains("tags")) body["tags"] = args["tags"];
  auto put = arm_call(ctx, *session, "PUT",
                      "/subscriptions/" + session->subscription + "/resourcegroups/" +
                          http::url_encode(args["name"].get<std::string>()),
                      body);
  if (!put.ok()) return action_failed(put.status().message());
  if (put->status != 200 && put->status != 201) return action_failed(describe(*put));
  json g = parse_body(*put);
  return action_passed("resource group " + str_at(g, "name") + " in " + str_at(g, "location"),
                       {{"id", str_at(g, "id")},
                        {"name", str_at(g, "name")},
                        {"location", str_at(g, "location")},
                        {"status", put->status}});
}

// Polls a Location URL (202 while running) advancing virtual time by each Retry-After.
Result<HttpExchange> poll_location(ActionContext& ctx, const Session& s, std::string url,
                                   TimePoint deadline) {
  while (true) {
    EMU_ASSIGN_OR_RETURN(HttpExchange got, poll_call(ctx, s, url));
    if (got.status != 202) return got;
    if (ctx.clock().now() >= deadline) return DeadlineExceeded("still running at the wait timeout");
    int64_t retry = 10;
    try {
      retry = std::stoll(std::string(got.headers.get_or("Retry-After", "10")));
    } catch (...) {
    }
    ctx.clock().advance(std::chrono::seconds(std::max<int64_t>(retry, 1)));
    url = std::string(got.headers.get_or("Location", url));
  }
}

ActionOutcome run_group_delete(const json& args, ActionContext& ctx) {
  auto session = sign_in(args, ctx);
  if (!session.ok()) return action_failed(session.status().message());
  const TimePoint started = ctx.clock().now();
  auto del = arm_call(ctx, *session, "DELETE",
                      "/subscriptions/" + session->subscription + "/resourcegroups/" +
                          http::url_encode(args["name"].get<std::string>()));
  if (!del.ok()) return action_failed(del.status().message());
  if (del->status != 202 && del->status != 200) return action_failed(describe(*del));
  if (del->status == 202 && args.value("wait", true)) {
    auto done = poll_location(ctx, *session, std::string(del->headers.get_or("Location", "")),
                              started + wait_timeout(args, std::chrono::hours(1)));
    if (!done.ok()) return action_failed(done.status().message());
    if (done->status >= 300) return action_failed(describe(*done));
  }
  const int64_t secs =
      std::chrono::duration_cast<std::chrono::seconds>(ctx.clock().now() - started).count();
  return action_passed(
      "resource group " + args["name"].get<std::string>() + " deleted",
      {{"name", args["name"]}, {"status", del->status}, {"virtual_seconds", secs}});
}

ActionOutcome run_deploy(const json& args, ActionContext& ctx) {
  json tmpl = args["template"];
  if (tmpl.is_string()) {  // a file path
    std::ifstream in(tmpl.get<std::string>());
    if (!in) return action_failed("template: cannot read " + tmpl.get<std::string>());
    std::stringstream text;
    text << in.rdbuf();
    tmpl = json::parse(text.str(), nullptr, false, true);
    if (tmpl.is_discarded())
      return action_failed("template: " + args["template"].get<std::string>() + " is not JSON");
  }
  auto session = sign_in(args, ctx);
  if (!session.ok()) return action_failed(session.status().message());
  const std::string name = args.value("name", std::string("cmgemu-deployment"));
  const std::string path = "/subscriptions/" + session->subscription + "/resourcegroups/" +
                           http::url_encode(args["resource_group"].get<std::string>()) +
                           "/providers/Microsoft.Resources/deployments/" + http::url_encode(name);
  json body = {{"properties",
                {{"mode", args.value("mode", std::string("Incremental"))}, {"template", tmpl}}}};
  if (args.contains("parameters")) body["properties"]["parameters"] = args["parameters"];
  const TimePoint started = ctx.clock().now();
  auto put = arm_call(ctx, *session, "PUT", path, body);
  if (!put.ok()) return action_failed(put.status().message());
  if (put->status != 200 && put->status != 201) {
    json err = parse_body(*put);
    return action_passed("deployment refused: " + describe(*put),
                         {{"name", name},
                          {"status", put->status},
                          {"provisioning_state", "Failed"},
                          {"error", err.value("error", json())}});
  }
  // Poll the Azure-AsyncOperation URL, advancing virtual time by each Retry-After.
  const TimePoint deadline = started + wait_timeout(args, std::chrono::hours(2));
  std::string status_url = std::string(put->headers.get_or("Azure-AsyncOperation", ""));
  std::string status = "Accepted";
  while (args.value("wait", true) && !status_url.empty()) {
    auto got = poll_call(ctx, *session, status_url);
    if (!got.ok()) return action_failed(got.status().message());
    status = str_at(parse_body(*got), "status");
    if (status == "Succeeded" || status == "Failed" || status == "Canceled") break;
    if (ctx.clock().now() >= deadline)
      return action_failed("deployment still " + status + " at the wait timeout");
    int64_t retry = 10;
    try {
      retry = std::stoll(std::string(got->headers.get_or("Retry-After", "10")));
    } catch (...) {
    }
    ctx.clock().advance(std::chrono::seconds(std::max<int64_t>(retry, 1)));
  }
  auto final = arm_call(ctx, *session, "GET", path);
  if (!final.ok()) return action_failed(final.status().message());
  json d = parse_body(*final);
  json props = d.value("properties", json::object());
  json resources = json::array();
  for (const auto& r : props.value("outputResources", json::array()))
    resources.push_back(str_at(r, "id"));
  const int64_t secs =
      std::chrono::duration_cast<std::chrono::seconds>(ctx.clock().now() - started).count();
  json out = {{"name", name},
              {"id", str_at(d, "id")},
              {"status", put->status},
              {"provisioning_state", str_at(props, "provisioningState", status)},
              {"outputs", props.value("outputs", json::object())},
              {"error", props.value("error", json())},
              {"resources", resources},
              {"virtual_seconds", secs}};
  std::string message = "deployment " + name + " " + out["provisioning_state"].get<std::string>() +
                        " after " + std::to_string(secs) + " virtual s";
  return action_passed(std::move(message), std::move(out));
}

}  // namespace emu::arm

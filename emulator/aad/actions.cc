// The aad.* scenario actions over the directory (tenant, user, application and credential
// changes) and their registration; aad.keys.roll and aad.token.acquire live in
// actions_token.cc. Every directory or key access runs on the lab's I/O thread.
#include "emulator/aad/actions.h"

#include "emulator/aad/aad_service.h"
#include "emulator/aad/actions_internal.h"
#include "emulator/aad/directory/directory.h"
#include "emulator/aad/seed.h"
#include "emulator/core/text.h"

namespace emu::aad {
namespace internal {

using nlohmann::json;

Status check_strings(const json& args, std::initializer_list<const char*> keys) {
  if (!args.is_object()) return InvalidArgument("must be an object");
  for (const char* key : keys)
    if (args.contains(key) && !args[key].is_string())
      return InvalidArgument(std::string(key) + ": must be a string");
  return Status::Ok();
}

Status check_bools(const json& args, std::initializer_list<const char*> keys) {
  for (const char* key : keys)
    if (args.contains(key) && !args[key].is_boolean())
      return InvalidArgument(std::string(key) + ": must be true or false");
  return Status::Ok();
}

Result<Tenant> resolve_tenant(const Directory& dir, const json& args) {
  if (args.contains("tenant")) {
    auto t = dir.find_tenant(args["tenant"].get<std::string>());
    if (!t.ok()) return NotFound("tenant: " + t.status().message());
    return t;
  }
  auto all = dir.tenants();
  if (all.size() == 1) return all.front();
  return FailedPrecondition("tenant: required when the lab has " + std::to_string(all.size()) +
                            " tenants");
}

}  // namespace internal

namespace {

using nlohmann::json;
using namespace internal;

// args without `key` (for specs that do not know the action's extra arguments).
json without(json args, const char* key) {
  if (args.is_object()) args.erase(key);
  return args;
}

// ---- aad.tenant.create ---------------------------------------------------------------------

Status validate_tenant_create(const json& args) { return validate_tenant_spec(args, ""); }

ActionOutcome run_tenant_create(const json& args, ActionContext& ctx, const ActionDeps& deps) {
  auto summary = on_io(ctx, [&] {
    return seed_tenant(args, "", SeedDeps{deps.directory, ctx.clock(), ctx.ids()});
  });
  if (!summary.ok()) return action_failed(summary.status().message());
  json out = *summary;
  out["tenant_id"] = out["id"];
  std::string message =
      "tenant " + out["domain"].get<std::string>() + " (" + out["id"].get<std::string>() + ")";
  return action_passed(std::move(message), std::move(out));
}

// ---- aad.user.* ----------------------------------------------------------------------------

Status validate_user_create(const json& args) {
  EMU_RETURN_IF_ERROR(check_strings(args, {"tenant"}));
  return validate_user_spec(without(args, "tenant"), "");
}

ActionOutcome run_user_create(const json& args, ActionContext& ctx, const ActionDeps& deps) {
  auto user = on_io(ctx, [&]() -> Result<User> {
    json spec = without(args, "tenant");
    const std::string upn = spec["upn"].get<std::string>();
    json scope = args;
    if (!scope.contains("tenant")) scope["tenant"] = upn.substr(upn.find('@') + 1);
    EMU_ASSIGN_OR_RETURN(Tenant tenant, resolve_tenant(deps.directory, scope));
    return seed_user(spec, tenant, "", SeedDeps{deps.directory, ctx.clock(), ctx.ids()});
  });
  if (!user.ok()) return action_failed(user.status().message());
  return action_passed("user " + user->upn + " (" + user->id + ")",
                       {{"id", user->id}, {"upn", user->upn}, {"tenant_id", user->tenant_id}});
}

Status validate_user_change(const json& args) {
  EMU_RETURN_IF_ERROR(check_strings(args, {"tenant", "user"}));
  return check_bools(args, {"required"});
}

// Loads the user named by args.user, applies `change`, stores it.
template <typename F>
Result<User> change_user(const json& args, ActionContext& ctx, const ActionDeps& deps, F&& change) {
  return on_io(ctx, [&]() -> Result<User> {
    EMU_ASSIGN_OR_RETURN(Tenant tenant, resolve_tenant(deps.directory, args));
    auto user = deps.directory.find_user(tenant.id, args["user"].get<std::string>());
    if (!user.ok()) return NotFound("user: " + user.status().message());
    change(*user);
    EMU_RETURN_IF_ERROR(deps.directory.update_user(*user));
    return user;
  });
}

ActionOutcome run_user_disable(const json& args, ActionContext& ctx, const ActionDeps& deps) {
  auto user = change_user(args, ctx, deps, [](User& u) { u.enabled = false; });
  if (!user.ok()) return action_failed(user.status().message());
  return action_passed("user " + user->upn + " disabled",
                       {{"id", user->id}, {"upn", user->upn}, {"enabled", false}});
}

ActionOutcome run_user_require_mfa(const json& args, ActionContext& ctx, const ActionDeps& deps) {
  const bool required = args.value("required", true);
  auto user = change_user(args, ctx, deps, [&](User& u) { u.mfa_required = required; });
  if (!user.ok()) return action_failed(user.status().message());
  return action_passed(
      "user " + user->upn + (required ? " requires" : " does not require") + " MFA",
      {{"id", user->id}, {"upn", user->upn}, {"mfa_required", required}});
}

// ---- aad.device.disable ---------------------------------------------------------------------

Status validate_device_change(const json& args) {
  EMU_RETURN_IF_ERROR(check_strings(args, {"tenant", "device"}));
  return check_bools(args, {"enabled"});
}

// args.device: a deviceId, an object ID or a device's display name (the machine name).
ActionOutcome run_device_disable(const json& args, ActionContext& ctx, const ActionDeps& deps) {
  const bool enabled = args.value("enabled", false);
  auto device = on_io(ctx, [&]() -> Result<Device> {
    EMU_ASSIGN_OR_RETURN(Tenant tenant, resolve_tenant(deps.directory, args));
    const std::string key = args["device"].get<std::string>();
    auto found = deps.directory.find_device(tenant.id, key);
    if (!found.ok())
      for (const Device& d : deps.directory.list_devices(tenant.id))
        if (iequals(d.display_name, key)) found = d;
    if (!found.ok()) return NotFound("device: '" + key + "' is not registered in " + tenant.domain);
    found->enabled = enabled;
    EMU_RETURN_IF_ERROR(deps.directory.update_device(*found));
    return found;
  });
  if (!device.ok()) return action_failed(device.status().message());
  return action_passed(
      "device " + device->display_name + (enabled ? " enabled" : " disabled"),
      {{"device_id", device->device_id}, {"id", device->id}, {"enabled", enabled}});
}

// ---- aad.app.create ------------------------------------------------------------------------

Status validate_app_create(const json& args) {
  EMU_RETURN_IF_ERROR(check_strings(args, {"tenant"}));
  return validate_app_spec(without(args, "tenant"), "");
}

ActionOutcome run_app_create(const json& args, ActionContext& ctx, const ActionDeps& deps) {
  auto app = on_io(ctx, [&]() -> Result<json> {
    EMU_ASSIGN_OR_RETURN(Tenant tenant, resolve_tenant(deps.directory, args));
    EMU_ASSIGN_OR_RETURN(json summary,
                         seed_application(without(args, "tenant"), tenant, "",
                                          SeedDeps{deps.directory, ctx.clock(), ctx.ids()}));
    summary["tenant_id"] = tenant.id;
    return summary;
  });
  if (!app.ok()) return action_failed(app.status().message());
  return action_passed("application " + (*app)["display_name"].get<std::string>() + " (appId " +
                           (*app)["app_id"].get<std::string>() + ")",
                       *app);
}

// ---- credentials ---------------------------------------------------------------------------

Status validate_app_ref(const json& args) {
  return check_strings(args, {"tenant", "app", "key_id", "value", "display_name", "pem"});
}

Status validate_add_secret(const json& args) {
  EMU_RETURN_IF_ERROR(validate_app_ref(args));
  if (args.contains("value") && args["value"].get<std::string>().empty())
    return InvalidArgument("value: must be a non-empty string");
  if (args.contains("expires") && args.contains("lifetime"))
    return InvalidArgument("expires and lifetime are exclusive: give one");
  if (args.contains("expires")) {
    auto t = args["expires"].is_string() ? parse_iso8601(args["expires"].get<std::string>())
                                         : Result<TimePoint>(InvalidArgument("must be a string"));
    if (!t.ok()) return InvalidArgument("expires: " + t.status().message());
  }
  if (args.contains("lifetime")) {
    auto d = args["lifetime"].is_string() ? parse_duration(args["lifetime"].get<std::string>())
                                          : Result<Duration>(InvalidArgument("must be a string"));
    if (!d.ok()) return InvalidArgument("lifetime: " + d.status().message());
  }
  return Status::Ok();
}

// Loads the tenant's own application named by args.app, applies `change` (which may fail),
// stores it.
template <typename F>
Result<Application> change_app(const json& args, ActionContext& ctx, const ActionDeps& deps,
                               F&& change) {
  return on_io(ctx, [&]() -> Result<Application> {
    EMU_ASSIGN_OR_RETURN(Tenant tenant, resolve_tenant(deps.directory, args));
    auto app = deps.directory.find_application(tenant.id, args["app"].get<std::string>());
    if (!app.ok()) return NotFound("app: " + app.status().message());
    if (app->first_party)
      return FailedPrecondition("app: " + app->display_name + " is a Microsoft application");
    EMU_RETURN_IF_ERROR(change(*app));
    EMU_RETURN_IF_ERROR(deps.directory.update_application(*app));
    return app;
  });
}

ActionOutcome run_add_secret(const json& args, ActionContext& ctx, const ActionDeps& deps) {
  PasswordCredential added;
  auto app = change_app(args, ctx, deps, [&](Application& a) {
    const TimePoint now = ctx.clock().now();
    TimePoint end = now + kDefaultSecretLifetime;
    if (args.contains("expires")) end = parse_iso8601(args["expires"].get<std::string>()).value();
    if (args.contains("lifetime"))
      end = now + parse_duration(args["lifetime"].get<std::string>()).value();
    std::string value = args.contains("value") ? args["value"].get<std::string>()
                                               : generate_client_secret(ctx.ids());
    added = make_password_credential(std::move(value), args.value("display_name", std::string()),
                                     std::min(now, end), end, ctx.ids());
    a.password_credentials.push_back(added);
    return Status::Ok();
  });
  if (!app.ok()) return action_failed(app.status().message());
  return action_passed("secret " + added.key_id + " added to " + app->display_name,
                       {{"app_id", app->app_id},
                        {"key_id", added.key_id},
                        {"secret", added.secret},
                        {"hint", added.hint},
                        {"end", format_iso8601(added.end)}});
}

ActionOutcome run_add_certificate(const json& args, ActionContext& ctx, const ActionDeps& deps) {
  KeyCredential added;
  auto app = change_app(args, ctx, deps, [&](Application& a) -> Status {
    const std::string pem = args.value("pem", deps.client_cert_pem);
    auto key = key_credential_from_pem(pem, ctx.ids());
    if (!key.ok()) return InvalidArgument("pem: " + key.status().message());
    added = *key;
    if (args.contains("display_name")) added.display_name = args["display_name"].get<std::string>();
    a.key_credentials.push_back(added);
    return Status::Ok();
  });
  if (!app.ok()) return action_failed(app.status().message());
  return action_passed("certificate " + added.display_name + " added to " + app->display_name,
                       {{"app_id", app->app_id},
                        {"key_id", added.key_id},
                        {"thumbprint", added.thumbprint_b64},
                        {"display_name", added.display_name},
                        {"start", format_iso8601(added.start)},
                        {"end", format_iso8601(added.end)}});
}

ActionOutcome run_expire_secret(const json& args, ActionContext& ctx, const ActionDeps& deps) {
  json expired = json::array();
  // One second in the past: expired whether the token service compares with < or <=.
  const TimePoint end = ctx.clock().now() - std::chrono::seconds(1);
  auto app = change_app(args, ctx, deps, [&](Application& a) -> Status {
    for (auto& c : a.password_credentials) {
      if (args.contains("key_id") && c.key_id != args["key_id"].get<std::string>()) continue;
      c.end = end;
      c.start = std::min(c.start, end);
      expired.push_back(c.key_id);
    }
    if (expired.empty())
      return NotFound(args.contains("key_id")
                          ? "key_id: no secret " + args["key_id"].get<std::string>()
                          : "app: " + a.display_name + " has no secrets");
    return Status::Ok();
  });
  if (!app.ok()) return action_failed(app.status().message());
  return action_passed(
      std::to_string(expired.size()) + " secret(s) of " + app->display_name + " expired",
      {{"app_id", app->app_id}, {"expired", expired}, {"end", format_iso8601(end)}});
}

using RunFn = ActionOutcome (*)(const json&, ActionContext&, const ActionDeps&);

struct Spec {
  const char* name;
  const char* summary;
  std::vector<std::string> required;
  std::vector<std::string> optional;
  Status (*validate)(const json&);
  RunFn run;
};

const std::vector<Spec>& specs() {
  static const std::vector<Spec> kSpecs = {
      {"aad.tenant.create",
       "Create an Entra ID tenant with users and applications, as a lab "
       "section's tenant (outputs: tenant_id, domain, users, applications)",
       {"domain"},
       {"id", "display_name", "users", "applications"},
       validate_tenant_create,
       run_tenant_create},
      {"aad.user.create",
       "Create a user; the tenant defaults to the UPN's domain (outputs: id, "
       "upn, tenant_id)",
       {"upn"},
       {"tenant", "display_name", "given_name", "surname", "mail", "password", "directory_roles",
        "mfa_required", "enabled"},
       validate_user_create,
       run_user_create},
      {"aad.user.disable",
       "Disable a user's sign-in (outputs: id, upn, enabled)",
       {"user"},
       {"tenant"},
       validate_user_change,
       run_user_disable},
      {"aad.user.require_mfa",
       "Require MFA for a user, or not with required: false (outputs: id, "
       "upn, mfa_required)",
       {"user"},
       {"tenant", "required"},
       validate_user_change,
       run_user_require_mfa},
      {"aad.device.disable",
       "Disable (or, with enabled: true, enable) a registered device: its device tokens are "
       "refused with AADSTS135011 (outputs: device_id, id, enabled)",
       {"device"},
       {"tenant", "enabled"},
       validate_device_change,
       run_device_disable},
      {"aad.app.create",
       "Register an application and its service principal (outputs: app_id, "
       "id, service_principal_id, tenant_id)",
       {"display_name"},
       {"tenant", "app_id", "identifier_uris", "public_client", "redirect_uris", "secrets",
        "certificates", "service_principal", "access_token_version", "app_roles", "exposed_scopes",
        "app_permissions", "delegated_permissions"},
       validate_app_create,
       run_app_create},
      {"aad.app.add_secret",
       "Add a client secret to an application (outputs: app_id, key_id, "
       "secret, hint, end)",
       {"app"},
       {"tenant", "value", "display_name", "expires", "lifetime"},
       validate_add_secret,
       run_add_secret},
      {"aad.app.add_certificate",
       "Add a certificate credential (PEM; default the lab PKI client "
       "certificate) to an application (outputs: app_id, key_id, thumbprint, start, end)",
       {"app"},
       {"tenant", "pem", "display_name"},
       validate_app_ref,
       run_add_certificate},
      {"aad.app.expire_secret",
       "Make an application's secret (key_id; default all) expire now "
       "(outputs: app_id, expired, end)",
       {"app"},
       {"tenant", "key_id"},
       validate_app_ref,
       run_expire_secret},
      {"aad.keys.roll",
       "Roll the token-signing keys: a new active key; remove_old: stop "
       "publishing the others (outputs: kid, previous_kid, removed)",
       {},
       {"remove_old"},
       validate_keys_roll,
       run_keys_roll},
      {"aad.token.acquire",
       "Request a token from the token endpoint over HTTP (outputs: status, "
       "token_type, expires_in, claims, access_token; on error: status, error, error_codes, "
       "aadsts)",
       {"client_id"},
       {"grant", "tenant", "client_secret", "username", "password", "scope", "resource",
        "refresh_token"},
       validate_token_acquire,
       run_token_acquire},
  };
  return kSpecs;
}

}  // namespace

void declare_aad_actions(ActionRegistry& registry) {
  for (const Spec& s : specs()) {
    if (registry.find(s.name) != nullptr) continue;
    registry.add({s.name, s.summary, s.required, s.optional, nullptr, s.validate});
  }
}

void register_aad_actions(ActionRegistry& registry, const ActionDeps& deps) {
  for (const Spec& s : specs()) {
    auto validate = s.validate;
    auto run = s.run;
    ActionFn fn = [validate, run, deps](const json& args, ActionContext& ctx) {
      // Arguments are checked again after the runner resolved their ${...} references.
      if (Status st = validate(args); !st.ok()) return action_failed("args: " + st.message());
      return run(args, ctx, deps);
    };
    registry.add({s.name, s.summary, s.required, s.optional, std::move(fn), s.validate});
  }
}

}  // namespace emu::aad

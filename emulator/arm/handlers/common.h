// Private to the ARM party: the per-request context every handler gets, reply helpers, RBAC
// and provider-registration checks, LRO replies, and the handler entry points of each
// arm_*.cc file. Handlers run on the lab's I/O thread; the store is settled before they run.
#pragma once

#include "emulator/aad/public/token_validator.h"
#include "emulator/arm/arm_service.h"
#include "emulator/arm/errors.h"
#include "emulator/arm/store/store.h"
#include "emulator/arm/types/types.h"
#include "emulator/core/clock.h"
#include "emulator/core/http/message.h"
#include "emulator/core/http/router.h"
#include "emulator/core/ids.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace emu::arm::internal {

// Shared by every handler of one ArmService. References outlive it.
struct ArmEnv {
  ArmStore& store;
  Clock& clock;
  IdSource& ids;
  ArmDeps deps;
};

// One authenticated ARM request, after the pipeline's checks.
struct Call {
  http::Request& req;
  ArmEnv& env;
  TimePoint now{};
  std::string api_version;    // as sent
  std::string base_url;       // "https://" + Host header (with port), for absolute URLs
  aad::Principal principal;   // the caller (valid on authenticated routes)
  Subscription subscription;  // set by handlers under /subscriptions/{s} (pipeline-checked)

  std::string param(const std::string& name) const { return req.param(name); }
  // base_url + path + "?api-version=" + api_version.
  std::string url(const std::string& path) const;
};

// --- Replies ---
http::Response json_reply(int status, const nlohmann::json& body);
http::Response error_reply(const ArmError& error);
// {"value": items} (ARM list shape; no nextLink: the emulator returns every item at once).
http::Response list_reply(nlohmann::json items);
// 201/200/202 for a write that starts a long-running operation: stores an Operation of `kind`
// for `target`, settling at `settles_at` with `final_status`/`error`, and answers `status`
// with `body` (null = empty body) plus Azure-AsyncOperation (status URL), Location (for 202)
// and Retry-After (seconds until it settles, clamped to 1..10).
// `status_path` is where the operation status is served (e.g. ".../operationStatuses/{opId}",
// "{opId}" replaced by the new operation ID);
// empty = the generic "/subscriptions/{s}/providers/Microsoft.Resources/operationStatuses/{id}".
http::Response lro_reply(Call& call, int status, const nlohmann::json& body,
                         const std::string& kind, const std::string& target,
                         const std::string& location, TimePoint settles_at,
                         const std::string& final_status, const nlohmann::json& error,
                         const std::string& status_path = "");

// The Azure-AsyncOperation status resource of `op` now: {"id","name","status","startTime",
// "endTime"?,"error"?}, with Retry-After (1..10 s) while it runs.
http::Response operation_status_reply(const Call& call, const Operation& op);

// --- Checks ---
// 403 AuthorizationFailed unless the caller has a role at or above `scope` allowing `action`
// (Owner: all; Contributor: all but Microsoft.Authorization/*/write|delete; Reader: */read).
std::optional<ArmError> authorize(const Call& call, const std::string& action,
                                  const std::string& scope);
// The registration state of `ns` in the call's subscription now ("Registered", ...);
// registration-free namespaces are always "Registered".
std::string registration_state(const Call& call, const std::string& ns);
// 409 MissingSubscriptionRegistration unless `ns` is Registered in the call's subscription.
std::optional<ArmError> require_registered(const Call& call, const std::string& ns);
// The group, or 404 ResourceGroupNotFound (also while it is being deleted: 409
// ResourceGroupBeingDeleted for writes when `for_write`).
Result<ResourceGroup, ArmError> require_group(const Call& call, const std::string& name,
                                              bool for_write);
// The request body as JSON (lenient, as ARM's front door), or 413 RequestContentTooLarge (over
// 4 MB), or 400 InvalidRequestContent (malformed, nested deeper than 64 levels).
Result<nlohmann::json, ArmError> body_json(const Call& call);

// ISO 8601 with 7 fractional digits, as ARM prints times ("2026-01-01T00:00:00.0000000Z").
std::string arm_time(TimePoint t);

// --- Handlers, one file each; each adds its routes to `router` wrapped by `wrap` ---
using ArmHandler = std::function<http::Response(Call&)>;
struct RouteOptions {
  bool authenticate = true;
  bool subscription = true;  // the path has {subscriptionId}: must exist (404 otherwise)
  bool api_version = true;   // api-version query parameter required
};
using Wrap = std::function<http::Handler(ArmHandler, RouteOptions)>;

void add_metadata_routes(http::Router& router, const Wrap& wrap);      // handlers/metadata.cc
void add_subscription_routes(http::Router& router, const Wrap& wrap);  // handlers/subscriptions.cc
void add_provider_routes(http::Router& router, const Wrap& wrap);      // handlers/providers.cc
void add_group_routes(http::Router& router, const Wrap& wrap);         // handlers/groups.cc
void add_operation_routes(http::Router& router, const Wrap& wrap);     // handlers/operations.cc
void add_role_routes(http::Router& router, const Wrap& wrap);          // handlers/roles.cc
void add_deployment_routes(http::Router& router, const Wrap& wrap);    // handlers/deployments.cc
// Must be added last: generic /providers/{ns}/{type}/{name} under groups and subscriptions.
void add_resource_routes(http::Router& router, const Wrap& wrap);  // handlers/resources.cc

// --- Shared by the deployment engine and resource handlers (handlers/resources.cc) ---
// Splits "{type1}/{name1}/{type2}/{name2}..." (after /providers/{ns}/) into the full type
// ("Microsoft.Network/virtualNetworks/subnets") and names; canonical casing from the catalog.
struct ResourcePath {
  std::string ns;                  // canonical
  std::string type;                // ns + "/" + type segments, canonical where known
  std::vector<std::string> names;  // one per type segment (may be one fewer for collections)
  std::string id(const std::string& subscription_id, const std::string& group) const;
};
ResourcePath parse_resource_path(std::string_view ns, std::string_view rest);

// Writes a resource PUT from `body` for the call's subscription: rules check (types/types.h), then
// store write with state Creating/Updating until the plan's duration passes. Returns the plan
// (for the reply), or the rule's error. `deployment` names the deployment that writes it.
Result<PutPlan, ArmError> put_resource(Call& call, const ResourceGroup& group,
                                       const std::string& type, const std::string& name,
                                       const nlohmann::json& body, const std::string& deployment,
                                       TimePoint starts_at);

}  // namespace emu::arm::internal

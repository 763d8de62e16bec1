// Private helpers shared by the aad.* action implementations (actions.cc, actions_token.cc).
#pragma once

#include "emulator/aad/actions.h"
#include "emulator/aad/directory/directory.h"

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <utility>

namespace emu::aad::internal {

// InvalidArgument "<key>: must be a string" / "must be true or false" for a present key of
// the wrong type ("must be an object" when `args` is not an object).
Status check_strings(const nlohmann::json& args, std::initializer_list<const char*> keys);
Status check_bools(const nlohmann::json& args, std::initializer_list<const char*> keys);

// The tenant named by args.tenant (GUID or domain), else the lab's only tenant.
// NotFound / FailedPrecondition with messages starting "tenant: ". I/O thread only.
Result<Tenant> resolve_tenant(const Directory& dir, const nlohmann::json& args);

// aad.keys.roll and aad.token.acquire (actions_token.cc).
Status validate_keys_roll(const nlohmann::json& args);
ActionOutcome run_keys_roll(const nlohmann::json& args, ActionContext& ctx, const ActionDeps& deps);
Status validate_token_acquire(const nlohmann::json& args);
ActionOutcome run_token_acquire(const nlohmann::json& args, ActionContext& ctx,
                                const ActionDeps& deps);

}  // namespace emu::aad::internal

// arm.* actions that act as a signed-in principal over real HTTP (token from the lab's
// Entra ID, then ARM's REST API). Args: "signed_in_as" (+ "password", default the lab users'
// password) for a user, or "client_id" + "client_secret" (+ "tenant") for an application;
// "subscription" (default: the first subscription the principal sees).
#pragma once

#include "emulator/core/actions.h"

namespace emu::arm {

ActionOutcome run_providers_register(const nlohmann::json& args, ActionContext& ctx);
ActionOutcome run_providers_unregister(const nlohmann::json& args, ActionContext& ctx);
ActionOutcome run_group_create(const nlohmann::json& args, ActionContext& ctx);
ActionOutcome run_group_delete(const nlohmann::json& args, ActionContext& ctx);
ActionOutcome run_deploy(const nlohmann::json& args, ActionContext& ctx);

}  // namespace emu::arm

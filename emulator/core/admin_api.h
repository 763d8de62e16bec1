// Admin API: the emulator's own control surface, served on its own listener under
// kAdminPrefix. Health, journal query, virtual clock, fault plan and reset.
// Errors use {"error":{"code","message"}} with code BadRequest / NotFound / InternalError.
#pragma once

#include "emulator/core/actions.h"
#include "emulator/core/clock.h"
#include "emulator/core/faults.h"
#include "emulator/core/http/router.h"
#include "emulator/core/journal.h"
#include "emulator/core/status.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string_view>

namespace emu {

inline constexpr std::string_view kAdminPrefix = "/_cmgemu";

// Every reference must outlive the router built from it.
struct AdminDeps {
  Clock& clock;
  Journal& journal;
  FaultPlan& faults;
  std::function<Status()> reset;              // resets the whole lab
  std::function<nlohmann::json()> endpoints;  // {"name": {"url":..,"host":..}, ...}
  std::string version;
  // Runs a registered scenario action with `args` on the I/O thread. Returns its outcome, or
  // NotFound (unknown action) / Unimplemented (planned, or needs what only a scenario run
  // provides, such as HTTP calls to the lab). Empty = the route answers 501.
  std::function<Result<ActionOutcome>(const std::string& name, const nlohmann::json& args)>
      run_action;
};

// Routes (all JSON):
//   GET    /_cmgemu/health                 {"status":"ok","version","time","clock"}
//   GET    /_cmgemu/endpoints              the lab's endpoints
//   GET    /_cmgemu/journal?listener=&method=&path=&status=&after=&limit=
//                                          {"total_recorded","capacity","entries":[...]}
//   GET    /_cmgemu/clock                  {"now","unix","mode"}
//   POST   /_cmgemu/clock/advance          body {"by":"PT12M"} (or ?by=)  -> clock
//   POST   /_cmgemu/clock/set              body {"to":"2026-01-01T00:00:00Z"} (or ?to=)
//   GET    /_cmgemu/faults                 {"rules":[...]}
//   POST   /_cmgemu/faults                 body = fault rule -> 201 {"id"}
//   DELETE /_cmgemu/faults                 clears all -> 204
//   DELETE /_cmgemu/faults/{id}            -> 204, or 404
//   POST   /_cmgemu/reset                  -> {"status":"reset"}
//   POST   /_cmgemu/actions/{name}         body = the action's args -> {"status","message",
//                                          "output","details"}; 200 passed, 409 failed,
//                                          404 unknown action, 501 not runnable here
http::Router make_admin_router(AdminDeps deps);

}  // namespace emu

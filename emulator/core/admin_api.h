// Admin API: the emulator's own control surface, served on its own listener under
// kAdminPrefix. Health, journal query, virtual clock, fault plan and reset.
// Errors use {"error":{"code","message"}} with code BadRequest / NotFound / MethodNotAllowed /
// MisdirectedRequest / Unauthorized / Forbidden / UnsupportedMediaType / NotImplemented /
// InternalError.
//
// Every request is checked before its route runs, in this order (so no web page open in a
// browser on the same machine can drive the lab: CSRF, DNS rebinding):
//   1. exactly one Host header, "name" or "name:port", else 400 BadRequest (RFC 9112 §3.2);
//      the name must be localhost, 127.0.0.1, [::1] or one of AdminAccess::host_names, else
//      421 MisdirectedRequest (RFC 9110 §15.5.20: this server is not authoritative for it);
//   2. an Origin header, if present, must be the request's own origin (scheme of the
//      connection, the Host's name and port; default ports may be omitted), else 403 Forbidden;
//   3. with AdminAccess::token set: "Authorization: Bearer <token>" (compared in constant
//      time), else 401 Unauthorized with WWW-Authenticate: Bearer (RFC 6750 §3);
//   4. POST/PUT/PATCH/DELETE with a body or a Content-Type must be application/json, else 415
//      UnsupportedMediaType (a body-less write without Content-Type, e.g. curl -X POST, passes:
//      browsers send Origin with every cross-origin write, and refuse non-simple ones unasked).
#pragma once

#include "emulator/core/actions.h"
#include "emulator/core/clock.h"
#include "emulator/core/faults.h"
#include "emulator/core/http/router.h"
#include "emulator/core/journal.h"
#include "emulator/core/status.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace emu {

inline constexpr std::string_view kAdminPrefix = "/_cmgemu";

// Journal pages: page_size defaults to and is at most kJournalPageEntries; a page's entries
// serialise to at most kJournalPageBytes (the first entry always fits: one entry is at most
// ~80 KiB with the default request limits).
inline constexpr size_t kJournalPageEntries = 1000;
inline constexpr size_t kJournalPageBytes = 1024 * 1024;

// Who may use the admin API (see the checks above).
struct AdminAccess {
  // Host names accepted besides localhost, 127.0.0.1 and ::1 (IPv6 without brackets).
  std::vector<std::string> host_names;
  // "" = no credential needed; else every request needs "Authorization: Bearer <token>".
  std::string token;
};

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
//   GET    /_cmgemu/journal?listener=&method=&path=&status=&after=&until=&limit=&page_size=
//                                          {"capacity","entries":[...],"next"?,"total_recorded"}
//          The selection: matches with after < seq <= until, the newest `limit` of them if
//          given. The page: its oldest page_size entries (default and max
//          kJournalPageEntries) that serialise to kJournalPageBytes. "next" (only when the
//          page left some of the selection out) is the target of the following page.
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
http::Router make_admin_router(AdminDeps deps, AdminAccess access = {});

// Constant-time comparison (time depends only on the lengths).
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace emu

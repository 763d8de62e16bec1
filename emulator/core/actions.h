// Scenario action interface. Each emulated party registers the actions it understands
// (e.g. "arm.providers.register"); the harness looks them up by name and runs them.
// Planned actions may be declared before any service implements them: they run as `pending`.
#pragma once

#include "emulator/core/clock.h"
#include "emulator/core/http/message.h"
#include "emulator/core/ids.h"
#include "emulator/core/status.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace emu {

class FaultPlan;
class Journal;

// What a step's action produced.
struct ActionOutcome {
  enum class Kind { kPassed, kFailed, kPending };
  Kind kind = Kind::kPassed;
  std::string message;               // one line for the console ("3 providers registered")
  nlohmann::json output;             // values the step exposes to expectations and later steps
  std::vector<std::string> details;  // extra lines for the report (failed expectations etc.)
};

// Outcome constructors for action implementations.
ActionOutcome action_passed(std::string message, nlohmann::json output = nullptr);
ActionOutcome action_failed(std::string message, nlohmann::json output = nullptr,
                            std::vector<std::string> details = {});
// The "<party>.logs.expect" check: every regex of `patterns` (a JSON array of strings) must
// match a line of `lines` (the log `log` as kept in memory). Passed with {log, matched}; failed
// naming each pattern without a match, or a pattern that is not a string or not a regex.
ActionOutcome expect_log_patterns(const std::string& log, const std::vector<std::string>& lines,
                                  const nlohmann::json& patterns);
// Argument check of every "<party>.logs.expect" action: "log", when given, is a string and
// "patterns" an array of strings. InvalidArgument naming the bad argument.
Status check_log_expect_args(const nlohmann::json& args);

// An HTTP call to one of the lab's named endpoints, made over real loopback (TLS verified
// against the lab CA, Host/SNI set to the endpoint's real-world name).
struct HttpCall {
  std::string endpoint;  // "admin", "arm", "aad", ...
  std::string method = "GET";
  std::string target;  // path and query, e.g. "/subscriptions?api-version=2022-12-01"
  http::Headers headers;
  std::string body;
  std::string client_cert_pem;  // optional client certificate + key (PEM) for mutual TLS
  std::string client_key_pem;
};

struct HttpExchange {
  int status = 0;
  http::Headers headers;
  std::string body;
  std::string reason;  // the status line's reason phrase ("" = not known)
};

// What an action may use. Implemented by the harness runner; valid during one action call.
class ActionContext {
 public:
  virtual ~ActionContext() = default;
  virtual Clock& clock() = 0;
  virtual IdSource& ids() = 0;
  // Sends `call` and waits (bounded by a timeout). Unavailable/DeadlineExceeded on transport
  // failure; any HTTP status is a successful exchange.
  virtual Result<HttpExchange> http(const HttpCall& call) = 0;
  // The scenario's "lab" section (initial state).
  virtual const nlohmann::json& lab() const = 0;
  // Values published by earlier steps (step id -> output); actions may add their own.
  virtual nlohmann::json& vars() = 0;
  // Path of the lab CA PEM and of the run's output folder (logs, tokens, ...).
  virtual std::string ca_path() const = 0;
  virtual std::string out_dir() const = 0;
  // Runs `fn` on the lab's I/O thread and waits: services' state (their databases) may only
  // be touched there.
  virtual void run_on_io(const std::function<void()>& fn) = 0;
  // The lab's fault plan and request journal (shared with the server; both thread-safe).
  virtual FaultPlan& faults() = 0;
  virtual Journal& journal() = 0;
};

// Runs `fn` on the lab's I/O thread (ctx.run_on_io) and returns its result, if any.
template <class F>
auto on_io(ActionContext& ctx, F&& fn) -> std::invoke_result_t<F&> {
  using R = std::invoke_result_t<F&>;
  if constexpr (std::is_void_v<R>) {
    ctx.run_on_io([&] { fn(); });
  } else {
    std::optional<R> out;
    ctx.run_on_io([&] { out.emplace(fn()); });
    return std::move(*out);
  }
}

using ActionFn = std::function<ActionOutcome(const nlohmann::json& args, ActionContext& ctx)>;
// Checks a step's args when the scenario is loaded (after the names were checked). Returns OK or
// InvalidArgument whose message names the bad argument ("by: not a duration: 'x'"). Args may
// still hold "${...}" references, which are resolved only at run time.
using ArgsValidator = std::function<Status(const nlohmann::json& args)>;

struct ActionDef {
  std::string name;                        // "<party>.<verb...>", e.g. "site.client_settings.set"
  std::string summary;                     // one line for `--help` and the docs
  std::vector<std::string> required_args;  // checked by the loader before the run
  std::vector<std::string> optional_args;  // any other key is a load error (unless empty lists)
  ActionFn run;            // empty = planned, not implemented yet: the step is reported as pending
  ArgsValidator validate;  // optional load-time check of the args
};

// Not thread-safe: filled at start-up, read during a run.
class ActionRegistry {
 public:
  // Adds or replaces (a service implementing a planned action replaces its declaration).
  void add(ActionDef def);
  const ActionDef* find(const std::string& name) const;
  std::vector<std::string> names() const;
  // The known name nearest to `name` by edit distance, if one is close enough to be a typo
  // (distance <= max(2, name.size() / 4)); ties go to the alphabetically first name.
  std::optional<std::string> suggest(const std::string& name) const;

 private:
  std::map<std::string, ActionDef> defs_;
};

// Levenshtein distance (ASCII, case-sensitive).
size_t edit_distance(std::string_view a, std::string_view b);
// The candidate nearest to `name` within max(2, name.size() / 4) edits, if any; ties go to the
// first candidate in order. Used for "did you mean" hints on actions, keys and arguments.
std::optional<std::string> nearest_name(std::string_view name,
                                        const std::vector<std::string>& candidates);

}  // namespace emu

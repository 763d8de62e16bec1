// FaultPlan: injected failures applied before a request reaches its handler.
// A rule matches by listener, method and path (globs with '*'), and answers with a fixed
// status + body, a 429 with Retry-After, a delay in virtual time, or a connection reset.
// A rule can be limited to `count` matches and/or fire with a seeded `probability`.
#pragma once

#include "emulator/core/clock.h"
#include "emulator/core/http/message.h"
#include "emulator/core/ids.h"
#include "emulator/core/status.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace emu {

struct FaultRule {
  enum class Effect { kStatus, kThrottle, kDelay, kReset };
  std::string id;  // assigned by FaultPlan::add when empty ("fault-1", "fault-2", ...)
  std::string listener = "*";
  std::string method = "*";
  std::string path = "*";  // glob over the request path (no query); case-insensitive
  Effect effect = Effect::kStatus;
  int status = 500;  // kStatus; kThrottle uses 429
  std::string body;  // kStatus / kThrottle; empty = a generic JSON error body
  // kStatus / kThrottle: the status line's reason phrase (Response::reason), e.g.
  // "CMGConnector_Forbidden"; "" = the standard one.
  std::string reason;
  std::string content_type = "application/json";
  int64_t retry_after_seconds = 0;  // kThrottle (and kStatus if > 0): Retry-After header
  Duration delay{0};                // kDelay
  std::optional<int64_t> count;     // matches left; nullopt = unlimited
  double probability = 1.0;         // in (0, 1]
  int64_t hits = 0;                 // times the rule fired
};

struct FaultDecision {
  std::string rule_id;
  FaultRule::Effect effect;
  Duration delay{0};        // kDelay: continue to the handler after this much virtual time
  http::Response response;  // kStatus / kThrottle / kReset (reset_connection set)
};

// Thread-safe. Rolls for `probability` come from a private IdSource seeded at construction.
class FaultPlan {
 public:
  explicit FaultPlan(uint64_t seed);

  // Validates and adds `rule` (its hits reset to 0); returns its id. InvalidArgument on a bad
  // rule (status outside 100-599, count < 1, probability outside (0, 1], negative
  // retry-after/delay, a delay rule without a positive delay); AlreadyExists if its id is taken.
  // Empty listener/method/path mean "*"; an empty content_type means "application/json".
  Result<std::string> add(FaultRule rule);
  // Parses the JSON form (see scenarios/README.md, "Faults") and adds it.
  Result<std::string> add_json(const nlohmann::json& rule);
  bool remove(const std::string& id);
  void clear();
  void reseed(uint64_t seed);
  // Every rule in insertion order, exhausted ones included (with their hits).
  std::vector<FaultRule> rules() const;
  // A JSON array of to_json(rule), in insertion order.
  nlohmann::json to_json() const;

  // First rule that matches and fires for this request, consuming one of its `count`.
  // Rules are tried in insertion order; exhausted rules (count 0) never match. A matching rule
  // with probability < 1 draws one roll from the plan's IdSource and, if the roll misses,
  // the next rule is tried. A decision for a rule with an empty body carries the default body.
  std::optional<FaultDecision> apply(std::string_view listener, std::string_view method,
                                     std::string_view path);

 private:
  mutable std::mutex mu_;
  IdSource rng_;                  // guarded by mu_
  std::vector<FaultRule> rules_;  // guarded by mu_
  uint64_t next_id_ = 1;          // guarded by mu_
};

// Parses a rule from its JSON form (all keys but "effect" optional):
//   {"id": "arm-busy",            // default: assigned by FaultPlan::add ("fault-N")
//    "listener": "arm",           // glob over the listener name ("cmg-*"), or "*" (default)
//    "method": "PUT",             // case-insensitive, or "*" (default)
//    "path": "/subscriptions/*",  // case-insensitive glob over the path, '*' and '?'; "*"
//    "effect": "status" | "throttle" | "delay" | "reset",
//    "status": 503,               // effect "status" only; 100-599; default 500
//    "reason": "CMGConnector_Forbidden",  // status/throttle only: the status line's reason
//            phrase ("HTTP/1.1 403 CMGConnector_Forbidden"); default the standard one; HTAB,
//            SP and visible characters only (no CR, LF or other controls)
//    "body": "text" or any JSON value (dumped compactly); status/throttle only;
//            default {"error":{"code":"InjectedFault"|"TooManyRequests","message":...}}
//    "content_type": "text/plain",  // status/throttle only; default "application/json"
//    "retry_after": 30,           // seconds, >= 0; status/throttle only; throttle default 10
//    "delay": "PT10S" | "90s",    // effect "delay" only, and required there; > 0
//    "count": 3,                  // >= 1: fire at most this many times; default unlimited
//    "probability": 0.5}          // in (0, 1]; default 1
// InvalidArgument naming the key for an unknown key, a wrong type, a value out of range, or a
// key that does not apply to the effect; also when "effect" is missing.
Result<FaultRule> fault_rule_from_json(const nlohmann::json& j);
// The rule as listed by the admin API: the JSON form above with every key present ("count" is
// the matches left, null when unlimited; "delay" in seconds/ms form such as "90s"), plus
// "hits". Keys that do not apply to the effect are omitted.
nlohmann::json to_json(const FaultRule& rule);
// Glob match with '*' (any run of characters) and '?' (one character).
bool glob_match(std::string_view pattern, std::string_view text, bool case_insensitive);

}  // namespace emu

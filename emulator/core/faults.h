// FaultPlan: injected failures applied before a request reaches its handler.
// A rule matches by listener, method and path (globs with '*'), and answers with a fixed
// status + body, a 429 with Retry-After, a delay in virtual time, or a connection reset.
// A rule can be limited to `count` matches and/or fire with a seeded `probability`.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "emulator/core/clock.h"
#include "emulator/core/http/message.h"
#include "emulator/core/ids.h"
#include "emulator/core/status.h"

namespace emu {

struct FaultRule {
  enum class Effect { kStatus, kThrottle, kDelay, kReset };
  std::string id;         // assigned by FaultPlan::add when empty ("fault-1", "fault-2", ...)
  std::string listener = "*";
  std::string method = "*";
  std::string path = "*";  // glob over the request path (no query); case-insensitive
  Effect effect = Effect::kStatus;
  int status = 500;           // kStatus; kThrottle uses 429
  std::string body;           // kStatus / kThrottle; empty = a generic JSON error body
  std::string content_type = "application/json";
  int64_t retry_after_seconds = 0;  // kThrottle (and kStatus if > 0): Retry-After header
  Duration delay{0};          // kDelay
  std::optional<int64_t> count;  // matches left; nullopt = unlimited
  double probability = 1.0;   // in (0, 1]
  int64_t hits = 0;           // times the rule fired
};

struct FaultDecision {
  std::string rule_id;
  FaultRule::Effect effect;
  Duration delay{0};   // kDelay: continue to the handler after this much virtual time
  http::Response response;  // kStatus / kThrottle / kReset (reset_connection set)
};

// Thread-safe. Rolls for `probability` come from a private IdSource seeded at construction.
class FaultPlan {
 public:
  explicit FaultPlan(uint64_t seed);

  // Validates and adds `rule`; returns its id. InvalidArgument on a bad rule.
  Result<std::string> add(FaultRule rule);
  // Parses the JSON form (see scenarios/README.md, "Faults") and adds it.
  Result<std::string> add_json(const nlohmann::json& rule);
  bool remove(const std::string& id);
  void clear();
  void reseed(uint64_t seed);
  std::vector<FaultRule> rules() const;
  nlohmann::json to_json() const;

  // First rule that matches and fires for this request, consuming one of its `count`.
  std::optional<FaultDecision> apply(std::string_view listener, std::string_view method,
                                     std::string_view path);

 private:
  mutable std::mutex mu_;
  IdSource rng_;                 // guarded by mu_
  std::vector<FaultRule> rules_;  // guarded by mu_
  uint64_t next_id_ = 1;          // guarded by mu_
};

// Parses a rule from JSON; InvalidArgument naming the bad key.
Result<FaultRule> fault_rule_from_json(const nlohmann::json& j);
nlohmann::json to_json(const FaultRule& rule);
// Glob match with '*' (any run of characters) and '?' (one character).
bool glob_match(std::string_view pattern, std::string_view text, bool case_insensitive);

}  // namespace emu

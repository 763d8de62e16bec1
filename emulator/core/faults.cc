#include "emulator/core/faults.h"

#include "emulator/core/text.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <string>

namespace emu {
namespace {

using nlohmann::json;

constexpr int64_t kDefaultRetryAfterSeconds = 10;
constexpr std::string_view kKeys[] = {
    "id",   "listener",     "method",      "path",  "effect", "status",     "reason",
    "body", "content_type", "retry_after", "delay", "count",  "probability"};

struct EffectName {
  FaultRule::Effect effect;
  std::string_view name;
};
constexpr EffectName kEffects[] = {{FaultRule::Effect::kStatus, "status"},
                                   {FaultRule::Effect::kThrottle, "throttle"},
                                   {FaultRule::Effect::kDelay, "delay"},
                                   {FaultRule::Effect::kReset, "reset"}};

std::string_view effect_name(FaultRule::Effect effect) {
  for (const auto& e : kEffects) {
    if (e.effect == effect) return e.name;
  }
  return "unknown";
}

Status key_error(std::string_view key, std::string_view what) {
  return InvalidArgument("fault rule key '" + std::string(key) + "' " + std::string(what));
}

Result<std::string> string_value(const json& j, std::string_view key) {
  if (!j.is_string()) return key_error(key, "must be a string");
  return j.get<std::string>();
}

Result<int64_t> integer_value(const json& j, std::string_view key) {
  if (!j.is_number_integer()) return key_error(key, "must be an integer");
  return j.get<int64_t>();
}

Result<FaultRule::Effect> effect_value(const json& j) {
  if (j.is_string()) {
    for (const auto& e : kEffects) {
      if (j.get<std::string>() == e.name) return e.effect;
    }
  }
  return key_error("effect", "must be one of \"status\", \"throttle\", \"delay\", \"reset\"");
}

struct StringField {
  std::string_view key;
  std::string FaultRule::*field;
};
constexpr StringField kStringFields[] = {
    {"id", &FaultRule::id},         {"listener", &FaultRule::listener},
    {"method", &FaultRule::method}, {"path", &FaultRule::path},
    {"reason", &FaultRule::reason}, {"content_type", &FaultRule::content_type}};

Status parse_strings(const json& j, FaultRule& rule) {
  for (const StringField& f : kStringFields) {
    if (auto it = j.find(f.key); it != j.end()) {
      EMU_ASSIGN_OR_RETURN(rule.*f.field, string_value(*it, f.key));
    }
  }
  if (auto it = j.find("body"); it != j.end()) {
    rule.body = it->is_string() ? it->get<std::string>()
                                : it->dump(-1, ' ', false, json::error_handler_t::replace);
  }
  return Status::Ok();
}

Status parse_numbers(const json& j, FaultRule& rule) {
  if (auto it = j.find("status"); it != j.end()) {
    EMU_ASSIGN_OR_RETURN(int64_t status, integer_value(*it, "status"));
    if (status < 100 || status > 599) {
      return key_error("status",
                       "must be between 100 and 599 (got " + std::to_string(status) + ")");
    }
    rule.status = static_cast<int>(status);
  }
  if (auto it = j.find("retry_after"); it != j.end()) {
    EMU_ASSIGN_OR_RETURN(rule.retry_after_seconds, integer_value(*it, "retry_after"));
  }
  if (auto it = j.find("count"); it != j.end()) {
    EMU_ASSIGN_OR_RETURN(rule.count, integer_value(*it, "count"));
  }
  if (auto it = j.find("probability"); it != j.end()) {
    if (!it->is_number()) return key_error("probability", "must be a number");
    rule.probability = it->get<double>();
  }
  if (auto it = j.find("delay"); it != j.end()) {
    EMU_ASSIGN_OR_RETURN(std::string text, string_value(*it, "delay"));
    Result<Duration> delay = parse_duration(text);
    if (!delay.ok()) return key_error("delay", "must be a duration such as \"PT10S\" or \"90s\"");
    rule.delay = *delay;
  }
  return Status::Ok();
}

// Which keys make sense for which effect.
Status check_applies(const json& j, FaultRule::Effect effect) {
  using E = FaultRule::Effect;
  auto only = [&](std::string_view key, std::initializer_list<E> effects) -> Status {
    if (!j.contains(key) || std::find(effects.begin(), effects.end(), effect) != effects.end()) {
      return Status::Ok();
    }
    return key_error(key, "does not apply to effect \"" + std::string(effect_name(effect)) + "\"");
  };
  EMU_RETURN_IF_ERROR(only("status", {E::kStatus}));
  EMU_RETURN_IF_ERROR(only("reason", {E::kStatus, E::kThrottle}));
  EMU_RETURN_IF_ERROR(only("body", {E::kStatus, E::kThrottle}));
  EMU_RETURN_IF_ERROR(only("content_type", {E::kStatus, E::kThrottle}));
  EMU_RETURN_IF_ERROR(only("retry_after", {E::kStatus, E::kThrottle}));
  EMU_RETURN_IF_ERROR(only("delay", {E::kDelay}));
  if (effect == E::kDelay && !j.contains("delay")) return key_error("delay", "is required");
  return Status::Ok();
}

Status validate(const FaultRule& rule) {
  if (rule.status < 100 || rule.status > 599) {
    return key_error("status",
                     "must be between 100 and 599 (got " + std::to_string(rule.status) + ")");
  }
  if (http::sanitize_reason(rule.reason) != rule.reason) {
    return key_error("reason", "must hold no control characters but HTAB (no CR or LF)");
  }
  if (rule.count && *rule.count < 1) {
    return key_error("count", "must be at least 1 (got " + std::to_string(*rule.count) + ")");
  }
  if (!(rule.probability > 0.0 && rule.probability <= 1.0)) {
    return key_error("probability", "must be in (0, 1]");
  }
  if (rule.retry_after_seconds < 0) return key_error("retry_after", "must not be negative");
  if (rule.delay.count() < 0) return key_error("delay", "must not be negative");
  if (rule.effect == FaultRule::Effect::kDelay && rule.delay.count() == 0) {
    return key_error("delay", "must be positive for effect \"delay\"");
  }
  return Status::Ok();
}

std::string default_body(const FaultRule& rule) {
  const char* code =
      rule.effect == FaultRule::Effect::kThrottle ? "TooManyRequests" : "InjectedFault";
  json body = {
      {"error", {{"code", code}, {"message", "Fault " + rule.id + " injected by cmgemu"}}}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

int64_t retry_after(const FaultRule& rule) {
  if (rule.effect == FaultRule::Effect::kThrottle && rule.retry_after_seconds == 0) {
    return kDefaultRetryAfterSeconds;
  }
  return rule.retry_after_seconds;
}

FaultDecision decide(const FaultRule& rule) {
  FaultDecision d;
  d.rule_id = rule.id;
  d.effect = rule.effect;
  switch (rule.effect) {
    case FaultRule::Effect::kDelay:
      d.delay = rule.delay;
      break;
    case FaultRule::Effect::kReset:
      d.response.reset_connection = true;
      break;
    case FaultRule::Effect::kStatus:
    case FaultRule::Effect::kThrottle: {
      d.response.status = rule.effect == FaultRule::Effect::kThrottle ? 429 : rule.status;
      d.response.reason = rule.reason;
      const bool custom = !rule.body.empty();
      d.response.body = custom ? rule.body : default_body(rule);
      d.response.headers.set("Content-Type", custom ? rule.content_type : "application/json");
      if (int64_t seconds = retry_after(rule); seconds > 0) {
        d.response.headers.set("Retry-After", std::to_string(seconds));
      }
      break;
    }
  }
  return d;
}

std::string format_delay(Duration d) {
  using namespace std::chrono;
  if (d % seconds(1) == Duration::zero())
    return std::to_string(duration_cast<seconds>(d).count()) + "s";
  return std::to_string(duration_cast<milliseconds>(d).count()) + "ms";
}

bool matches(const FaultRule& rule, std::string_view listener, std::string_view method,
             std::string_view path) {
  if (rule.count && *rule.count <= 0) return false;
  // A glob, as documented (scenarios/README.md): "cmg-*" matches every CMG listener.
  if (rule.listener != "*" && !glob_match(rule.listener, listener, /*case_insensitive=*/false))
    return false;
  if (rule.method != "*" && !http::iequals(rule.method, method)) return false;
  return glob_match(rule.path, path, /*case_insensitive=*/true);
}

}  // namespace

Result<FaultRule> fault_rule_from_json(const json& j) {
  if (!j.is_object()) return InvalidArgument("a fault rule must be a JSON object");
  for (const auto& item : j.items()) {
    if (std::find(std::begin(kKeys), std::end(kKeys), item.key()) == std::end(kKeys)) {
      return InvalidArgument("unknown fault rule key '" + item.key() + "'");
    }
  }
  auto effect = j.find("effect");
  if (effect == j.end()) return key_error("effect", "is required");
  FaultRule rule;
  EMU_ASSIGN_OR_RETURN(rule.effect, effect_value(*effect));
  EMU_RETURN_IF_ERROR(check_applies(j, rule.effect));
  EMU_RETURN_IF_ERROR(parse_strings(j, rule));
  EMU_RETURN_IF_ERROR(parse_numbers(j, rule));
  EMU_RETURN_IF_ERROR(validate(rule));
  return rule;
}

json to_json(const FaultRule& rule) {
  json j = {{"id", rule.id},
            {"listener", rule.listener},
            {"method", rule.method},
            {"path", rule.path},
            {"effect", effect_name(rule.effect)},
            {"count", rule.count ? json(*rule.count) : json(nullptr)},
            {"probability", rule.probability},
            {"hits", rule.hits}};
  switch (rule.effect) {
    case FaultRule::Effect::kStatus:
      j["status"] = rule.status;
      [[fallthrough]];
    case FaultRule::Effect::kThrottle:
      j["reason"] = rule.reason;
      j["body"] = rule.body;
      j["content_type"] = rule.content_type;
      j["retry_after"] = retry_after(rule);
      break;
    case FaultRule::Effect::kDelay:
      j["delay"] = format_delay(rule.delay);
      break;
    case FaultRule::Effect::kReset:
      break;
  }
  return j;
}

bool glob_match(std::string_view pattern, std::string_view text, bool case_insensitive) {
  auto same = [case_insensitive](char a, char b) {
    if (!case_insensitive) return a == b;
    return ascii_lower(a) == ascii_lower(b);
  };
  size_t p = 0, t = 0;
  size_t star = std::string_view::npos, resume = 0;  // last '*' seen and where it resumes
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && (pattern[p] == '?' || same(pattern[p], text[t]))) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;  // let the last '*' swallow one more character
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

FaultPlan::FaultPlan(uint64_t seed) : rng_(seed) {}

Result<std::string> FaultPlan::add(FaultRule rule) {
  for (std::string* field : {&rule.listener, &rule.method, &rule.path}) {
    if (field->empty()) *field = "*";
  }
  if (rule.content_type.empty()) rule.content_type = "application/json";
  EMU_RETURN_IF_ERROR(validate(rule));
  rule.hits = 0;
  std::lock_guard lock(mu_);
  auto taken = [this](const std::string& id) {
    return std::any_of(rules_.begin(), rules_.end(),
                       [&](const FaultRule& r) { return r.id == id; });
  };
  if (rule.id.empty()) {
    do {
      rule.id = "fault-" + std::to_string(next_id_++);
    } while (taken(rule.id));
  } else if (taken(rule.id)) {
    return AlreadyExists("fault rule '" + rule.id + "' already exists");
  }
  rules_.push_back(std::move(rule));
  return rules_.back().id;
}

Result<std::string> FaultPlan::add_json(const json& rule) {
  EMU_ASSIGN_OR_RETURN(FaultRule parsed, fault_rule_from_json(rule));
  return add(std::move(parsed));
}

bool FaultPlan::remove(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it =
      std::find_if(rules_.begin(), rules_.end(), [&](const FaultRule& r) { return r.id == id; });
  if (it == rules_.end()) return false;
  rules_.erase(it);
  return true;
}

void FaultPlan::clear() {
  std::lock_guard lock(mu_);
  rules_.clear();
}

void FaultPlan::reseed(uint64_t seed) {
  std::lock_guard lock(mu_);
  rng_.reseed(seed);
}

std::vector<FaultRule> FaultPlan::rules() const {
  std::lock_guard lock(mu_);
  return rules_;
}

json FaultPlan::to_json() const {
  json out = json::array();
  for (const FaultRule& rule : rules()) out.push_back(emu::to_json(rule));
  return out;
}

std::optional<FaultDecision> FaultPlan::apply(std::string_view listener, std::string_view method,
                                              std::string_view path) {
  std::lock_guard lock(mu_);
  for (FaultRule& rule : rules_) {
    if (!matches(rule, listener, method, path)) continue;
    if (rule.probability < 1.0 && rng_.next_unit() >= rule.probability) continue;
    ++rule.hits;
    if (rule.count) --*rule.count;
    return decide(rule);
  }
  return std::nullopt;
}

}  // namespace emu

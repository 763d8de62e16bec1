#include "emulator/core/actions.h"

#include <algorithm>
#include <regex>

namespace emu {

ActionOutcome action_passed(std::string message, nlohmann::json output) {
  ActionOutcome o;
  o.message = std::move(message);
  o.output = std::move(output);
  return o;
}

ActionOutcome action_failed(std::string message, nlohmann::json output,
                            std::vector<std::string> details) {
  ActionOutcome o = action_passed(std::move(message), std::move(output));
  o.kind = ActionOutcome::Kind::kFailed;
  o.details = std::move(details);
  return o;
}

void ActionRegistry::add(ActionDef def) {
  std::string name = def.name;
  defs_[std::move(name)] = std::move(def);
}

const ActionDef* ActionRegistry::find(const std::string& name) const {
  auto it = defs_.find(name);
  return it == defs_.end() ? nullptr : &it->second;
}

std::vector<std::string> ActionRegistry::names() const {
  std::vector<std::string> out;
  out.reserve(defs_.size());
  for (const auto& [name, def] : defs_) out.push_back(name);
  return out;
}

std::optional<std::string> ActionRegistry::suggest(const std::string& name) const {
  return nearest_name(name, names());
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t substitute = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, substitute});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::optional<std::string> nearest_name(std::string_view name,
                                        const std::vector<std::string>& candidates) {
  const size_t limit = std::max<size_t>(2, name.size() / 4);
  std::optional<std::string> best;
  size_t best_distance = limit + 1;
  for (const auto& candidate : candidates) {
    if (candidate == name) continue;
    size_t d = edit_distance(name, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

ActionOutcome expect_log_patterns(const std::string& log, const std::vector<std::string>& lines,
                                  const nlohmann::json& patterns) {
  nlohmann::json matched = nlohmann::json::array();
  std::vector<std::string> missing;
  for (const auto& p : patterns) {
    if (!p.is_string()) return action_failed("patterns: must be strings");
    std::regex re;
    try {
      re = std::regex(p.get<std::string>());
    } catch (const std::regex_error&) {
      return action_failed("patterns: bad regular expression '" + p.get<std::string>() + "'");
    }
    auto it = std::find_if(lines.begin(), lines.end(),
                           [&](const std::string& l) { return std::regex_search(l, re); });
    if (it == lines.end()) {
      missing.push_back("no line of " + log + " matches /" + p.get<std::string>() + "/");
    } else {
      matched.push_back(*it);
    }
  }
  if (!missing.empty())
    return action_failed(std::to_string(missing.size()) + " pattern(s) not found in " + log,
                         {{"matched", matched}}, missing);
  return action_passed(std::to_string(matched.size()) + " pattern(s) found in " + log,
                       {{"log", log}, {"matched", matched}});
}

Status check_log_expect_args(const nlohmann::json& args) {
  if (args.contains("log") && !args["log"].is_string())
    return InvalidArgument("log: must be a string");
  if (args.contains("patterns")) {
    if (!args["patterns"].is_array()) return InvalidArgument("patterns: must be an array");
    for (const auto& p : args["patterns"])
      if (!p.is_string()) return InvalidArgument("patterns: must be strings (regular expressions)");
  }
  return Status::Ok();
}

}  // namespace emu

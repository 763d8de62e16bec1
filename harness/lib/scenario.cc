#include "harness/lib/scenario.h"

#include "emulator/core/clock.h"
#include "emulator/core/faults.h"
#include "emulator/core/json_args.h"
#include "emulator/core/json_limits.h"
#include "harness/lib/expectations.h"
#include "harness/lib/interpolate.h"
#include "harness/lib/json_locator.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

namespace emu::harness {
namespace {

using nlohmann::json;

constexpr size_t kMaxErrors = 20;
// A scenario (with its lab section and templates) is a hand-written file: generous but finite.
constexpr JsonLimits kScenarioLimits{.max_bytes = 8 * 1024 * 1024, .max_depth = 64};
const std::vector<std::string> kTopKeys = {"$schema", "format", "name",   "description", "seed",
                                           "start",   "lab",    "faults", "steps"};
const std::vector<std::string> kStepKeys = {"id",   "name",   "action",
                                            "args", "expect", "continue_on_failure"};

bool valid_id(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

// Calls fn(pointer, string) for every string in `value`, pointers relative to `base`.
void for_each_string(const json& value, const std::string& base,
                     const std::function<void(const std::string&, const std::string&)>& fn) {
  if (value.is_string()) {
    fn(base, value.get<std::string>());
  } else if (value.is_object()) {
    for (const auto& [key, item] : value.items())
      for_each_string(item, base + "/" + JsonLocator::escape_token(key), fn);
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i)
      for_each_string(value[i], base + "/" + std::to_string(i), fn);
  }
}

// Strips nlohmann's "[json.exception.parse_error.101] parse error at line 2, column 8: ".
std::string parse_error_text(const std::string& what) {
  size_t column = what.find("column ");
  size_t colon = column == std::string::npos ? std::string::npos : what.find(": ", column);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

class Loader {
 public:
  Loader(std::string_view text, const std::string& file, const ActionRegistry& registry)
      : text_(text), file_(file), registry_(registry), locator_(text) {}

  Result<Scenario> load() {
    json doc;
    try {
      doc = json::parse(text_.begin(), text_.end(), nullptr, true, true);
    } catch (const json::parse_error& e) {
      TextPosition at = position_at(text_, e.byte == 0 ? 0 : e.byte - 1);
      return InvalidArgument(file_ + ":" + std::to_string(at.line) + ":" +
                             std::to_string(at.column) + ": " + parse_error_text(e.what()));
    } catch (const json::exception& e) {  // out_of_range 406: "number overflow parsing '1e999'"
      std::string what = e.what();
      size_t bracket = what.find("] ");
      return InvalidArgument(file_ + ": " +
                             (bracket == std::string::npos ? what : what.substr(bracket + 2)));
    }
    doc_ = &doc;
    if (!doc.is_object()) {
      error("", "scenario", "must be a JSON object");
      return finish();
    }
    for (const auto& pointer : locator_.duplicate_keys()) {
      std::string key = pointer.substr(pointer.rfind('/') + 1);
      error(pointer, key, "duplicate key");
    }
    load_top(doc);
    return finish();
  }

 private:
  // Records "<file>:<line>: [step <n> ("<id>"): ]<key>: <what>" for the element at `pointer`.
  void error(const std::string& pointer, const std::string& key, const std::string& what) {
    std::string prefix = file_ + ":" + std::to_string(locator_.line(pointer)) + ": ";
    if (pointer.rfind("/steps/", 0) == 0) {
      size_t end = pointer.find('/', 7);
      std::string index = pointer.substr(7, end == std::string::npos ? end : end - 7);
      if (!index.empty() && index.find_first_not_of("0123456789") == std::string::npos) {
        size_t i = std::stoul(index);
        prefix += "step " + std::to_string(i + 1) + " (\"" + step_id(i) + "\"): ";
      }
    }
    errors_.emplace_back(locator_.line(pointer), prefix + key + ": " + what);
  }

  std::string step_id(size_t i) const {
    auto steps = doc_->find("steps");
    if (steps != doc_->end() && steps->is_array() && i < steps->size() && (*steps)[i].is_object()) {
      auto it = (*steps)[i].find("id");
      if (it != (*steps)[i].end() && it->is_string()) return it->get<std::string>();
    }
    return "step-" + std::to_string(i + 1);
  }

  Result<Scenario> finish() {
    if (errors_.empty()) return std::move(scenario_);
    std::stable_sort(errors_.begin(), errors_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string message;
    for (size_t i = 0; i < errors_.size() && i < kMaxErrors; ++i)
      message += (i ? "\n" : "") + errors_[i].second;
    if (errors_.size() > kMaxErrors)
      message += "\n... and " + std::to_string(errors_.size() - kMaxErrors) + " more";
    return InvalidArgument(message);
  }

  void load_top(const json& doc) {
    scenario_.file = file_;
    for (const auto& [key, value] : doc.items()) {
      if (std::find(kTopKeys.begin(), kTopKeys.end(), key) == kTopKeys.end())
        error("/" + JsonLocator::escape_token(key), key,
              "unknown top-level key" + did_you_mean(key, kTopKeys));
    }
    auto format = doc.find("format");
    if (format == doc.end())
      error("", "format", "missing (expected \"" + std::string(kScenarioFormat) + "\")");
    else if (!format->is_string() || *format != kScenarioFormat)
      error("/format", "format",
            "unsupported format " + format->dump() + " (expected \"" +
                std::string(kScenarioFormat) + "\")");
    auto name = doc.find("name");
    if (name == doc.end())
      error("", "name", "missing");
    else if (!name->is_string() || name->get<std::string>().empty())
      error("/name", "name", "must be a non-empty string");
    else
      scenario_.name = name->get<std::string>();
    load_optional_top(doc);
    load_faults(doc);
    load_steps(doc);
  }

  void load_optional_top(const json& doc) {
    if (auto it = doc.find("$schema"); it != doc.end() && !it->is_string())
      error("/$schema", "$schema", "must be a string");
    if (auto it = doc.find("description"); it != doc.end()) {
      if (it->is_string())
        scenario_.description = it->get<std::string>();
      else
        error("/description", "description", "must be a string");
    }
    if (auto it = doc.find("seed"); it != doc.end()) {
      if (it->is_number_unsigned() || (it->is_number_integer() && it->get<int64_t>() >= 0))
        scenario_.seed = it->get<uint64_t>();
      else
        error("/seed", "seed", "must be a non-negative integer");
    }
    if (auto it = doc.find("start"); it != doc.end()) {
      if (!it->is_string()) {
        error("/start", "start", "must be an ISO 8601 time string");
      } else if (auto t = parse_iso8601(it->get<std::string>()); !t.ok()) {
        error("/start", "start", t.status().message());
      } else {
        scenario_.start = it->get<std::string>();
      }
    }
    if (auto it = doc.find("lab"); it != doc.end()) {
      if (it->is_object())
        scenario_.lab = *it;
      else
        error("/lab", "lab", "must be an object");
    }
  }

  void load_faults(const json& doc) {
    auto it = doc.find("faults");
    if (it == doc.end()) return;
    if (!it->is_array()) {
      error("/faults", "faults", "must be an array of fault rules");
      return;
    }
    for (size_t i = 0; i < it->size(); ++i) {
      auto rule = fault_rule_from_json((*it)[i]);
      if (!rule.ok())
        error("/faults/" + std::to_string(i), "faults",
              "rule " + std::to_string(i + 1) + ": " + rule.status().message());
      else
        scenario_.faults.push_back((*it)[i]);
    }
  }

  void load_steps(const json& doc) {
    auto it = doc.find("steps");
    if (it == doc.end()) {
      error("", "steps", "missing");
      return;
    }
    if (!it->is_array() || it->empty()) {
      error("/steps", "steps", "must be a non-empty array of steps");
      return;
    }
    std::map<std::string, int> ids;  // id -> 1-based index of its step
    for (size_t i = 0; i < it->size(); ++i) {
      Step step;
      if (load_step((*it)[i], i, ids, step)) scenario_.steps.push_back(std::move(step));
      ids.emplace(step_id(i), static_cast<int>(i + 1));
    }
  }

  bool load_step(const json& j, size_t i, const std::map<std::string, int>& ids, Step& step) {
    const std::string at = "/steps/" + std::to_string(i);
    const size_t before = errors_.size();
    step.index = static_cast<int>(i + 1);
    step.line = locator_.line(at);
    step.id = step_id(i);
    if (!j.is_object()) {
      error(at, "step", "must be an object");
      return false;
    }
    for (const auto& [key, value] : j.items())
      if (std::find(kStepKeys.begin(), kStepKeys.end(), key) == kStepKeys.end())
        error(at + "/" + JsonLocator::escape_token(key), key,
              "unknown step key" + did_you_mean(key, kStepKeys));
    if (auto id = j.find("id"); id != j.end()) {
      if (!id->is_string() || !valid_id(id->get<std::string>()))
        error(at + "/id", "id", "must be a string of letters, digits, '-' and '_' (at most 64)");
      else if (auto seen = ids.find(step.id); seen != ids.end())
        error(at + "/id", "id",
              "duplicate step id '" + step.id + "' (first used by step " +
                  std::to_string(seen->second) + ")");
    }
    if (auto name = j.find("name"); name != j.end()) {
      if (name->is_string())
        step.name = name->get<std::string>();
      else
        error(at + "/name", "name", "must be a string");
    }
    if (auto flag = j.find("continue_on_failure"); flag != j.end()) {
      if (flag->is_boolean())
        step.continue_on_failure = flag->get<bool>();
      else
        error(at + "/continue_on_failure", "continue_on_failure", "must be true or false");
    }
    load_step_args(j, at, step, ids);
    if (auto expect = j.find("expect"); expect != j.end()) {
      if (auto issue = validate_expect(*expect))
        error(at + "/expect" + issue->pointer, "expect", issue->message);
      else
        step.expect = *expect;
      check_references(*expect, at + "/expect", "expect", ids);
    }
    const ActionDef* def = load_action(j, at, step);
    if (def != nullptr && step.args.is_object()) check_args(*def, at, step);
    if (step.name.empty()) step.name = step.action;
    return errors_.size() == before;
  }

  const ActionDef* load_action(const json& j, const std::string& at, Step& step) {
    auto action = j.find("action");
    if (action == j.end()) {
      error(at, "action", "missing");
      return nullptr;
    }
    if (!action->is_string()) {
      error(at + "/action", "action", "must be a string");
      return nullptr;
    }
    step.action = action->get<std::string>();
    const ActionDef* def = registry_.find(step.action);
    if (def == nullptr)
      error(at + "/action", "action",
            "unknown action '" + step.action + "'" + did_you_mean(step.action, registry_.names()));
    return def;
  }

  void load_step_args(const json& j, const std::string& at, Step& step,
                      const std::map<std::string, int>& ids) {
    auto args = j.find("args");
    if (args == j.end()) return;
    if (!args->is_object()) {
      error(at + "/args", "args", "must be an object");
      step.args = json();
      return;
    }
    step.args = *args;
    check_references(*args, at + "/args", "args", ids);
  }

  void check_references(const json& value, const std::string& base, const std::string& key,
                        const std::map<std::string, int>& ids) {
    for_each_string(value, base, [&](const std::string& pointer, const std::string& s) {
      auto refs = parse_references(s);
      if (!refs.ok()) {
        error(pointer, key, refs.status().message());
        return;
      }
      for (const auto& ref : *refs) {
        if (ref.root == "steps" && ids.find(ref.path[0]) == ids.end())
          error(pointer, key,
                "reference " + ref.text + " names no earlier step '" + ref.path[0] + "'");
        if (ref.root == "lab") {
          auto resolved = resolve_reference(ref, json::object(), scenario_.lab);
          if (!resolved.ok()) error(pointer, key, resolved.status().message());
        }
      }
    });
  }

  void check_args(const ActionDef& def, const std::string& at, const Step& step) {
    for (const auto& name : def.required_args)
      if (!step.args.contains(name))
        error(at + "/args", "args",
              "missing required argument '" + name + "' of action '" + def.name + "'");
    if (!def.required_args.empty() || !def.optional_args.empty()) {
      std::vector<std::string> known = def.required_args;
      known.insert(known.end(), def.optional_args.begin(), def.optional_args.end());
      for (const auto& [name, value] : step.args.items())
        if (std::find(known.begin(), known.end(), name) == known.end())
          error(at + "/args/" + JsonLocator::escape_token(name), "args",
                "unknown argument '" + name + "' of action '" + def.name + "'" +
                    did_you_mean(name, known));
    }
    if (def.validate && step.args.dump().find("${") == std::string::npos) {
      Status status = def.validate(step.args);
      if (!status.ok()) error(at + "/args", "args", status.message());
    }
  }

  std::string_view text_;
  std::string file_;
  const ActionRegistry& registry_;
  JsonLocator locator_;
  const json* doc_ = nullptr;
  Scenario scenario_;
  std::vector<std::pair<int, std::string>> errors_;  // (line, message)
};

}  // namespace

Result<Scenario> load_scenario_text(std::string_view text, const std::string& display_name,
                                    const ActionRegistry& registry) {
  if (text.size() > kScenarioLimits.max_bytes) {
    return InvalidArgument(display_name + ": the file is " + std::to_string(text.size()) +
                           " bytes; a scenario may be at most " +
                           std::to_string(kScenarioLimits.max_bytes) + " bytes");
  }
  if (size_t at = json_depth_violation(text, kScenarioLimits.max_depth, JsonSyntax::kWithComments);
      at != std::string_view::npos) {
    TextPosition pos = position_at(text, at);
    return InvalidArgument(display_name + ":" + std::to_string(pos.line) + ":" +
                           std::to_string(pos.column) + ": JSON nested deeper than " +
                           std::to_string(kScenarioLimits.max_depth) + " levels");
  }
  try {
    return Loader(text, display_name, registry).load();
  } catch (const std::exception& e) {
    return Internal(display_name + ": loader failed: " + e.what());
  }
}

Result<Scenario> load_scenario_file(const std::string& path, const ActionRegistry& registry) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read scenario '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return NotFound("cannot read scenario '" + path + "'");
  return load_scenario_text(text.str(), path, registry);
}

std::vector<std::string> scenario_cmg_names(const json& lab) {
  std::vector<std::string> names;
  auto pki = lab.find("pki");
  if (pki == lab.end() || !pki->is_object()) return names;
  auto certs = pki->find("cmg_certificates");
  if (certs == pki->end() || !certs->is_array()) return names;
  for (const auto& name : *certs)
    if (name.is_string()) names.push_back(name.get<std::string>());
  return names;
}

}  // namespace emu::harness

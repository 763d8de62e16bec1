#include "harness/cli/party_command.h"

#include "emulator/core/actions.h"
#include "emulator/core/json_args.h"
#include "emulator/core/json_limits.h"
#include "emulator/core/text.h"
#include "harness/cli/args.h"
#include "harness/lib/generic_actions.h"
#include "harness/lib/runner.h"
#include "harness/lib/scenario.h"

#include <algorithm>
#include <filesystem>
#include <iostream>

namespace emu::cli {
namespace {

using nlohmann::json;

const std::vector<FlagSpec> kPartyFlags = {
    {"--state", true, "DIR  the lab's state folder (required; created by the first --lab run)"},
    {"--lab", true, "FILE  seed a new state folder from the \"lab\" section of a scenario file"},
    {"--pki", true, "DIR  lab PKI folder (default: <state>/pki)"},
    {"--seed", true, "N  seed for identifiers (default: the --lab file's seed, else 1)"},
    {"--json", false, "print the action's output as JSON"},
    {"--help", false, "show this help (after an operation: the operation's arguments)"},
};

bool is_party_action(const PartyCommand& c, const std::string& name) {
  return std::any_of(c.prefixes.begin(), c.prefixes.end(),
                     [&](const std::string& p) { return name.rfind(p, 0) == 0; });
}

// Sets args[a][b]... = value for the key path "a.b".
void set_path(json& args, const std::string& key, json value) {
  json* at = &args;
  size_t start = 0;
  for (size_t dot = key.find('.'); dot != std::string::npos; dot = key.find('.', start)) {
    at = &(*at)[key.substr(start, dot - start)];
    if (!at->is_object()) *at = json::object();
    start = dot + 1;
  }
  (*at)[key.substr(start)] = std::move(value);
}

json parse_value(const std::string& text) {
  auto v = emu::parse_json_limited(text);
  return v.ok() ? std::move(v).value() : json(text);
}

// "<indent>required: a b" and "<indent>optional: c" (the lines that have names).
void print_arg_names(const ActionDef& def, const std::string& indent) {
  std::string req, opt;
  for (const auto& a : def.required_args) req += " " + a;
  for (const auto& a : def.optional_args)
    if (a != "expect") opt += " " + a;
  if (!req.empty()) std::cout << indent << "required:" << req << "\n";
  if (!opt.empty()) std::cout << indent << "optional:" << opt << "\n";
}

void print_actions(const ActionRegistry& registry, const PartyCommand& c) {
  for (const auto& name : registry.names()) {
    if (!is_party_action(c, name)) continue;
    const ActionDef* def = registry.find(name);
    std::cout << name << "\n    " << def->summary << "\n";
    print_arg_names(*def, "    ");
  }
}

// Resolves the operation words and arguments to an action name and its JSON args.
Result<std::pair<std::string, json>> resolve_operation(const std::vector<std::string>& words,
                                                       const ActionRegistry& registry,
                                                       const PartyCommand& c) {
  if (c.special) {
    if (auto op = c.special(words)) return std::move(*op);
  }
  const std::string own = c.command + ".";
  // The longest prefix of words (joined by '.') that names an action.
  std::string name;
  size_t used = 0;
  std::string joined;
  for (size_t i = 0; i < words.size() && words[i].find('=') == std::string::npos; ++i) {
    joined += (i ? "." : "") + words[i];
    for (const std::string& candidate : {own + joined, joined})
      if (registry.find(candidate) != nullptr && is_party_action(c, candidate)) {
        name = candidate;
        used = i + 1;
      }
  }
  if (name.empty()) {
    std::vector<std::string> known;
    for (const auto& n : registry.names())
      if (is_party_action(c, n)) known.push_back(n.rfind(own, 0) == 0 ? n.substr(own.size()) : n);
    return InvalidArgument("unknown operation '" + joined + "'" + did_you_mean(joined, known));
  }
  json args = json::object();
  for (size_t i = used; i < words.size(); ++i) {
    auto eq = words[i].find('=');
    if (eq == std::string::npos || eq == 0)
      return InvalidArgument("'" + words[i] + "': arguments are KEY=VALUE");
    set_path(args, words[i].substr(0, eq), parse_value(words[i].substr(eq + 1)));
  }
  return std::make_pair(name, args);
}

Status check_args(const ActionDef& def, const json& args) {
  for (const auto& [key, value] : args.items()) {
    const auto& r = def.required_args;
    const auto& o = def.optional_args;
    if (std::find(r.begin(), r.end(), key) == r.end() &&
        std::find(o.begin(), o.end(), key) == o.end()) {
      std::vector<std::string> all(r);
      all.insert(all.end(), o.begin(), o.end());
      return InvalidArgument(key + ": unknown argument of " + def.name + did_you_mean(key, all));
    }
  }
  for (const auto& key : def.required_args)
    if (!args.contains(key)) return InvalidArgument(key + ": required by " + def.name);
  return def.validate ? def.validate(args) : Status::Ok();
}

}  // namespace

int run_party_command(const std::vector<std::string>& raw, const PartyCommand& c) {
  auto usage_error = [&](const std::string& message) {
    std::cerr << "cmgemu " << c.command << ": " << message << "\nRun 'cmgemu " << c.command
              << " --help' for usage.\n";
    return 2;
  };
  auto args = parse_args(raw, kPartyFlags);
  if (!args.ok()) return usage_error(args.status().message());
  const ActionRegistry known = harness::scenario_action_registry();
  if (args->positional.empty()) {
    if (args->has("--help")) {
      std::cout << c.usage << flags_help(kPartyFlags);
      return 0;
    }
    return usage_error("no operation given");
  }
  if (args->positional[0] == "actions") {
    print_actions(known, c);
    return 0;
  }
  auto op = resolve_operation(args->positional, known, c);
  if (!op.ok()) return usage_error(op.status().message());
  const ActionDef* def = known.find(op->first);
  if (args->has("--help")) {
    std::cout << "usage: cmgemu " << c.command << " --state DIR " << op->first
              << " KEY=VALUE...\n\n"
              << def->summary << "\n\n";
    print_arg_names(*def, "");
    return 0;
  }
  if (Status st = check_args(*def, op->second); !st.ok()) return usage_error(st.message());
  if (!args->has("--state")) return usage_error("--state DIR is required");

  harness::Scenario scenario;
  scenario.file = "cmgemu " + c.command;
  scenario.name = op->first;
  const std::string state = args->get("--state");
  const bool fresh = !std::filesystem::exists(state + "/lab.db");
  harness::RunOptions options;
  options.state_dir = state;
  options.pki_dir = args->get("--pki", state + "/pki");
  options.seed_lab = false;
  uint64_t lab_file_seed = harness::kDefaultScenarioSeed;
  if (args->has("--lab")) {
    auto lab = harness::load_scenario_file(args->get("--lab"), known);
    if (!lab.ok()) return usage_error(lab.status().message());
    scenario.lab = lab->lab;
    lab_file_seed = lab->seed;
    options.seed_lab = fresh;  // a saved lab keeps what it was seeded with
    if (fresh) scenario.start = lab->start;
  } else if (fresh) {
    return usage_error("'" + state + "' holds no lab yet: give --lab FILE the first time");
  }
  // Identifiers: --seed, else the lab file's seed, else the default (as `cmgemu run` does).
  scenario.seed = lab_file_seed;
  if (args->has("--seed")) {
    auto seed = parse_u64(args->get("--seed"), "--seed");
    if (!seed.ok()) return usage_error(seed.status().message());
    scenario.seed = *seed;
  }
  harness::Step step;
  step.index = 1;
  step.id = c.command;
  step.name = op->first;
  step.action = op->first;
  step.args = op->second;
  scenario.steps.push_back(step);
  auto report = harness::run_scenario(scenario, options);
  if (!report.ok()) {
    std::cerr << "cmgemu " << c.command << ": " << report.status().message() << "\n";
    return 2;
  }
  const harness::StepReport& r = report->steps.at(0);
  const bool ok = r.status == harness::StepStatus::kPassed;
  int code = ok ? 0 : 1;
  if (args->has("--json")) {
    std::cout << r.output.dump(2) << "\n";
  } else if (auto own = c.print ? c.print(op->first, ok, r.output) : std::nullopt) {
    code = *own;
  } else {
    std::cout << r.message << "\n";
    if (!r.output.is_null()) std::cout << r.output.dump(2) << "\n";
  }
  if (!ok) {
    std::cerr << "cmgemu " << c.command << ": " << op->first << " failed: " << r.message << "\n";
    for (const auto& d : r.details) std::cerr << "  " << d << "\n";
  }
  return code;
}

}  // namespace emu::cli

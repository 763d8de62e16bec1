// `cmgemu site`: the site server's operations (console wizards, role properties, the cloud
// service manager, BulkRegistrationTokenTool.exe, read-only SQL) on a lab saved in a state
// folder. Each invocation resumes the lab (databases, virtual clock), runs one site action as
// a one-step scenario, prints its result and saves the lab again.
#include "emulator/core/actions.h"
#include "emulator/core/json_args.h"
#include "emulator/core/json_limits.h"
#include "emulator/core/text.h"
#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/lib/generic_actions.h"
#include "harness/lib/runner.h"
#include "harness/lib/scenario.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>

namespace emu::cli {
namespace {

using nlohmann::json;

const std::vector<FlagSpec> kSiteFlags = {
    {"--state", true, "DIR  the lab's state folder (required; created by the first --lab run)"},
    {"--lab", true, "FILE  seed a new state folder from the \"lab\" section of a scenario file"},
    {"--pki", true, "DIR  lab PKI folder (default: <state>/pki)"},
    {"--seed", true, "N  seed for identifiers (default: the --lab file's seed, else 1)"},
    {"--json", false, "print the action's output as JSON"},
    {"--help", false, "show this help (after an operation: the operation's arguments)"},
};

constexpr const char* kSiteUsage =
    "usage: cmgemu site --state DIR [--lab FILE] OPERATION [ARGS...]\n"
    "\n"
    "Runs one operation of the Configuration Manager site on the lab saved in DIR.\n"
    "\n"
    "operations:\n"
    "  sql \"QUERY\"                 read-only SQL on the site database CM_<code>; T-SQL names\n"
    "                              work verbatim, e.g. \"SELECT [MutualAuthPath] FROM\n"
    "                              [dbo].[vProxy_Roles] Where [RoleTypeID] = '6'\"\n"
    "  bulkregistrationtokentool.exe /new [/lifetime MINUTES]\n"
    "                              issue a bulk registration token (also /? for the tool's help)\n"
    "  WORDS... KEY=VALUE...       any site action: the words name it (\"cmg create\" =\n"
    "                              site.cmg.create), KEY=VALUE pairs are its arguments (VALUE is\n"
    "                              JSON when it parses, else text; a.b=VALUE sets a nested key)\n"
    "  actions                     list the site actions and their arguments\n"
    "\n"
    "examples:\n"
    "  cmgemu site --state lab --lab scenarios/lab-site-token.json sql \"SELECT * FROM "
    "[dbo].[vProxy_Roles]\"\n"
    "  cmgemu site --state lab client_settings set 'settings={\"Cloud Services\": {\"Enable "
    "clients to use a cloud management gateway\": \"Yes\"}}'\n"
    "  cmgemu site --state lab cmg status cmg=cmg.contoso.com\n"
    "\n"
    "Exit status: 0 the operation succeeded, 1 it failed, 2 bad usage.\n"
    "\n"
    "options:\n";

int usage_error(const std::string& message) {
  std::cerr << "cmgemu site: " << message << "\nRun 'cmgemu site --help' for usage.\n";
  return 2;
}

bool is_site_action(const std::string& name) {
  return name.rfind("site.", 0) == 0 || name.rfind("lab.dns.", 0) == 0;
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

void print_actions(const ActionRegistry& registry) {
  for (const auto& name : registry.names()) {
    if (!is_site_action(name)) continue;
    const ActionDef* def = registry.find(name);
    std::cout << name << "\n    " << def->summary << "\n";
    std::string req, opt;
    for (const auto& a : def->required_args) req += " " + a;
    for (const auto& a : def->optional_args)
      if (a != "expect") opt += " " + a;
    if (!req.empty()) std::cout << "    required:" << req << "\n";
    if (!opt.empty()) std::cout << "    optional:" << opt << "\n";
  }
}

// Resolves the operation words and arguments to an action name and its JSON args.
Result<std::pair<std::string, json>> resolve_operation(const std::vector<std::string>& words,
                                                       const ActionRegistry& registry) {
  const std::string first = to_lower(words[0]);
  if (first.find("bulkregistrationtokentool") != std::string::npos) {
    std::string line = "bulkregistrationtokentool.exe";
    for (size_t i = 1; i < words.size(); ++i) line += " " + words[i];
    return std::make_pair(std::string("site.bulk_token.new"), json{{"command_line", line}});
  }
  if (first == "sql") {
    if (words.size() != 2) return InvalidArgument("sql takes one query argument (quote it)");
    return std::make_pair(std::string("site.sql"), json{{"query", words[1]}});
  }
  // The longest prefix of words (joined by '.') that names an action.
  std::string name;
  size_t used = 0;
  std::string joined;
  for (size_t i = 0; i < words.size() && words[i].find('=') == std::string::npos; ++i) {
    joined += (i ? "." : "") + words[i];
    for (const std::string& candidate : {"site." + joined, joined})
      if (registry.find(candidate) != nullptr && is_site_action(candidate)) {
        name = candidate;
        used = i + 1;
      }
  }
  if (name.empty()) {
    std::vector<std::string> known;
    for (const auto& n : registry.names())
      if (is_site_action(n)) known.push_back(n.rfind("site.", 0) == 0 ? n.substr(5) : n);
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

void print_table(const json& output) {
  const auto& columns = output["columns"];
  std::string line;
  for (size_t i = 0; i < columns.size(); ++i)
    line += (i ? "\t" : "") + columns[i].get<std::string>();
  std::cout << line << "\n";
  for (const auto& row : output["rows"]) {
    line.clear();
    for (size_t i = 0; i < columns.size(); ++i) {
      const json& v = row[columns[i].get<std::string>()];
      line += (i ? "\t" : "") + (v.is_null() ? std::string("NULL") : v.get<std::string>());
    }
    std::cout << line << "\n";
  }
  std::cout << "(" << output["rows"].size() << " row" << (output["rows"].size() == 1 ? "" : "s")
            << " affected)\n";
}

}  // namespace

int cmd_site(const std::vector<std::string>& raw) {
  auto args = parse_args(raw, kSiteFlags);
  if (!args.ok()) return usage_error(args.status().message());
  const ActionRegistry known = harness::scenario_action_registry();
  if (args->positional.empty()) {
    if (args->has("--help")) {
      std::cout << kSiteUsage << flags_help(kSiteFlags);
      return 0;
    }
    return usage_error("no operation given");
  }
  if (args->positional[0] == "actions") {
    print_actions(known);
    return 0;
  }
  auto op = resolve_operation(args->positional, known);
  if (!op.ok()) return usage_error(op.status().message());
  const ActionDef* def = known.find(op->first);
  if (args->has("--help")) {
    std::cout << "usage: cmgemu site --state DIR " << op->first << " KEY=VALUE...\n\n"
              << def->summary << "\n";
    std::string req, opt;
    for (const auto& a : def->required_args) req += " " + a;
    for (const auto& a : def->optional_args)
      if (a != "expect") opt += " " + a;
    if (!req.empty()) std::cout << "\nrequired:" << req << "\n";
    if (!opt.empty()) std::cout << "optional:" << opt << "\n";
    return 0;
  }
  if (Status st = check_args(*def, op->second); !st.ok()) return usage_error(st.message());
  if (!args->has("--state")) return usage_error("--state DIR is required");

  harness::Scenario scenario;
  scenario.file = "cmgemu site";
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
  step.id = "site";
  step.name = op->first;
  step.action = op->first;
  step.args = op->second;
  scenario.steps.push_back(step);
  auto report = harness::run_scenario(scenario, options);
  if (!report.ok()) {
    std::cerr << "cmgemu site: " << report.status().message() << "\n";
    return 2;
  }
  const harness::StepReport& r = report->steps.at(0);
  const bool ok = r.status == harness::StepStatus::kPassed;
  if (args->has("--json")) {
    std::cout << r.output.dump(2) << "\n";
  } else if (op->first == "site.sql" && ok) {
    print_table(r.output);
  } else if (r.output.is_object() && r.output.contains("output") &&
             r.output["output"].is_string()) {
    std::cout << r.output["output"].get<std::string>();  // the token tool's own text
  } else {
    std::cout << r.message << "\n";
    if (!r.output.is_null()) std::cout << r.output.dump(2) << "\n";
  }
  if (!ok) {
    std::cerr << "cmgemu site: " << op->first << " failed: " << r.message << "\n";
    for (const auto& d : r.details) std::cerr << "  " << d << "\n";
  }
  return ok ? 0 : 1;
}

}  // namespace emu::cli

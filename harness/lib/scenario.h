// Scenario model and loader for format "cmgemu/scenario@1" (see scenarios/README.md).
// A scenario is JSON with comments: the lab's initial state, fault rules, and ordered steps,
// each naming an action from an ActionRegistry. The loader rejects a bad file with messages
// that name the file, line, step and key.
#pragma once

#include "emulator/core/actions.h"
#include "emulator/core/status.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace emu::harness {

inline constexpr std::string_view kScenarioFormat = "cmgemu/scenario@1";
inline constexpr uint64_t kDefaultScenarioSeed = 1;

struct Step {
  int index = 0;       // 1-based position in the file
  int line = 0;        // line of the step's opening brace
  std::string id;      // unique in the scenario; "step-<index>" when the file names none
  std::string name;    // human title; the action name when the file names none
  std::string action;  // a name known to the registry the scenario was loaded with
  nlohmann::json args = nlohmann::json::object();    // may hold "${...}" references
  nlohmann::json expect = nlohmann::json::object();  // see expectations.h
  bool continue_on_failure = false;
};

struct Scenario {
  std::string file;  // display name given to the loader (used in messages and reports)
  std::string name;
  std::string description;
  uint64_t seed = kDefaultScenarioSeed;
  std::string start;  // ISO 8601 virtual start; "" = emu::kDefaultVirtualStart
  nlohmann::json lab = nlohmann::json::object();  // initial state for the services
  std::vector<nlohmann::json> faults;             // fault rules, each accepted by
                                                  // emu::fault_rule_from_json
  std::vector<Step> steps;
};

// Parses and validates `text`. On failure returns InvalidArgument whose message holds one line
// per problem (at most 20), each "<display_name>:<line>: <key>: <what>" for top-level problems,
// "<display_name>:<line>: step <n> (\"<id>\"): <key>: <what>" for a step's, or
// "<display_name>:<line>:<column>: <what>" for a JSON syntax error or nesting deeper than 64
// levels; a file over 8 MiB is refused whole.
Result<Scenario> load_scenario_text(std::string_view text, const std::string& display_name,
                                    const ActionRegistry& registry);

// Reads `path` and loads it with `path` as the display name. NotFound if the file cannot be
// read; otherwise as load_scenario_text.
Result<Scenario> load_scenario_file(const std::string& path, const ActionRegistry& registry);

// The server-certificate names a lab section asks for (lab.pki.cmg_certificates), which a Lab
// must be created with (app::LabOptions::cmg_names).
std::vector<std::string> scenario_cmg_names(const nlohmann::json& lab);

}  // namespace emu::harness

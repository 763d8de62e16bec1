// The `cmgemu <party>` commands (`site`, `client`): one party's actions on a lab saved in a
// state folder. Each invocation resumes the lab (databases, virtual clock), runs one action as a
// one-step scenario, prints its result and saves the lab again.
#pragma once

#include "emulator/core/status.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace emu::cli {

struct PartyCommand {
  std::string command;                // "site": also the actions' prefix ("site.")
  std::string usage;                  // the text --help prints before the options
  std::vector<std::string> prefixes;  // the actions it runs: {"site.", "lab.dns."}
  // Operations of its own form (the token tool's command line, SQL, ccmsetup's line): the
  // action and its arguments, or nullopt for the generic "WORDS... KEY=VALUE" form.
  std::function<std::optional<Result<std::pair<std::string, nlohmann::json>>>(
      const std::vector<std::string>& words)>
      special;
  // Prints a step's result its own way and returns the exit code; nullopt = the generic
  // printing (message, then the output as JSON), exit 0 when it passed, else 1.
  std::function<std::optional<int>(const std::string& action, bool passed,
                                   const nlohmann::json& output)>
      print;
};

// Runs `cmgemu <c.command> ARGS`: --state DIR (required), --lab FILE (seeds a new folder),
// --pki DIR, --seed N, --json, --help; "actions" lists them. Exit 0 / 1 (the action failed) /
// 2 (bad usage).
int run_party_command(const std::vector<std::string>& raw, const PartyCommand& c);

}  // namespace emu::cli

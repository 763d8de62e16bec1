// `cmgemu client`: the emulated ConfigMgr clients of a lab saved in a state folder: ccmsetup.exe
// with a command line pasted as is, the client.* actions, and the clients' log files.
#include "emulator/client/ccmsetup/command_line.h"
#include "emulator/core/files.h"
#include "emulator/core/text.h"
#include "harness/cli/commands.h"
#include "harness/cli/party_command.h"

#include <filesystem>
#include <iostream>

namespace emu::cli {
namespace {

using nlohmann::json;

constexpr const char* kClientUsage =
    "usage: cmgemu client --state DIR [--lab FILE] OPERATION [ARGS...]\n"
    "\n"
    "Runs one operation of an emulated ConfigMgr client on the lab saved in DIR.\n"
    "\n"
    "operations:\n"
    "  ccmsetup NAME -- COMMAND LINE\n"
    "                              run ccmsetup.exe on client NAME, then the client agent; quote\n"
    "                              the whole line in single quotes to keep its backslashes and\n"
    "                              double quotes exactly as typed on Windows\n"
    "  logs NAME [LOG]             list the client's logs, or print one (CCM format)\n"
    "  add name=NAME [time_zone_bias=-540] [folders='[\"C:\\\\ClientInstall\"]']\n"
    "                              add a client machine to the lab\n"
    "  install_root_ca client=NAME certificate=FILE\n"
    "                              trust a root CA (a bare name is a file of the lab PKI folder)\n"
    "  aad_join client=NAME [tenant=DOMAIN] [user=UPN]\n"
    "                              Entra-join the machine (a device in the lab's tenant)\n"
    "  WORDS... KEY=VALUE...       any client action (\"state client=client01\" = client.state)\n"
    "  actions                     list the client actions and their arguments\n"
    "\n"
    "example (the seed walkthrough's line, token and MutualAuth path substituted):\n"
    "  cmgemu client --state lab ccmsetup client01 -- 'ccmsetup.exe /NoCRLCheck "
    "/source:C:\\ClientInstall SMSSITECODE=P01\n"
    "    CCMHOSTNAME=\"cmg.contoso.com/CCM_Proxy_MutualAuth/72057594037927939\" "
    "SMSMP=\"cm01.contoso.com\" /regtoken:eyJ... CCMALWAYSINF=1'\n"
    "\n"
    "Exit status: 0 the operation succeeded (ccmsetup: exit code 0), 1 it failed, 2 bad usage.\n"
    "\n"
    "options:\n";

// `logs NAME [LOG]`: the files under <state>/logs/clients/<name>/ (no lab needed).
int print_logs(const std::string& state, const std::vector<std::string>& words) {
  if (words.size() < 2 || words.size() > 3) {
    std::cerr << "cmgemu client: logs NAME [LOG]\n";
    return 2;
  }
  const std::string dir = state + "/logs/clients/" + to_lower(words[1]);
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    std::cerr << "cmgemu client: no logs of client '" << words[1] << "' in " << state << "\n";
    return 1;
  }
  if (words.size() == 2) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
      names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    for (const auto& n : names) std::cout << n << "\n";
    return 0;
  }
  if (words[2].find('/') != std::string::npos || words[2].find("..") != std::string::npos) {
    std::cerr << "cmgemu client: '" << words[2] << "' is not a log name\n";
    return 2;
  }
  auto text = read_file(dir + "/" + words[2]);
  if (!text.ok()) {
    std::cerr << "cmgemu client: " << text.status().message() << "\n";
    return 1;
  }
  std::cout << *text;
  return 0;
}

}  // namespace

int cmd_client(const std::vector<std::string>& raw) {
  // Everything after "--" is ccmsetup's command line: one argument as is, or several joined
  // (each quoted as Windows would need it).
  std::vector<std::string> args;
  std::optional<std::string> line;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != "--") {
      args.push_back(raw[i]);
      continue;
    }
    std::string joined;
    if (raw.size() - i - 1 == 1) {
      joined = raw[i + 1];
    } else {
      for (size_t j = i + 1; j < raw.size(); ++j)
        joined += (joined.empty() ? "" : " ") + client::quote_argument(raw[j]);
    }
    line = joined;
    break;
  }
  if (line) args.push_back(*line);

  // `logs` reads the files; it needs no lab.
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] != "logs") continue;
    std::string state;
    for (size_t j = 0; j + 1 < args.size(); ++j)
      if (args[j] == "--state") state = args[j + 1];
    for (const auto& a : args)
      if (a.rfind("--state=", 0) == 0) state = a.substr(8);
    if (state.empty()) {
      std::cerr << "cmgemu client: --state DIR is required\n";
      return 2;
    }
    return print_logs(state, std::vector<std::string>(args.begin() + i, args.end()));
  }

  PartyCommand c;
  c.command = "client";
  c.usage = kClientUsage;
  c.prefixes = {"client."};
  c.special = [](const std::vector<std::string>& words)
      -> std::optional<Result<std::pair<std::string, json>>> {
    if (to_lower(words[0]) != "ccmsetup") return std::nullopt;
    if (words.size() != 3)
      return Result<std::pair<std::string, json>>(
          InvalidArgument("ccmsetup NAME -- COMMAND LINE (the line after \"--\")"));
    return std::make_pair(std::string("client.ccmsetup"),
                          json{{"client", words[1]}, {"command_line", words[2]}});
  };
  c.print = [](const std::string& action, bool passed, const json& output) -> std::optional<int> {
    if (action != "client.ccmsetup" || !output.is_object()) return std::nullopt;
    const int exit_code = output.value("exit_code", -1);
    std::cout << "ccmsetup exit code " << exit_code << "\n";
    if (!output.value("client_id", "").empty())
      std::cout << "client ID " << output["client_id"].get<std::string>() << ", approval status "
                << output.value("approval_status", -1) << ", " << output.value("policies", 0)
                << " policies\n";
    if (!output.value("error", "").empty())
      std::cout << "error: " << output["error"].get<std::string>() << "\n";
    return passed && exit_code == 0 ? 0 : 1;
  };
  return run_party_command(args, c);
}

}  // namespace emu::cli

// `cmgemu site`: the site server's operations (console wizards, role properties, the cloud
// service manager, BulkRegistrationTokenTool.exe, read-only SQL) on a lab saved in a state
// folder. Each invocation resumes the lab (databases, virtual clock), runs one site action as
// a one-step scenario, prints its result and saves the lab again.
#include "emulator/core/text.h"
#include "harness/cli/commands.h"
#include "harness/cli/party_command.h"

#include <iostream>

namespace emu::cli {
namespace {

using nlohmann::json;

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
  PartyCommand c;
  c.command = "site";
  c.usage = kSiteUsage;
  c.prefixes = {"site.", "lab.dns."};
  c.special = [](const std::vector<std::string>& words)
      -> std::optional<Result<std::pair<std::string, json>>> {
    const std::string first = to_lower(words[0]);
    if (first.find("bulkregistrationtokentool") != std::string::npos) {
      std::string line = "bulkregistrationtokentool.exe";
      for (size_t i = 1; i < words.size(); ++i) line += " " + words[i];
      return std::make_pair(std::string("site.bulk_token.new"), json{{"command_line", line}});
    }
    if (first == "sql") {
      if (words.size() != 2)
        return Result<std::pair<std::string, json>>(
            InvalidArgument("sql takes one query argument (quote it)"));
      return std::make_pair(std::string("site.sql"), json{{"query", words[1]}});
    }
    return std::nullopt;
  };
  c.print = [](const std::string& action, bool passed, const json& output) -> std::optional<int> {
    if (action == "site.sql" && passed) {
      print_table(output);
      return 0;
    }
    if (output.is_object() && output.contains("output") && output["output"].is_string()) {
      std::cout << output["output"].get<std::string>();  // the token tool's own text
      return passed ? 0 : 1;
    }
    return std::nullopt;
  };
  return run_party_command(raw, c);
}

}  // namespace emu::cli

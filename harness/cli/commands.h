// cmgemu subcommands. Each takes the arguments after its name and returns the process exit
// code: 0 success, 1 the scenario (or served lab) failed, 2 bad input (usage, files).
#pragma once

#include <string>
#include <vector>

namespace emu::cli {

int cmd_serve(const std::vector<std::string>& args);
int cmd_run(const std::vector<std::string>& args);
int cmd_certs(const std::vector<std::string>& args);
int cmd_site(const std::vector<std::string>& args);
int cmd_client(const std::vector<std::string>& args);

}  // namespace emu::cli

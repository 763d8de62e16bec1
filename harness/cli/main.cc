// cmgemu: emulator and test harness for Configuration Manager's Cloud Management Gateway.
#include "harness/cli/commands.h"

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#ifndef CMGEMU_VERSION
#define CMGEMU_VERSION "0.0.0"
#endif

namespace {

constexpr const char* kUsage =
    "usage: cmgemu <command> [options]\n"
    "\n"
    "Emulates, on loopback, every party of a Configuration Manager cloud management gateway\n"
    "deployment (Azure Resource Manager, Entra ID, the site, the CMG, a client).\n"
    "\n"
    "commands:\n"
    "  serve        start the lab and serve until Ctrl-C\n"
    "  run          run scenario files and report each step\n"
    "  certs init   create the lab PKI (root CA, server/client certificates, CRL, bad fixtures)\n"
    "  site         run a site operation (SQL, bulk token tool, wizards) on a saved lab\n"
    "  client       run ccmsetup or a client action on a saved lab; print a client's logs\n"
    "  version      print the version\n"
    "\n"
    "Run 'cmgemu <command> --help' for the options of a command.\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  std::string command = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "version" || command == "--version") {
    std::cout << "cmgemu " << CMGEMU_VERSION << "\n";
    return 0;
  }
  if (command == "serve") return emu::cli::cmd_serve(rest);
  if (command == "run") return emu::cli::cmd_run(rest);
  if (command == "certs") return emu::cli::cmd_certs(rest);
  if (command == "site") return emu::cli::cmd_site(rest);
  if (command == "client") return emu::cli::cmd_client(rest);
  std::cerr << "cmgemu: unknown command '" << command << "'\n\n" << kUsage;
  return 2;
}

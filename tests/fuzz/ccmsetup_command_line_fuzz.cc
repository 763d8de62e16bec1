// Fuzz target: ccmsetup.exe's command line (emulator/client/ccmsetup/command_line.h). Bytes →
// split_command_line and parse_ccmsetup_command_line; nothing may crash, a parsed line's
// service echo must parse back to the same settings, and quote_argument must round-trip.
#include "emulator/client/ccmsetup/command_line.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace emu::client;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  (void)split_command_line(line);
  auto parsed = parse_ccmsetup_command_line(line);
  if (parsed.ok()) {
    auto again = parse_ccmsetup_command_line(service_command_line(*parsed));
    if (!again.ok() || again->properties != parsed->properties ||
        again->sources != parsed->sources || again->mps != parsed->mps ||
        again->regtoken != parsed->regtoken || again->no_crl_check != parsed->no_crl_check)
      std::abort();
  }
  // Any bytes as one argument survive quoting (a NUL ends nothing here: std::string keeps it).
  const std::string arg(line.substr(0, 256));
  const auto argv = split_command_line("x " + quote_argument(arg));
  if (argv.size() != 2 || argv[1] != arg) std::abort();
  return 0;
}

// Minimal command-line parsing for cmgemu's subcommands: --flag, --flag VALUE, --flag=VALUE,
// repeatable flags and positional arguments. Unknown flags are errors with a suggestion.
#pragma once

#include "emulator/core/status.h"

#include <map>
#include <string>
#include <vector>

namespace emu::cli {

struct FlagSpec {
  std::string name;  // "--seed"
  bool takes_value = false;
  std::string help;  // "N  seed for identifiers (default: the scenario's)"
};

struct ParsedArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> values;  // flag -> values ("" for switches)
  bool has(const std::string& flag) const { return values.count(flag) > 0; }
  // Last value of `flag`, or `fallback`.
  std::string get(const std::string& flag, const std::string& fallback = "") const;
  std::vector<std::string> all(const std::string& flag) const;
};

// Parses argv[first..]. InvalidArgument "unknown option '--sed'; did you mean '--seed'?" or
// "option '--seed' needs a value".
Result<ParsedArgs> parse_args(const std::vector<std::string>& args,
                              const std::vector<FlagSpec>& specs);

// "  --seed N   seed for ..." lines for --help.
std::string flags_help(const std::vector<FlagSpec>& specs);

// Parses a non-negative integer; InvalidArgument naming `what`.
Result<uint64_t> parse_u64(const std::string& text, const std::string& what);

// Parses a byte count: a non-negative integer, optionally followed by K, M or G (KiB, MiB, GiB;
// case-insensitive, an optional "iB"/"B" after it). InvalidArgument naming `what`, also on
// overflow.
Result<uint64_t> parse_byte_size(const std::string& text, const std::string& what);

// Folder for the lab PKI when none is given: $CMGEMU_PKI_DIR, else
// $XDG_CACHE_HOME/cmgemu/pki, else $HOME/.cache/cmgemu/pki, else ./.cmgemu/pki.
std::string default_pki_dir();

}  // namespace emu::cli

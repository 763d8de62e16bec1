// ccmsetup.exe's command line, read as the real one reads it (memdocs
// configmgr/core/clients/deploy/about-client-installation-properties.md): parameters
// "/name" or "/name:value" (names case-insensitive), and client.msi properties "NAME=value".
// The seed's line gives /regtoken after the properties, so the two may mix in any order.
// Pure functions: no I/O, no clock.
#pragma once

#include "emulator/core/status.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emu::client {

// Bounds of what is read. Windows caps a command line at 32,767 characters (CreateProcess).
struct CommandLineLimits {
  size_t max_bytes = 32767;
  size_t max_arguments = 256;
};

// Splits a Windows command line into arguments as CommandLineToArgvW does. The first argument
// (the program) ends at the first space or tab, or at its closing quote, with no escapes. In
// the others: spaces and tabs separate outside quotes; 2n backslashes before a quote give n
// backslashes and the quote opens or closes a quoted run; 2n+1 backslashes before a quote give
// n backslashes and a literal quote; other backslashes are literal; inside a quoted run `""`
// is a literal quote. An empty line gives no arguments.
std::vector<std::string> split_command_line(std::string_view line);

// One parameter as typed: its name without the slash, as written ("NoCRLCheck"), and its value
// (nullopt for "/name" without a colon).
struct CcmsetupParameter {
  std::string name;
  std::optional<std::string> value;
};

struct CcmsetupCommandLine {
  std::string program;                        // argv[0], e.g. "ccmsetup.exe"
  std::vector<CcmsetupParameter> parameters;  // every /parameter, in the order given

  // The documented parameters, decoded (names matched case-insensitively).
  bool help = false;                     // /?
  bool allow_metered = false;            // /AllowMetered
  bool force_install = false;            // /forceinstall
  bool force_reboot = false;             // /forcereboot
  bool logon = false;                    // /logon
  bool no_crl_check = false;             // /NoCRLCheck
  bool no_service = false;               // /noservice
  bool service = false;                  // /service
  bool run_service = false;              // /runservice (the service instance's own command line)
  bool uninstall = false;                // /uninstall
  bool use_pki_cert = false;             // /UsePKICert
  std::vector<std::string> sources;      // /source: (repeatable), in order
  std::vector<std::string> mps;          // /mp: (several separated by ';')
  std::string regtoken;                  // /regtoken:
  int retry_minutes = 10;                // /retry: ("Retry time: 10 minute(s)" by default)
  int download_timeout_minutes = 1440;   // /downloadtimeout: (default one day)
  std::string bits_priority = "NORMAL";  // /BITSPriority: FOREGROUND, HIGH, NORMAL or LOW
  std::string config_file;               // /config:
  std::vector<std::string> skip_prereq;  // /skipprereq: (';'-separated)
  std::vector<std::string> exclude_features;   // /ExcludeFeatures: (only ClientUI exists)
  std::optional<bool> always_exclude_upgrade;  // /AlwaysExcludeUpgrade:TRUE|FALSE
  // Parameters the documentation does not list, as typed ("/bogus:1"); the caller logs them.
  std::vector<std::string> unknown_parameters;

  // client.msi properties, names upper-cased (MSI public properties are upper case), in name
  // order as ccmsetup.log's "MSI properties:" line lists them; a repeated name keeps the last
  // value [inferred].
  std::map<std::string, std::string> properties;

  // The property's value, or "" when it is not given.
  std::string property(std::string_view name) const;
};

// Parses a whole command line (program first). InvalidArgument naming the argument for: a line
// or argument count over `limits`; an empty line; a value-taking parameter without a value
// ("/mp", "/source:"); a bad value (/retry:abc, /downloadtimeout:-1, /BITSPriority:FAST,
// /AlwaysExcludeUpgrade:MAYBE); a flag given a value ("/logon:1"); a property without a valid
// MSI name ("=x", "1A=x"); or a word that is neither ("foo"). The wording is inferred: real
// ccmsetup's messages for bad input are not published.
Result<CcmsetupCommandLine> parse_ccmsetup_command_line(std::string_view line,
                                                        const CommandLineLimits& limits = {});

// Quotes one argument so that split_command_line gives it back unchanged: as it is when it has
// no space, tab or quote and is not empty, else in quotes with quotes and the backslashes
// before them escaped.
std::string quote_argument(std::string_view arg);

// The service instance's command line as ccmsetup.log echoes it ("Ccmsetup command line:"),
// after a real log's sample [README S3] `"C:\Windows\ccmsetup\ccmsetup.exe" /runservice
// "/mp:server.dmz" FSP="primary.lan" SMSSITECODE="abc"`: the installed program in quotes,
// /runservice and two spaces, each parameter with a value in quotes as a whole ("/name:value"),
// flags bare [inferred], then the properties in name order as NAME="value". The /runservice
// and /service parameters of the original are not repeated.
std::string service_command_line(const CcmsetupCommandLine& c);

}  // namespace emu::client

#include "emulator/client/ccmsetup/command_line.h"

#include "emulator/core/text.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace emu::client {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// `value` in quotes, with quotes and the backslashes before them (or before the closing quote)
// escaped as CommandLineToArgvW expects.
std::string quote_always(std::string_view value) {
  std::string out = "\"";
  size_t backslashes = 0;
  for (char c : value) {
    if (c == '\\') {
      ++backslashes;
      continue;
    }
    if (c == '"') {
      out.append(backslashes * 2 + 1, '\\');
    } else {
      out.append(backslashes, '\\');
    }
    backslashes = 0;
    out += c;
  }
  out.append(backslashes * 2, '\\');
  return out + "\"";
}

std::vector<std::string> split_list(std::string_view value) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = value.find(';', start);
    if (end == std::string_view::npos) end = value.size();
    std::string item = trim(value.substr(start, end - start));
    if (!item.empty()) out.push_back(std::move(item));
    start = end + 1;
  }
  return out;
}

std::optional<int> minutes(std::string_view value) {
  int n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || n < 0) return std::nullopt;
  return n;
}

// MSI property names: a letter or '_' first, then letters, digits, '_' or '.'.
bool is_property_name(std::string_view name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_'))
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
  });
}

enum class Kind { kFlag, kValue };

struct Known {
  const char* name;
  Kind kind;
};

// The documented parameters (memdocs about-client-installation-properties.md), plus /runservice
// which the service instance is started with (README [S3]).
constexpr Known kKnown[] = {
    {"?", Kind::kFlag},
    {"AllowMetered", Kind::kFlag},
    {"AlwaysExcludeUpgrade", Kind::kValue},
    {"BITSPriority", Kind::kValue},
    {"config", Kind::kValue},
    {"downloadtimeout", Kind::kValue},
    {"ExcludeFeatures", Kind::kValue},
    {"forceinstall", Kind::kFlag},
    {"forcereboot", Kind::kFlag},
    {"logon", Kind::kFlag},
    {"mp", Kind::kValue},
    {"NoCRLCheck", Kind::kFlag},
    {"noservice", Kind::kFlag},
    {"regtoken", Kind::kValue},
    {"retry", Kind::kValue},
    {"runservice", Kind::kFlag},
    {"service", Kind::kFlag},
    {"skipprereq", Kind::kValue},
    {"source", Kind::kValue},
    {"uninstall", Kind::kFlag},
    {"UsePKICert", Kind::kFlag},
};

const Known* find_known(std::string_view name) {
  for (const Known& k : kKnown)
    if (iequals(name, k.name)) return &k;
  return nullptr;
}

Status bad(const std::string& arg, const std::string& why) {
  return InvalidArgument("ccmsetup: " + arg + ": " + why);
}

Status apply(CcmsetupCommandLine& c, const std::string& arg, const Known& k,
             const std::optional<std::string>& value) {
  const std::string name = k.name;
  if (k.kind == Kind::kFlag) {
    if (value) return bad(arg, "/" + name + " takes no value");
    if (name == "?") c.help = true;
    if (name == "AllowMetered") c.allow_metered = true;
    if (name == "forceinstall") c.force_install = true;
    if (name == "forcereboot") c.force_reboot = true;
    if (name == "logon") c.logon = true;
    if (name == "NoCRLCheck") c.no_crl_check = true;
    if (name == "noservice") c.no_service = true;
    if (name == "runservice") c.run_service = true;
    if (name == "service") c.service = true;
    if (name == "uninstall") c.uninstall = true;
    if (name == "UsePKICert") c.use_pki_cert = true;
    return Status::Ok();
  }
  if (!value || trim(*value).empty())
    return bad(arg, "/" + name + " needs a value (/" + name + ":<value>)");
  const std::string v = trim(*value);
  if (name == "source") {
    c.sources.push_back(v);
  } else if (name == "mp") {
    for (auto& mp : split_list(v)) c.mps.push_back(std::move(mp));
  } else if (name == "regtoken") {
    c.regtoken = v;
  } else if (name == "retry" || name == "downloadtimeout") {
    auto n = minutes(v);
    if (!n) return bad(arg, "/" + name + " needs a number of minutes");
    (name == "retry" ? c.retry_minutes : c.download_timeout_minutes) = *n;
  } else if (name == "BITSPriority") {
    const std::string p = to_upper(v);
    if (p != "FOREGROUND" && p != "HIGH" && p != "NORMAL" && p != "LOW")
      return bad(arg, "/BITSPriority is FOREGROUND, HIGH, NORMAL or LOW");
    c.bits_priority = p;
  } else if (name == "config") {
    c.config_file = v;
  } else if (name == "skipprereq") {
    for (auto& f : split_list(v)) c.skip_prereq.push_back(std::move(f));
  } else if (name == "ExcludeFeatures") {
    for (auto& f : split_list(v)) c.exclude_features.push_back(std::move(f));
  } else if (name == "AlwaysExcludeUpgrade") {
    if (iequals(v, "TRUE")) {
      c.always_exclude_upgrade = true;
    } else if (iequals(v, "FALSE")) {
      c.always_exclude_upgrade = false;
    } else {
      return bad(arg, "/AlwaysExcludeUpgrade is TRUE or FALSE");
    }
  }
  return Status::Ok();
}

}  // namespace

std::vector<std::string> split_command_line(std::string_view line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size() && is_blank(line[i])) ++i;
  if (i == line.size()) return out;
  // The program: up to a blank, or a quoted run taken literally.
  std::string program;
  bool quoted = false;
  for (; i < line.size(); ++i) {
    const char ch = line[i];
    if (ch == '"') {
      quoted = !quoted;
      continue;
    }
    if (!quoted && is_blank(ch)) break;
    program += ch;
  }
  out.push_back(std::move(program));
  for (;;) {
    while (i < line.size() && is_blank(line[i])) ++i;
    if (i >= line.size()) break;
    std::string arg;
    bool in_quotes = false;
    while (i < line.size()) {
      const char ch = line[i];
      if (ch == '\\') {
        size_t n = 0;
        while (i < line.size() && line[i] == '\\') ++n, ++i;
        if (i < line.size() && line[i] == '"') {
          arg.append(n / 2, '\\');
          if (n % 2 == 1) {
            arg += '"';
            ++i;
          }
        } else {
          arg.append(n, '\\');
        }
        continue;
      }
      if (ch == '"') {
        if (in_quotes && i + 1 < line.size() && line[i + 1] == '"') {
          arg += '"';  // "" inside a quoted run
          i += 2;
          continue;
        }
        in_quotes = !in_quotes;
        ++i;
        continue;
      }
      if (!in_quotes && is_blank(ch)) break;
      arg += ch;
      ++i;
    }
    out.push_back(std::move(arg));
  }
  return out;
}

std::string CcmsetupCommandLine::property(std::string_view name) const {
  auto it = properties.find(to_upper(name));
  return it == properties.end() ? std::string() : it->second;
}

Result<CcmsetupCommandLine> parse_ccmsetup_command_line(std::string_view line,
                                                        const CommandLineLimits& limits) {
  if (line.size() > limits.max_bytes)
    return InvalidArgument("ccmsetup: the command line is longer than " +
                           std::to_string(limits.max_bytes) + " characters");
  std::vector<std::string> argv = split_command_line(line);
  if (argv.empty() || argv[0].empty()) return InvalidArgument("ccmsetup: empty command line");
  if (argv.size() > limits.max_arguments + 1)
    return InvalidArgument("ccmsetup: more than " + std::to_string(limits.max_arguments) +
                           " arguments");
  CcmsetupCommandLine c;
  c.program = argv[0];
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg.empty()) continue;  // "" on a command line is nothing
    if (arg[0] == '/' || arg[0] == '-') {
      const size_t colon = arg.find(':');
      CcmsetupParameter p;
      p.name = arg.substr(1, colon == std::string::npos ? std::string::npos : colon - 1);
      if (colon != std::string::npos) p.value = arg.substr(colon + 1);
      if (p.name.empty()) return bad(arg, "a parameter needs a name");
      const Known* k = find_known(p.name);
      if (k == nullptr) {
        c.unknown_parameters.push_back(arg);
      } else {
        EMU_RETURN_IF_ERROR(apply(c, arg, *k, p.value));
      }
      c.parameters.push_back(std::move(p));
      continue;
    }
    const size_t eq = arg.find('=');
    if (eq == std::string::npos) return bad(arg, "neither a /parameter nor a PROPERTY=value");
    const std::string name = arg.substr(0, eq);
    if (!is_property_name(name)) return bad(arg, "'" + name + "' is not a property name");
    c.properties[to_upper(name)] = arg.substr(eq + 1);
  }
  return c;
}

std::string quote_argument(std::string_view arg) {
  const bool plain = !arg.empty() && arg.find_first_of(" \t\"") == std::string_view::npos;
  return plain ? std::string(arg) : quote_always(arg);
}

std::string service_command_line(const CcmsetupCommandLine& c) {
  std::string out = "\"C:\\Windows\\ccmsetup\\ccmsetup.exe\" /runservice ";
  for (const CcmsetupParameter& p : c.parameters) {
    if (iequals(p.name, "runservice") || iequals(p.name, "service")) continue;
    out += ' ';
    out += p.value ? quote_always("/" + p.name + ":" + *p.value) : quote_argument("/" + p.name);
  }
  for (const auto& [name, value] : c.properties) out += " " + name + "=" + quote_always(value);
  return out;
}

}  // namespace emu::client

#include "harness/cli/args.h"

#include "emulator/core/actions.h"

#include <charconv>
#include <cstdlib>

namespace emu::cli {

std::string ParsedArgs::get(const std::string& flag, const std::string& fallback) const {
  auto it = values.find(flag);
  return it == values.end() || it->second.empty() ? fallback : it->second.back();
}

std::vector<std::string> ParsedArgs::all(const std::string& flag) const {
  auto it = values.find(flag);
  return it == values.end() ? std::vector<std::string>{} : it->second;
}

Result<ParsedArgs> parse_args(const std::vector<std::string>& args,
                              const std::vector<FlagSpec>& specs) {
  ParsedArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() < 2 || a.rfind("--", 0) != 0) {
      out.positional.push_back(a);
      continue;
    }
    std::string name = a, value;
    bool inline_value = false;
    if (auto eq = a.find('='); eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      inline_value = true;
    }
    const FlagSpec* spec = nullptr;
    for (const auto& s : specs)
      if (s.name == name) spec = &s;
    if (!spec) {
      std::string best;
      size_t best_d = 3;
      for (const auto& s : specs) {
        size_t d = edit_distance(name, s.name);
        if (d < best_d) best_d = d, best = s.name;
      }
      return InvalidArgument("unknown option '" + name + "'" +
                             (best.empty() ? "" : "; did you mean '" + best + "'?"));
    }
    if (spec->takes_value && !inline_value) {
      if (i + 1 >= args.size()) return InvalidArgument("option '" + name + "' needs a value");
      value = args[++i];
    } else if (!spec->takes_value && inline_value) {
      return InvalidArgument("option '" + name + "' takes no value");
    }
    out.values[name].push_back(value);
  }
  return out;
}

std::string flags_help(const std::vector<FlagSpec>& specs) {
  std::string out;
  for (const auto& s : specs) {
    std::string left = "  " + s.name;
    std::string help = s.help;
    if (s.takes_value) {
      auto sp = help.find("  ");
      if (sp != std::string::npos) {
        left += " " + help.substr(0, sp);
        help = help.substr(sp + 2);
      }
    }
    if (left.size() < 26)
      left.resize(26, ' ');
    else
      left += "  ";
    out += left + help + "\n";
  }
  return out;
}

Result<uint64_t> parse_u64(const std::string& text, const std::string& what) {
  uint64_t v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size())
    return InvalidArgument(what + " must be a non-negative integer, got '" + text + "'");
  return v;
}

Result<uint64_t> parse_byte_size(const std::string& text, const std::string& what) {
  auto bad = [&] {
    return InvalidArgument(what + " must be a byte count such as 67108864, 64M or 1G, got '" +
                           text + "'");
  };
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return bad();
  uint64_t v = 0;
  auto r = std::from_chars(text.data(), text.data() + digits, v);
  if (r.ec != std::errc()) return bad();
  std::string unit = text.substr(digits);
  for (char& c : unit) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  int shift = 0;
  if (unit.empty() || unit == "B") {
    shift = 0;
  } else if (unit == "K" || unit == "KB" || unit == "KIB") {
    shift = 10;
  } else if (unit == "M" || unit == "MB" || unit == "MIB") {
    shift = 20;
  } else if (unit == "G" || unit == "GB" || unit == "GIB") {
    shift = 30;
  } else {
    return bad();
  }
  if (shift > 0 && v > (UINT64_MAX >> shift)) return bad();
  return v << shift;
}

std::string default_pki_dir() {
  if (const char* d = std::getenv("CMGEMU_PKI_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/cmgemu/pki";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/cmgemu/pki";
  return ".cmgemu/pki";
}

}  // namespace emu::cli

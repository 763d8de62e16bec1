// Built-in template functions that need no deployment context: strings, arrays/objects,
// logic and integer arithmetic; plus the table lookup over every built-in.

#include "emulator/arm/templates/internal.h"
#include "emulator/core/json_limits.h"
#include "emulator/core/text.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace emu::arm::tmpl {
namespace {

using Args = std::vector<Json>;

Status type_error(std::string_view fn, size_t i, std::string_view want, const Json& got) {
  return function_error(fn, "the argument at position " + std::to_string(i + 1) +
                                " must be of type '" + std::string(want) + "', not '" +
                                json_kind(got) + "'");
}
Result<std::string> str(std::string_view fn, const Args& a, size_t i) {
  if (!a[i].is_string()) return type_error(fn, i, "String", a[i]);
  return a[i].get<std::string>();
}
Result<int64_t> num(std::string_view fn, const Args& a, size_t i) {
  if (!a[i].is_number_integer()) return type_error(fn, i, "Integer", a[i]);
  return a[i].get<int64_t>();
}
Result<bool> boolean(std::string_view fn, const Args& a, size_t i) {
  if (!a[i].is_boolean()) return type_error(fn, i, "Boolean", a[i]);
  return a[i].get<bool>();
}
bool all_of_type(const Args& a, Json::value_t t) {
  return std::all_of(a.begin(), a.end(), [t](const Json& v) { return v.type() == t; });
}
// Case-insensitive (ordinal ignore case) search, as ARM's indexOf/startsWith/endsWith.
size_t ifind(std::string_view hay, std::string_view needle, bool last) {
  std::string h = to_lower(hay);
  std::string n = to_lower(needle);
  return last ? h.rfind(n) : h.find(n);
}

// A result that would pass kTemplateLimits.max_value_bytes (checked before it is built).
Status too_large(std::string_view fn) {
  return function_error(fn, "the result would be larger than " +
                                std::to_string(kTemplateLimits.max_value_bytes) +
                                " bytes, the emulator's limit for one value");  // inferred
}

// Searching `needle` in `hay` costs up to their product (std::string::find is naive).
Status charge_search(EvalContext& ctx, size_t hay, size_t needle) {
  return charge(ctx.state, static_cast<uint64_t>(hay) * std::max<size_t>(needle, 1));
}

// --- strings ---

Result<Json> fn_concat(std::string_view fn, Args& a, EvalContext&) {
  size_t total = 0;
  for (const Json& v : a) total += json_shape(v, kTemplateLimits.max_value_bytes).bytes;
  if (total > kTemplateLimits.max_value_bytes) return too_large(fn);
  if (!a.empty() && all_of_type(a, Json::value_t::array)) {
    Json out = Json::array();
    for (const Json& v : a) out.insert(out.end(), v.begin(), v.end());
    return out;
  }
  std::string out;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].is_array() || a[i].is_object()) return type_error(fn, i, "String", a[i]);
    out += to_display_string(a[i]);
  }
  return Json(out);
}

Result<Json> fn_format(std::string_view fn, Args& a, EvalContext&) {
  EMU_ASSIGN_OR_RETURN(std::string f, str(fn, a, 0));
  std::string out;
  for (size_t i = 0; i < f.size(); ++i) {
    char c = f[i];
    if ((c == '{' || c == '}') && i + 1 < f.size() && f[i + 1] == c) {
      out += c;
      ++i;
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    size_t close = f.find('}', i);
    if (close == std::string::npos)
      return function_error(fn, "Input string was not in a correct format.");
    std::string item = f.substr(i + 1, close - i - 1);
    std::string spec;
    if (size_t colon = item.find(':'); colon != std::string::npos) {
      spec = item.substr(colon + 1);
      item.resize(colon);
    }
    if (item.empty() ||
        !std::all_of(item.begin(), item.end(), [](char d) { return d >= '0' && d <= '9'; }) ||
        item.size() > 6 || std::stoul(item) + 1 >= a.size()) {
      return function_error(fn,
                            "Index (zero based) must be greater than or equal to zero and less "
                            "than the size of the argument list.");
    }
    const Json& v = a[std::stoul(item) + 1];
    std::string text = to_display_string(v);
    if (!spec.empty()) {  // only "Dn" (zero-padded integer) is supported
      if ((spec[0] != 'D' && spec[0] != 'd') || !v.is_number_integer() || spec.size() > 3) {
        return function_error(
            fn, "the format specifier '" + spec + "' is not supported by the emulator");
      }
      size_t width = spec.size() > 1 ? static_cast<size_t>(std::stoi(spec.substr(1))) : 0;
      bool neg = !text.empty() && text[0] == '-';
      std::string digits = neg ? text.substr(1) : text;
      if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
      text = neg ? "-" + digits : digits;
    }
    out += text;
    if (out.size() > kTemplateLimits.max_value_bytes) return too_large(fn);
    i = close;
  }
  return Json(out);
}

Result<Json> fn_case(std::string_view fn, Args& a, EvalContext&) {
  EMU_ASSIGN_OR_RETURN(std::string s, str(fn, a, 0));
  return Json(iequals(fn, "toUpper") ? to_upper(s) : to_lower(s));
}

Result<Json> fn_string(std::string_view, Args& a, EvalContext&) {
  return Json(to_display_string(a[0]));
}

Result<Json> fn_int(std::string_view fn, Args& a, EvalContext&) {
  if (a[0].is_number_integer()) return a[0];
  if (a[0].is_string()) {
    const std::string& s = a[0].get_ref<const std::string&>();
    size_t used = 0;
    try {
      long long v = std::stoll(s, &used);
      if (used == s.size()) return Json(static_cast<int64_t>(v));
    } catch (...) {  // std::invalid_argument / std::out_of_range: reported below
    }
    return function_error(fn, "the value '" + s + "' cannot be converted to an integer");
  }
  return type_error(fn, 0, "Integer", a[0]);
}

Result<Json> fn_bool(std::string_view fn, Args& a, EvalContext&) {
  if (a[0].is_boolean()) return a[0];
  if (a[0].is_number_integer()) return Json(a[0].get<int64_t>() != 0);
  if (a[0].is_string()) {
    const std::string& s = a[0].get_ref<const std::string&>();
    if (iequals(s, "true")) return Json(true);
    if (iequals(s, "false")) return Json(false);
  }
  return function_error(fn, "the value cannot be converted to a boolean");
}

Result<Json> fn_length(std::string_view fn, Args& a, EvalContext&) {
  if (a[0].is_array() || a[0].is_object()) return Json(static_cast<int64_t>(a[0].size()));
  EMU_ASSIGN_OR_RETURN(std::string s, str(fn, a, 0));
  int64_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;  // code points
  return Json(n);
}

Result<Json> fn_empty(std::string_view, Args& a, EvalContext&) {
  const Json& v = a[0];
  if (v.is_string()) return Json(v.get_ref<const std::string&>().empty());
  return Json(v.is_null() || ((v.is_array() || v.is_object()) && v.empty()));
}

Result<Json> fn_contains(std::string_view fn, Args& a, EvalContext& ctx) {
  if (a[0].is_array()) return Json(std::find(a[0].begin(), a[0].end(), a[1]) != a[0].end());
  if (a[0].is_object())
    return Json(a[1].is_string() && find_member(a[0], a[1].get<std::string>()) != nullptr);
  EMU_ASSIGN_OR_RETURN(std::string s, str(fn, a, 0));
  const std::string needle = to_display_string(a[1]);
  EMU_RETURN_IF_ERROR(charge_search(ctx, s.size(), needle.size()));
  return Json(s.find(needle) != std::string::npos);
}

Result<Json> fn_replace(std::string_view fn, Args& a, EvalContext& ctx) {
  EMU_ASSIGN_OR_RETURN(std::string s, str(fn, a, 0));
  EMU_ASSIGN_OR_RETURN(std::string from, str(fn, a, 1));
  EMU_ASSIGN_OR_RETURN(std::string to, str(fn, a, 2));
  if (from.empty()) return function_error(fn, "the string to replace cannot be empty");
  EMU_RETURN_IF_ERROR(charge_search(ctx, s.size(), from.size()));
  size_t hits = 0;
  for (size_t hit = 0; (hit = s.find(from, hit)) != std::string::npos; hit += from.size()) ++hits;
  if (to.size() > from.size() && hits > (kTemplateLimits.max_value_bytes -
                                         std::min(s.size(), kTemplateLimits.max_value_bytes)) /
                                            (to.size() - from.size())) {
    return too_large(fn);
  }
  std::string out;
  size_t pos = 0;
  for (size_t hit; (hit = s.find(from, pos)) != std::string::npos; pos = hit + from.size()) {
    out.append(s, pos, hit - pos).append(to);
  }
  return Json(out + s.substr(pos));
}

Result<Json> fn_split(std::string_view fn, Args& a, EvalContext& ctx) {
  EMU_ASSIGN_OR_RETURN(std::string s, str(fn, a, 0));
  std::vector<std::string> delims;
  size_t delim_bytes = 0;
  for (const Json& d : a[1].is_array() ? a[1] : Json::array({a[1]})) {
    if (!d.is_string()) return type_error(fn, 1, "String", d);
    if (!d.get_ref<const std::string&>().empty()) delims.push_back(d.get<std::string>());
    delim_bytes += d.get_ref<const std::string&>().size();
  }
  EMU_RETURN_IF_ERROR(charge_search(ctx, s.size(), delim_bytes));
  // Each piece costs a node: charged as it is made, so a split into millions stops early.
  size_t out_bytes = 2;
  auto piece = [&](size_t from, size_t to) -> Status {
    out_bytes += to - from + 3;
    if (out_bytes > kTemplateLimits.max_value_bytes) return too_large(fn);
    return charge(ctx.state, TemplateLimits::kUnitsPerNode);
  };
  Json out = Json::array();
  size_t start = 0;
  for (size_t i = 0; i < s.size();) {
    auto hit = std::find_if(delims.begin(), delims.end(),
                            [&](const std::string& d) { return s.compare(i, d.size(), d) == 0; });
    if (hit == delims.end()) {
      ++i;
      continue;
    }
    EMU_RETURN_IF_ERROR(piece(start, i));
    out.push_back(s.substr(start, i - start));
    i += hit->size();
    start = i;
  }
  EMU_RETURN_IF_ERROR(piece(start, s.size()));
  out.push_back(s.substr(start));
  return out;
}

Result<Json> fn_substring(std::string_view fn, Args& a, EvalContext&) {
  EMU_ASSIGN_OR_RETURN(std::string s, str(fn, a, 0));
  EMU_ASSIGN_OR_RETURN(int64_t start, num(fn, a, 1));
  int64_t size = static_cast<int64_t>(s.size());
  int64_t len = size - start;
  if (a.size() > 2) {
    EMU_ASSIGN_OR_RETURN(len, num(fn, a, 2));
  }
  if (start < 0 || len < 0 || start > size || len > size - start) {
    return function_error(fn,
                          "The index and length parameters must refer to a location within "
                          "the string. The index parameter: '" +
                              std::to_string(start) + "', the length parameter: '" +
                              std::to_string(len) + "', the length of the string parameter: '" +
                              std::to_string(size) + "'");
  }
  return Json(s.substr(static_cast<size_t>(start), static_cast<size_t>(len)));
}

Result<Json> fn_affix(std::string_view fn, Args& a, EvalContext&) {
  EMU_ASSIGN_OR_RETURN(std::string s, str(fn, a, 0));
  EMU_ASSIGN_OR_RETURN(std::string x, str(fn, a, 1));
  if (x.size() > s.size()) return Json(false);
  bool starts = iequals(fn, "startsWith");
  return Json(iequals(starts ? std::string_view(s).substr(0, x.size())
                             : std::string_view(s).substr(s.size() - x.size()),
                      x));
}

Result<Json> fn_index_of(std::string_view fn, Args& a, EvalContext& ctx) {
  EMU_ASSIGN_OR_RETURN(std::string s, str(fn, a, 0));
  EMU_ASSIGN_OR_RETURN(std::string x, str(fn, a, 1));
  EMU_RETURN_IF_ERROR(charge_search(ctx, s.size(), x.size()));
  size_t hit = ifind(s, x, iequals(fn, "lastIndexOf"));
  return Json(hit == std::string::npos ? int64_t{-1} : static_cast<int64_t>(hit));
}

Result<Json> fn_trim(std::string_view fn, Args& a, EvalContext&) {
  EMU_ASSIGN_OR_RETURN(std::string s, str(fn, a, 0));
  const char* ws = " \t\r\n\f\v";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return Json("");
  return Json(s.substr(b, s.find_last_not_of(ws) - b + 1));
}

Result<Json> fn_pad_left(std::string_view fn, Args& a, EvalContext&) {
  if (!a[0].is_string() && !a[0].is_number_integer()) return type_error(fn, 0, "String", a[0]);
  std::string s = to_display_string(a[0]);
  EMU_ASSIGN_OR_RETURN(int64_t width, num(fn, a, 1));
  std::string pad = " ";
  if (a.size() > 2) {
    EMU_ASSIGN_OR_RETURN(pad, str(fn, a, 2));
  }
  if (pad.size() != 1)
    return function_error(fn, "the padding character must be a single character");
  if (width > 16384) return function_error(fn, "the total length is too large");
  if (static_cast<int64_t>(s.size()) < width)
    s.insert(0, static_cast<size_t>(width) - s.size(), pad[0]);
  return Json(s);
}

Result<Json> fn_uri(std::string_view fn, Args& a, EvalContext&) {
  EMU_ASSIGN_OR_RETURN(std::string base, str(fn, a, 0));
  EMU_ASSIGN_OR_RETURN(std::string rel, str(fn, a, 1));
  size_t scheme = base.find("://");
  if (scheme == std::string::npos)
    return function_error(fn, "the base URI '" + base + "' is not absolute");
  if (rel.find("://") != std::string::npos) return Json(rel);
  if (!rel.empty() && rel[0] == '/') {
    size_t path = base.find('/', scheme + 3);
    return Json(base.substr(0, path) + rel);
  }
  size_t last = base.rfind('/');
  return Json((last < scheme + 3 ? base + "/" : base.substr(0, last + 1)) + rel);
}

Result<Json> fn_json(std::string_view fn, Args& a, EvalContext&) {
  EMU_ASSIGN_OR_RETURN(std::string s, str(fn, a, 0));
  Result<Json> v = parse_json_limited(
      s, JsonLimits{kTemplateLimits.max_value_bytes, kTemplateLimits.max_json_depth});
  if (!v.ok()) {
    if (v.status().code() == StatusCode::kResourceExhausted)
      return function_error(fn, v.status().message());
    return function_error(fn, "the argument is not valid JSON");
  }
  return v;
}

// --- logic and comparison ---

Result<Json> fn_equals(std::string_view, Args& a, EvalContext&) { return Json(a[0] == a[1]); }
Result<Json> fn_not(std::string_view fn, Args& a, EvalContext&) {
  EMU_ASSIGN_OR_RETURN(bool v, boolean(fn, a, 0));
  return Json(!v);
}
Result<Json> fn_and_or(std::string_view fn, Args& a, EvalContext&) {
  bool is_and = iequals(fn, "and");
  bool acc = is_and;
  for (size_t i = 0; i < a.size(); ++i) {
    EMU_ASSIGN_OR_RETURN(bool v, boolean(fn, a, i));
    acc = is_and ? (acc && v) : (acc || v);
  }
  return Json(acc);
}
Result<Json> fn_true(std::string_view, Args&, EvalContext&) { return Json(true); }
Result<Json> fn_false(std::string_view, Args&, EvalContext&) { return Json(false); }
Result<Json> fn_null(std::string_view, Args&, EvalContext&) { return Json(nullptr); }
Result<Json> fn_coalesce(std::string_view, Args& a, EvalContext&) {
  for (const Json& v : a) {
    if (!v.is_null()) return v;
  }
  return Json(nullptr);
}
Result<Json> fn_compare(std::string_view fn, Args& a, EvalContext&) {
  bool ints = a[0].is_number_integer() && a[1].is_number_integer();
  if (!ints && !(a[0].is_string() && a[1].is_string())) {
    return function_error(fn, "the arguments must be both integers or both strings");
  }
  int c = ints ? (a[0].get<int64_t>() < a[1].get<int64_t>() ? -1
                  : a[0] == a[1]                            ? 0
                                                            : 1)
               : a[0].get<std::string>().compare(a[1].get<std::string>());
  std::string f = to_lower(fn);
  if (f == "greater") return Json(c > 0);
  if (f == "greaterorequals") return Json(c >= 0);
  if (f == "less") return Json(c < 0);
  return Json(c <= 0);
}

}  // namespace

Status function_error(std::string_view name, std::string_view detail) {
  return InvalidArgument("Unable to evaluate template language function '" + std::string(name) +
                         "': " + std::string(detail) + ".");
}

std::vector<FunctionEntry> general_functions() {
  return {
      {"concat", 0, -1, fn_concat},
      {"format", 1, -1, fn_format},
      {"tolower", 1, 1, fn_case},
      {"toupper", 1, 1, fn_case},
      {"string", 1, 1, fn_string},
      {"int", 1, 1, fn_int},
      {"bool", 1, 1, fn_bool},
      {"length", 1, 1, fn_length},
      {"empty", 1, 1, fn_empty},
      {"contains", 2, 2, fn_contains},
      {"replace", 3, 3, fn_replace},
      {"split", 2, 2, fn_split},
      {"substring", 2, 3, fn_substring},
      {"startswith", 2, 2, fn_affix},
      {"endswith", 2, 2, fn_affix},
      {"indexof", 2, 2, fn_index_of},
      {"lastindexof", 2, 2, fn_index_of},
      {"trim", 1, 1, fn_trim},
      {"padleft", 2, 3, fn_pad_left},
      {"uri", 2, 2, fn_uri},
      {"json", 1, 1, fn_json},
      {"equals", 2, 2, fn_equals},
      {"not", 1, 1, fn_not},
      {"and", 2, -1, fn_and_or},
      {"or", 2, -1, fn_and_or},
      {"true", 0, 0, fn_true},
      {"false", 0, 0, fn_false},
      {"null", 0, 0, fn_null},
      {"coalesce", 1, -1, fn_coalesce},
      {"greater", 2, 2, fn_compare},
      {"greaterorequals", 2, 2, fn_compare},
      {"less", 2, 2, fn_compare},
      {"lessorequals", 2, 2, fn_compare},
  };
}

const FunctionEntry* find_function(std::string_view lower_name) {
  static const auto* const kTable = [] {
    auto* table = new std::unordered_map<std::string, FunctionEntry>();
    for (const auto& list : {general_functions(), collection_functions(), scope_functions()}) {
      for (const FunctionEntry& f : list) table->emplace(f.name, f);
    }
    return table;
  }();
  auto it = kTable->find(std::string(lower_name));
  return it == kTable->end() ? nullptr : &it->second;
}

}  // namespace emu::arm::tmpl

// Built-in template functions over arrays, objects and integers.

#include "emulator/arm/templates/internal.h"
#include "emulator/core/text.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace emu::arm::tmpl {
namespace {

using Args = std::vector<Json>;

Result<int64_t> integer(std::string_view fn, const Json& v) {
  if (!v.is_number_integer()) {
    return function_error(fn, "expected an integer argument, not '" + json_kind(v) + "'");
  }
  return v.get<int64_t>();
}

Result<Json> fn_arith(std::string_view fn, Args& a, EvalContext&) {
  EMU_ASSIGN_OR_RETURN(int64_t x, integer(fn, a[0]));
  EMU_ASSIGN_OR_RETURN(int64_t y, integer(fn, a[1]));
  std::string f = to_lower(fn);
  int64_t r = 0;
  bool overflow = false;
  if (f == "add") {
    overflow = __builtin_add_overflow(x, y, &r);
  } else if (f == "sub") {
    overflow = __builtin_sub_overflow(x, y, &r);
  } else if (f == "mul") {
    overflow = __builtin_mul_overflow(x, y, &r);
  } else {
    if (y == 0) return function_error(fn, "the divisor must not be zero");
    if (x == INT64_MIN && y == -1)
      return function_error(fn, "the result overflows a 64-bit integer");
    r = f == "div" ? x / y : x % y;
  }
  if (overflow) return function_error(fn, "the result overflows a 64-bit integer");
  return Json(r);
}

Result<Json> fn_min_max(std::string_view fn, Args& a, EvalContext&) {
  const Args items = (a.size() == 1 && a[0].is_array()) ? a[0].get<Args>() : a;
  if (items.empty()) return function_error(fn, "at least one value is required");
  bool is_min = iequals(fn, "min");
  int64_t best = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    EMU_ASSIGN_OR_RETURN(int64_t v, integer(fn, items[i]));
    if (i == 0 || (is_min ? v < best : v > best)) best = v;
  }
  return Json(best);
}

Result<Json> fn_create_array(std::string_view, Args& a, EvalContext&) {
  Json out = Json::array();
  for (Json& v : a) out.push_back(std::move(v));
  return out;
}

Result<Json> fn_array(std::string_view, Args& a, EvalContext&) {
  return a[0].is_array() ? a[0] : Json::array({a[0]});
}

Result<Json> fn_create_object(std::string_view fn, Args& a, EvalContext&) {
  if (a.size() % 2 != 0) return function_error(fn, "the arguments must be key/value pairs");
  Json out = Json::object();
  for (size_t i = 0; i < a.size(); i += 2) {
    if (!a[i].is_string()) return function_error(fn, "the keys must be strings");
    out[a[i].get<std::string>()] = std::move(a[i + 1]);
  }
  return out;
}

// Objects: later arguments win, nested objects are merged; arrays: distinct elements in order.
// The recursion follows `from`, whose depth check_produced bounded (or the template's).
void merge_into(Json& into, const Json& from) {
  for (auto it = from.begin(); it != from.end(); ++it) {
    auto cur = into.find(it.key());
    if (cur != into.end() && cur->is_object() && it->is_object()) {
      merge_into(*cur, *it);
    } else {
      into[it.key()] = *it;
    }
  }
}

Result<Json> fn_union(std::string_view fn, Args& a, EvalContext& ctx) {
  bool objects = std::all_of(a.begin(), a.end(), [](const Json& v) { return v.is_object(); });
  bool arrays = std::all_of(a.begin(), a.end(), [](const Json& v) { return v.is_array(); });
  if (!objects && !arrays)
    return function_error(fn, "the arguments must be all objects or all arrays");
  Json out = objects ? Json::object() : Json::array();
  for (const Json& v : a) {
    if (objects) {
      merge_into(out, v);
      continue;
    }
    for (const Json& e : v) {
      // The comparisons with what is already in.
      EMU_RETURN_IF_ERROR(charge(ctx.state, (out.size() + 1) * TemplateLimits::kUnitsPerNode));
      if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
    }
  }
  return out;
}

Result<Json> fn_intersection(std::string_view fn, Args& a, EvalContext& ctx) {
  if (!std::all_of(a.begin(), a.end(), [](const Json& v) { return v.is_array(); })) {
    return function_error(fn, "the emulator supports intersection() of arrays only");
  }
  uint64_t others = 0;
  for (const Json& v : a) others += v.size();
  EMU_RETURN_IF_ERROR(charge(
      ctx.state, static_cast<uint64_t>(a[0].size()) * others * TemplateLimits::kUnitsPerNode));
  Json out = Json::array();
  for (const Json& e : a[0]) {
    bool everywhere = std::all_of(a.begin() + 1, a.end(), [&](const Json& v) {
      return std::find(v.begin(), v.end(), e) != v.end();
    });
    if (everywhere && std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
  }
  return out;
}

Result<Json> fn_first_last(std::string_view fn, Args& a, EvalContext&) {
  bool first = iequals(fn, "first");
  if (a[0].is_array()) {
    if (a[0].empty()) return Json(nullptr);
    return first ? a[0].front() : a[0].back();
  }
  if (a[0].is_string()) {
    const std::string& s = a[0].get_ref<const std::string&>();
    if (s.empty()) return Json("");
    return Json(std::string(1, first ? s.front() : s.back()));
  }
  return function_error(fn, "the argument must be an array or a string");
}

Result<Json> fn_take_skip(std::string_view fn, Args& a, EvalContext&) {
  EMU_ASSIGN_OR_RETURN(int64_t n, integer(fn, a[1]));
  bool take = iequals(fn, "take");
  size_t size = a[0].is_array()    ? a[0].size()
                : a[0].is_string() ? a[0].get<std::string>().size()
                                   : 0;
  if (!a[0].is_array() && !a[0].is_string()) {
    return function_error(fn, "the first argument must be an array or a string");
  }
  size_t k = static_cast<size_t>(std::clamp<int64_t>(n, 0, static_cast<int64_t>(size)));
  size_t from = take ? 0 : k;
  size_t to = take ? k : size;
  if (a[0].is_string()) return Json(a[0].get<std::string>().substr(from, to - from));
  Json out = Json::array();
  for (size_t i = from; i < to; ++i) out.push_back(a[0][i]);
  return out;
}

}  // namespace

std::vector<FunctionEntry> collection_functions() {
  return {
      {"add", 2, 2, fn_arith},        {"sub", 2, 2, fn_arith},
      {"mul", 2, 2, fn_arith},        {"div", 2, 2, fn_arith},
      {"mod", 2, 2, fn_arith},        {"min", 1, -1, fn_min_max},
      {"max", 1, -1, fn_min_max},     {"createarray", 0, -1, fn_create_array},
      {"array", 1, 1, fn_array},      {"createobject", 0, -1, fn_create_object},
      {"union", 1, -1, fn_union},     {"intersection", 2, -1, fn_intersection},
      {"first", 1, 1, fn_first_last}, {"last", 1, 1, fn_first_last},
      {"take", 2, 2, fn_take_skip},   {"skip", 2, 2, fn_take_skip},
  };
}

}  // namespace emu::arm::tmpl

// Internals of the ARM template engine shared by templates/*.cc: the expression evaluator, the
// built-in function table, the lazily evaluated parameters/variables of one template, and the
// wording of InvalidTemplate's inner messages (the error codes are in errors.h). Not part of
// the module's API (see templates/template.h).
#pragma once

#include "emulator/arm/templates/limits.h"
#include "emulator/arm/templates/template.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace emu::arm::tmpl {

using Json = nlohmann::json;

// --- Wording ---------------------------------------------------------------------------------

inline constexpr std::string_view kExpressionsLink =
    "Please see https://aka.ms/arm-template-expressions for usage details.";
// The inner message ARM gives for a bad element: "The template resource '<name>' at '<path>'
// is not valid: <reason>. <link>" (ARM says "at line 'l' and column 'c'"; we have no line
// numbers, so the JSON path stands in for them - inferred format).
std::string element_reason(std::string_view kind, std::string_view name, std::string_view path,
                           std::string_view reason);

// --- Small helpers ---------------------------------------------------------------------------

// "String", "Integer", "Boolean", "Object", "Array", "Null", "Float" (ARM's JToken names).
std::string json_kind(const Json& v);
// .NET-style rendering used by concat/format/string: strings as is, booleans True/False,
// numbers in decimal, objects/arrays compact JSON, null as "".
std::string to_display_string(const Json& v);
// A property of `obj` by exact then case-insensitive name; nullptr when absent.
const Json* find_member(const Json& obj, std::string_view name);
// Strings are [..] expressions unless they start with "[[" (an escaped literal '[').
bool is_expression(std::string_view s);

// Deterministic hashes (templates/hash.cc).
uint64_t resource_stack_murmur64(std::string_view data);
std::string deterministic_guid(const std::vector<std::string>& parts);
std::string fnv1a64_decimal(std::string_view data);

// --- Evaluation ------------------------------------------------------------------------------

class TemplateState;

// Limits (templates/limits.cc). Each returns an InvalidArgument whose message is the reason.
// Spends `units` of the deployment's work budget; the error once it is exhausted.
Status charge(TemplateState& state, uint64_t units);
// Checks a value an expression or a variable produced against kTemplateLimits (max_value_bytes,
// max_json_depth) and charges its size to the budget.
Status check_produced(TemplateState& state, const Json& value);
// Counts one level of nested evaluation while alive (kTemplateLimits.max_eval_depth); check
// status() right after construction.
class DepthGuard {
 public:
  explicit DepthGuard(TemplateState& state);
  ~DepthGuard();
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;
  const Status& status() const { return status_; }

 private:
  TemplateState& state_;
  Status status_;
};

// Where an expression is evaluated and what it may call. Evaluation errors are
// InvalidArgument Statuses whose message is ARM's reason text; kDeferred marks a reference()
// to a resource of this template that cannot be answered before that resource is deployed.
struct EvalContext {
  explicit EvalContext(TemplateState& s) : state(s) {}
  TemplateState& state;
  bool allow_reference = false;         // reference() allowed here (resource bodies, outputs)
  bool allow_variables = true;          // false inside parameter defaults
  bool defer_template_refs = false;     // reference() to a template resource -> deferred
  std::vector<std::string> referenced;  // IDs of template resources reference() named
};

inline constexpr StatusCode kDeferred = StatusCode::kUnavailable;
inline bool is_deferred(const Status& s) { return s.code() == kDeferred; }

// Evaluates a string (expression or literal), or a whole JSON value recursively (every string
// value inside objects/arrays; object keys stay literal). On error `failed_path` (if given)
// receives the path of the failing string relative to `value`, e.g. ".dnsSettings.x" or "[2]".
Result<Json> evaluate_string(std::string_view text, EvalContext& ctx);
Result<Json> evaluate_value(const Json& value, EvalContext& ctx,
                            std::string* failed_path = nullptr);

// Built-in functions (template_functions*.cc). Arguments are already evaluated.
using BuiltinFn = Result<Json> (*)(std::string_view name, std::vector<Json>& args,
                                   EvalContext& ctx);
struct FunctionEntry {
  const char* name;  // lower case
  int min_args;
  int max_args;  // -1 = unbounded
  BuiltinFn fn;
};
// The built-in named `lower_name`, or nullptr.
const FunctionEntry* find_function(std::string_view lower_name);
std::vector<FunctionEntry> general_functions();     // templates/functions.cc
std::vector<FunctionEntry> collection_functions();  // templates/functions_collections.cc
std::vector<FunctionEntry> scope_functions();       // templates/functions_scope.cc
// "Unable to evaluate template language function '<f>': <detail>" as an InvalidArgument.
Status function_error(std::string_view name, std::string_view detail);

// The ID resourceId() builds: /subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{t1}/{n1}
// [/{t2}/{n2}...]; InvalidArgument when the number of names does not match the type.
Result<std::string> build_resource_id(std::string_view subscription, std::string_view group,
                                      std::string_view type, const std::vector<std::string>& names);

// A resource of the template as the name resolver sees it.
struct ResourceKey {
  std::string id;
  std::string type;
  std::string name;
};

// Parameters and variables of one template, evaluated on first use (with cycle detection),
// plus the scope and the template's resources for reference()/dependsOn resolution. The first
// error of a parameter or variable is recorded with its own path so that it is reported there
// even when a resource triggered the evaluation. Single-threaded.
class TemplateState {
 public:
  // `budget` (the deployment's evaluation work) must outlive the state.
  TemplateState(const Json& tmpl, const TemplateScope& scope, const ReferenceFn& reference,
                std::string template_hash, EvalBudget& budget);

  const TemplateScope& scope() const { return scope_; }
  const ReferenceFn& reference() const { return reference_; }
  const std::string& template_hash() const { return template_hash_; }
  const Json& tmpl() const { return tmpl_; }
  EvalBudget& budget() { return budget_; }
  int& depth() { return depth_; }
  // Bytes of parameter and variable values resolved so far (ARM's expanded-template size).
  size_t resolved_bytes() const { return resolved_bytes_; }

  // Validates the deployment's parameters object and every declared parameter.
  Result<bool, ArmError> bind_parameters(const Json& given);
  // Uses already-checked values (name -> value), e.g. ExpandedTemplate::parameter_values.
  void set_parameter_values(const Json& values);
  // Evaluates every variable (so that a broken unused one is reported, as ARM does).
  Result<bool, ArmError> evaluate_all_variables();

  Result<Json> parameter(std::string_view name);
  Result<Json> variable(std::string_view name);
  // {"name":{"type":"String","value":...}}; secure values are left out.
  Json reported_parameters() const;
  Json parameter_values() const;

  void set_resources(std::vector<ResourceKey> resources);
  // The template resource `ref` names (full ID, "type/name", ID tail after /providers/, or a
  // unique bare name); nullopt when none. Ambiguous bare names give an InvalidArgument.
  Result<std::optional<std::string>> resolve_resource(std::string_view ref) const;

  // The recorded error of a parameter/variable, if any (reported in place of the caller's).
  const std::optional<ArmError>& recorded_error() const { return recorded_; }
  void record(ArmError error);

 private:
  Result<Json> compute_parameter(const std::string& key);
  Result<Json> compute_variable(const std::string& key);
  // Checks a resolved parameter/variable value (size, depth) and counts it towards the
  // expanded-template size; `path` names it in the error.
  Status account(const Json& value, const std::string& path);
  // Records `error` (first one wins) and returns it as an InvalidArgument for the caller.
  Status fail(ArmError error);

  const Json& tmpl_;
  const TemplateScope& scope_;
  const ReferenceFn& reference_;
  std::string template_hash_;
  Json given_ = Json::object();
  bool values_preset_ = false;
  std::map<std::string, std::string> param_names_;  // lower -> declared name
  std::map<std::string, std::string> var_names_;
  std::map<std::string, Json> param_values_;        // lower -> value
  std::map<std::string, std::string> param_types_;  // lower -> canonical type
  std::map<std::string, Json> var_values_;
  std::set<std::string> in_progress_;  // "p:x" / "v:x"
  std::vector<ResourceKey> resources_;
  // Lower-case names a dependsOn/reference() may use -> resource IDs (resolve_resource).
  std::map<std::string, std::string> by_ref_;
  std::map<std::string, std::vector<std::string>> by_name_;
  std::optional<ArmError> recorded_;
  EvalBudget& budget_;
  int depth_ = 0;
  size_t resolved_bytes_ = 0;
};

// Resources (templates/resources.cc): flattens nested resources, evaluates condition, name,
// type, apiVersion, body and dependsOn, drops resources whose condition is false and orders
// the rest by dependency (stable). Errors are InvalidTemplate with the element's path.
Result<std::vector<ExpandedResource>, ArmError> expand_resources(TemplateState& state);
// Resource keys of expanded resources (for reference()/dependsOn resolution after expansion).
std::vector<ResourceKey> keys_of(const std::vector<ExpandedResource>& resources);

// Parameter checks (templates/params.cc): type name normalisation and the value checks.
// Returns ARM's canonical type name ("String", "SecureString", "Int", "Bool", "Object",
// "SecureObject", "Array") or nullopt for an unknown type.
std::optional<std::string> canonical_param_type(std::string_view type);
// Checks `value` against the declaration (type, allowedValues, min/max value and length);
// returns the inner ARM message on failure.
std::optional<std::string> check_parameter_value(const std::string& name, const std::string& path,
                                                 const Json& decl, const std::string& type,
                                                 const Json& value);

}  // namespace emu::arm::tmpl

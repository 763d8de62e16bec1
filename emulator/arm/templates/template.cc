// The template engine's entry points: expand_template, evaluate_resource_body and
// evaluate_outputs (see templates/template.h).

#include "emulator/arm/templates/template.h"

#include "emulator/arm/templates/internal.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emu::arm {
namespace {

using tmpl::Json;

// Template resources, nested child resources included (iterative: the nesting is the caller's).
size_t count_resources(const Json& list) {
  size_t count = 0;
  std::vector<const Json*> todo{&list};
  while (!todo.empty()) {
    const Json* l = todo.back();
    todo.pop_back();
    if (!l->is_array()) continue;
    count += l->size();
    for (const Json& r : *l) {
      if (const Json* children = tmpl::find_member(r, "resources")) todo.push_back(children);
    }
  }
  return count;
}

// ARM's template limits (README "Limits"), checked before anything is evaluated. The nesting
// check protects every recursion below from a caller that bypassed the bounded parse.
std::optional<ArmError> check_limits(const Json& t, const Json& parameters) {
  const TemplateLimits& limits = kTemplateLimits;
  if (json_shape(t).depth > limits.max_json_depth ||
      json_shape(parameters).depth > limits.max_json_depth) {
    return errors::invalid_template("", "The template or its parameters are nested deeper than " +
                                            std::to_string(limits.max_json_depth) +
                                            " levels.");  // inferred wording
  }
  if (!t.is_object()) return std::nullopt;
  struct Section {
    const char* key;
    size_t limit;
  };
  const Section sections[] = {{"parameters", limits.max_parameters},
                              {"variables", limits.max_variables},
                              {"resources", limits.max_resources},
                              {"outputs", limits.max_outputs}};
  for (const Section& section : sections) {
    const Json* v = tmpl::find_member(t, section.key);
    if (v == nullptr || !v->is_structured()) continue;
    const size_t n = std::string_view(section.key) == "resources" ? count_resources(*v) : v->size();
    if (n > section.limit) return errors::template_limit_exceeded(section.key, section.limit, n);
  }
  return std::nullopt;
}

// The evaluated resources against ARM's expanded-template sizes: 1 MB each, 4 MB with the
// resolved parameters and variables.
std::optional<ArmError> check_expanded_size(const std::vector<ExpandedResource>& resources,
                                            size_t resolved_bytes) {
  const TemplateLimits& limits = kTemplateLimits;
  size_t total = resolved_bytes;
  for (const ExpandedResource& r : resources) {
    const size_t bytes = json_shape(r.body, limits.max_resource_bytes).bytes;
    if (bytes > limits.max_resource_bytes) {
      return errors::deployment_job_size_exceeded(r.path, "the resource definition '" + r.id + "'",
                                                  bytes, limits.max_resource_bytes);
    }
    total += bytes;
    if (total > limits.max_expanded_bytes) {
      return errors::deployment_job_size_exceeded(r.path, "the template", total,
                                                  limits.max_expanded_bytes);
    }
  }
  return std::nullopt;
}

// Rejects template features the emulator does not model.
std::optional<ArmError> check_template_shape(const Json& t) {
  if (!t.is_object()) return errors::invalid_template("", "The template must be a JSON object.");
  struct Rule {
    const char* key;
    const char* what;
  };
  static constexpr Rule kRules[] = {
      {"languageVersion", "symbolic-name templates (languageVersion 2.0)"},
      {"apiProfile", "the 'apiProfile' template property"},
      {"definitions", "user-defined types ('definitions')"},
  };
  for (const Rule& r : kRules) {
    if (tmpl::find_member(t, r.key) != nullptr) {
      return errors::invalid_template(r.key, "The template property '" + std::string(r.key) +
                                                 "' is not valid: " + r.what +
                                                 " are not supported by the emulator.");
    }
  }
  const Json* functions = tmpl::find_member(t, "functions");
  if (functions != nullptr && !(functions->is_array() && functions->empty())) {
    return errors::invalid_template("functions",
                                    "The template property 'functions' is not valid: user-defined "
                                    "functions are not supported by the emulator.");
  }
  const Json* resources = tmpl::find_member(t, "resources");
  if (resources == nullptr) {
    return errors::template_resources_missing();
  }
  if (!resources->is_array()) {
    return errors::invalid_template("resources",
                                    "The template property 'resources' is not valid: symbolic-name "
                                    "resources (an object) are not supported by the emulator; "
                                    "'resources' must be an array.");
  }
  return std::nullopt;
}

void prepare_state(tmpl::TemplateState& state, const ExpandedTemplate& expanded) {
  Json values = expanded.parameter_values;
  if (values.empty()) {  // an ExpandedTemplate built without parameter_values
    for (auto it = expanded.parameters.begin(); it != expanded.parameters.end(); ++it) {
      if (it->contains("value")) values[it.key()] = (*it)["value"];
    }
  }
  state.set_parameter_values(values);
  state.set_resources(tmpl::keys_of(expanded.resources));
}

ArmError output_error(const std::string& name, const std::string& target,
                      const std::string& reason) {
  ArmError detail = errors::invalid_template(target, "The template output '" + name +
                                                         "' is not valid: " + reason + " " +
                                                         std::string(tmpl::kExpressionsLink));
  return errors::output_evaluation_failed(name, std::move(detail));
}

// One output: nullopt when its condition is false.
Result<std::optional<Json>, ArmError> evaluate_output(tmpl::TemplateState& state,
                                                      const std::string& name, const Json& decl) {
  const std::string path = "outputs." + name;
  if (!decl.is_object()) return output_error(name, path, "the output must be an object.");
  if (tmpl::find_member(decl, "copy") != nullptr) {
    return output_error(name, path + ".copy",
                        "output copy loops are not supported by the emulator.");
  }
  tmpl::EvalContext ctx{state};
  ctx.allow_reference = true;
  if (const Json* cond = tmpl::find_member(decl, "condition")) {
    Result<Json> c = tmpl::evaluate_value(*cond, ctx);
    if (!c.ok()) return output_error(name, path + ".condition", c.status().message());
    if (!c->is_boolean())
      return output_error(name, path + ".condition", "the condition must be a boolean.");
    if (!c->get<bool>()) return std::optional<Json>();
  }
  const Json* type_field = tmpl::find_member(decl, "type");
  std::optional<std::string> type;
  if (type_field != nullptr && type_field->is_string()) {
    type = tmpl::canonical_param_type(type_field->get<std::string>());
  }
  if (!type) return output_error(name, path + ".type", "the output type is missing or not valid.");
  const Json* value = tmpl::find_member(decl, "value");
  if (value == nullptr) return output_error(name, path + ".value", "the output has no 'value'.");
  std::string sub;
  Result<Json> v = tmpl::evaluate_value(*value, ctx, &sub);
  if (v.ok()) {
    Status fits = tmpl::check_produced(state, *v);
    if (!fits.ok()) v = fits;
  }
  if (!v.ok()) return output_error(name, path + ".value" + sub, v.status().message());
  Json entry = {{"type", *type}};
  if (type->rfind("Secure", 0) != 0) entry["value"] = std::move(v).value();
  return std::optional<Json>(std::move(entry));
}

}  // namespace

Result<ExpandedTemplate, ArmError> expand_template(const nlohmann::json& tmpl,
                                                   const nlohmann::json& parameters,
                                                   const TemplateScope& scope,
                                                   const ReferenceFn& reference,
                                                   EvalBudget* budget) {
  if (auto bad = check_limits(tmpl, parameters)) return *bad;
  if (auto bad = check_template_shape(tmpl)) return *bad;
  EvalBudget local;
  ExpandedTemplate out;
  out.template_hash = tmpl::fnv1a64_decimal(tmpl.dump());
  tmpl::TemplateState state(tmpl, scope, reference, out.template_hash,
                            budget != nullptr ? *budget : local);
  Result<bool, ArmError> bound = state.bind_parameters(parameters);
  if (!bound.ok()) return bound.error();
  Result<bool, ArmError> vars = state.evaluate_all_variables();
  if (!vars.ok()) return vars.error();
  Result<std::vector<ExpandedResource>, ArmError> resources = tmpl::expand_resources(state);
  if (!resources.ok()) return resources.error();
  if (auto bad = check_expanded_size(resources.value(), state.resolved_bytes())) return *bad;
  out.resources = std::move(resources.value());
  out.parameters = state.reported_parameters();
  out.parameter_values = state.parameter_values();
  return out;
}

Result<nlohmann::json, ArmError> evaluate_resource_body(
    const nlohmann::json& tmpl, const ExpandedTemplate& expanded, const ExpandedResource& resource,
    const TemplateScope& scope, const ReferenceFn& reference, EvalBudget* budget) {
  if (!resource.deferred) return resource.body;
  if (auto bad = check_limits(tmpl, resource.body)) return *bad;
  EvalBudget local;
  tmpl::TemplateState state(tmpl, scope, reference, expanded.template_hash,
                            budget != nullptr ? *budget : local);
  prepare_state(state, expanded);
  tmpl::EvalContext ctx{state};
  ctx.allow_reference = true;
  std::string sub;
  Result<Json> v = tmpl::evaluate_value(resource.body, ctx, &sub);
  if (!v.ok()) {
    if (state.recorded_error()) return *state.recorded_error();
    return errors::template_expression_failed(resource.id, resource.path, resource.path + sub,
                                              v.status().message());
  }
  const size_t bytes = json_shape(*v, kTemplateLimits.max_resource_bytes).bytes;
  if (bytes > kTemplateLimits.max_resource_bytes) {
    return errors::deployment_job_size_exceeded(resource.path,
                                                "the resource definition '" + resource.id + "'",
                                                bytes, kTemplateLimits.max_resource_bytes);
  }
  return std::move(v).value();
}

Result<nlohmann::json, ArmError> evaluate_outputs(const nlohmann::json& tmpl,
                                                  const ExpandedTemplate& expanded,
                                                  const TemplateScope& scope,
                                                  const ReferenceFn& reference,
                                                  EvalBudget* budget) {
  if (auto bad = check_limits(tmpl, Json())) return *bad;
  Json result = Json::object();
  const Json* outputs = tmpl::find_member(tmpl, "outputs");
  if (outputs == nullptr) return result;
  if (!outputs->is_object()) {
    return errors::invalid_template("outputs",
                                    "The template property 'outputs' must be an object.");
  }
  EvalBudget local;
  tmpl::TemplateState state(tmpl, scope, reference, expanded.template_hash,
                            budget != nullptr ? *budget : local);
  prepare_state(state, expanded);
  for (auto it = outputs->begin(); it != outputs->end(); ++it) {
    Result<std::optional<Json>, ArmError> v = evaluate_output(state, it.key(), *it);
    if (!v.ok()) {
      if (state.recorded_error()) return *state.recorded_error();
      return v.error();
    }
    if (v.value()) result[it.key()] = std::move(*v.value());
  }
  return result;
}

}  // namespace emu::arm

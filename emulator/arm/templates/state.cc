// TemplateState: a template's parameters and variables, evaluated on first use, and the name
// resolution of its resources for dependsOn and reference().

#include "emulator/arm/templates/internal.h"
#include "emulator/core/text.h"

#include <string>
#include <string_view>
#include <utility>

namespace emu::arm::tmpl {
namespace {

void index_names(const Json& tmpl, const char* section, std::map<std::string, std::string>& out) {
  const Json* s = find_member(tmpl, section);
  if (s == nullptr || !s->is_object()) return;
  for (auto it = s->begin(); it != s->end(); ++it) out.emplace(to_lower(it.key()), it.key());
}

std::string tail_after_providers(const std::string& id) {
  size_t p = to_lower(id).rfind("/providers/");
  return p == std::string::npos ? id : id.substr(p + 11);
}

}  // namespace

TemplateState::TemplateState(const Json& tmpl, const TemplateScope& scope,
                             const ReferenceFn& reference, std::string template_hash,
                             EvalBudget& budget)
    : tmpl_(tmpl),
      scope_(scope),
      reference_(reference),
      template_hash_(std::move(template_hash)),
      budget_(budget) {
  index_names(tmpl_, "parameters", param_names_);
  index_names(tmpl_, "variables", var_names_);
}

void TemplateState::record(ArmError error) {
  if (!recorded_) recorded_ = std::move(error);
}

Status TemplateState::account(const Json& value, const std::string& path) {
  EMU_RETURN_IF_ERROR(check_produced(*this, value));
  resolved_bytes_ += json_shape(value).bytes;
  if (resolved_bytes_ > kTemplateLimits.max_expanded_bytes) {
    return fail(errors::deployment_job_size_exceeded(
        path, "the template's resolved parameters and variables", resolved_bytes_,
        kTemplateLimits.max_expanded_bytes));
  }
  return Status::Ok();
}

Status TemplateState::fail(ArmError error) {
  std::string message = error.message;
  record(std::move(error));
  return InvalidArgument(std::move(message));
}

Result<bool, ArmError> TemplateState::bind_parameters(const Json& given) {
  if (!given.is_null() && !given.is_object()) {
    return errors::invalid_template(
        "properties.parameters",
        "The deployment parameters must be a JSON object.");  // inferred
  }
  given_ = given.is_object() ? given : Json::object();
  std::string unknown;
  std::string first_unknown;
  for (auto it = given_.begin(); it != given_.end(); ++it) {
    if (param_names_.count(to_lower(it.key())) != 0) continue;
    unknown += (unknown.empty() ? "" : ", ") + it.key();
    if (first_unknown.empty()) first_unknown = it.key();
  }
  if (!unknown.empty()) {
    std::string supported;
    for (const auto& [key, name] : param_names_)
      supported += (supported.empty() ? "" : ", ") + name;
    // ARM wording (Azure/Moodle#293, MicrosoftDocs issues): InvalidTemplate.
    return errors::invalid_template(
        "properties.parameters." + first_unknown,
        "The template parameters '" + unknown +
            "' in the parameters file are not valid; they are not present in the original "
            "template and can therefore not be provided at deployment time. The only supported "
            "parameters for this template are '" +
            supported +
            "'. Please see https://aka.ms/arm-pass-parameter-values for usage details.");
  }
  for (const auto& [key, name] : param_names_) {
    Result<Json> v = parameter(name);
    if (!v.ok()) {
      if (recorded_) return *recorded_;
      return errors::invalid_template("parameters." + name, v.status().message());
    }
  }
  return true;
}

void TemplateState::set_parameter_values(const Json& values) {
  values_preset_ = true;
  if (!values.is_object()) return;
  for (auto it = values.begin(); it != values.end(); ++it) param_values_[to_lower(it.key())] = *it;
}

Result<Json> TemplateState::parameter(std::string_view name) {
  std::string key = to_lower(name);
  if (auto it = param_values_.find(key); it != param_values_.end()) return it->second;
  if (values_preset_ || param_names_.count(key) == 0) {
    return InvalidArgument("The template parameter '" + std::string(name) +
                           "' is not found. Please see https://aka.ms/arm-template/#parameters "
                           "for usage details.");
  }
  if (!in_progress_.insert("p:" + key).second) {
    return InvalidArgument("Circular dependency detected on template parameter '" +
                           std::string(name) + "'.");  // inferred
  }
  DepthGuard guard(*this);
  Result<Json> v = guard.status().ok() ? compute_parameter(key) : Result<Json>(guard.status());
  in_progress_.erase("p:" + key);
  if (v.ok()) param_values_[key] = *v;
  return v;
}

Result<Json> TemplateState::compute_parameter(const std::string& key) {
  const std::string& name = param_names_.at(key);
  const std::string path = "parameters." + name;
  const Json& decl = find_member(tmpl_, "parameters")->at(name);
  const Json* type_field = find_member(decl, "type");
  std::optional<std::string> type;
  if (type_field != nullptr && type_field->is_string()) {
    type = canonical_param_type(type_field->get<std::string>());
  }
  if (!type) {
    return fail(errors::invalid_template(
        path + ".type", element_reason("parameter", name, path,
                                       "the parameter type is missing or not supported; "
                                       "expected string, securestring, int, bool, "
                                       "object, secureObject or array")));
  }
  param_types_[key] = *type;
  Json value;
  std::string value_path = path;
  if (const Json* given = find_member(given_, name)) {
    value_path = "properties.parameters." + name;
    if (given->is_object() && find_member(*given, "reference") != nullptr) {
      return fail(errors::invalid_template(
          value_path + ".reference", "The parameter '" + name +
                                         "' uses a Key Vault reference, which the emulator does "
                                         "not support."));
    }
    const Json* v = given->is_object() ? find_member(*given, "value") : nullptr;
    if (v == nullptr) {
      return fail(errors::invalid_template(
          value_path, "The value for the template parameter '" + name + "' at '" + path +
                          "' is not provided. Please see "
                          "https://aka.ms/arm-create-parameter-file for "
                          "usage details."));
    }
    value = *v;
  } else if (const Json* def = find_member(decl, "defaultValue")) {
    EvalContext ctx{*this};
    ctx.allow_variables = false;
    std::string sub;
    Result<Json> v = evaluate_value(*def, ctx, &sub);
    if (!v.ok()) {
      if (recorded_) return v.status();
      return fail(
          errors::invalid_template(path + ".defaultValue" + sub,
                                   element_reason("parameter", name, path, v.status().message())));
    }
    value = std::move(v).value();
  } else {
    // ARM wording (microsoft/fabric-toolbox#398), with the path for the line and column.
    return fail(errors::invalid_template(
        path, "The value for the template parameter '" + name + "' at '" + path +
                  "' is not provided. Please see "
                  "https://aka.ms/arm-create-parameter-file for usage "
                  "details."));
  }
  if (const Json* allowed = find_member(decl, "allowedValues");
      allowed != nullptr && allowed->is_array() && value.is_array()) {
    EMU_RETURN_IF_ERROR(charge(*this, static_cast<uint64_t>(value.size()) * allowed->size()));
  }
  if (auto bad = check_parameter_value(name, path, decl, *type, value)) {
    return fail(errors::invalid_template(value_path, *bad));
  }
  EMU_RETURN_IF_ERROR(account(value, value_path));
  return value;
}

Result<Json> TemplateState::variable(std::string_view name) {
  std::string key = to_lower(name);
  if (auto it = var_values_.find(key); it != var_values_.end()) return it->second;
  if (var_names_.count(key) == 0) {
    // ARM wording (microsoft/MCW-Continuous-delivery-in-Azure-DevOps#53).
    return InvalidArgument("The template variable '" + std::string(name) +
                           "' is not found. Please see https://aka.ms/arm-template/#variables "
                           "for usage details.");
  }
  if (!in_progress_.insert("v:" + key).second) {
    return InvalidArgument("Circular dependency detected on template variable '" +
                           var_names_.at(key) + "'.");  // inferred
  }
  DepthGuard guard(*this);
  Result<Json> v = guard.status().ok() ? compute_variable(key) : Result<Json>(guard.status());
  in_progress_.erase("v:" + key);
  if (v.ok()) var_values_[key] = *v;
  return v;
}

Result<Json> TemplateState::compute_variable(const std::string& key) {
  const std::string& name = var_names_.at(key);
  const std::string path = "variables." + name;
  const Json& raw = find_member(tmpl_, "variables")->at(name);
  if (key == "copy" || (raw.is_object() && find_member(raw, "copy") != nullptr)) {
    return fail(
        errors::invalid_template(key == "copy" ? path : path + ".copy",
                                 element_reason("variable", name, path,
                                                "variable copy loops are not supported by the "
                                                "emulator")));
  }
  EvalContext ctx{*this};
  std::string sub;
  Result<Json> v = evaluate_value(raw, ctx, &sub);
  if (v.ok()) {
    Status fits = account(*v, path);
    if (!fits.ok()) v = fits;
  }
  if (!v.ok() && !recorded_) {
    return fail(errors::invalid_template(
        path + sub, element_reason("variable", name, path, v.status().message())));
  }
  return v;
}

Result<bool, ArmError> TemplateState::evaluate_all_variables() {
  for (const auto& [key, name] : var_names_) {
    Result<Json> v = variable(name);
    if (!v.ok()) {
      if (recorded_) return *recorded_;
      return errors::invalid_template("variables." + name, v.status().message());
    }
  }
  return true;
}

Json TemplateState::reported_parameters() const {
  Json out = Json::object();
  for (const auto& [key, name] : param_names_) {
    auto type = param_types_.find(key);
    auto value = param_values_.find(key);
    if (type == param_types_.end() || value == param_values_.end()) continue;
    Json entry = {{"type", type->second}};
    if (type->second.rfind("Secure", 0) != 0) entry["value"] = value->second;
    out[name] = std::move(entry);
  }
  return out;
}

Json TemplateState::parameter_values() const {
  Json out = Json::object();
  for (const auto& [key, name] : param_names_) {
    if (auto value = param_values_.find(key); value != param_values_.end())
      out[name] = value->second;
  }
  return out;
}

void TemplateState::set_resources(std::vector<ResourceKey> resources) {
  resources_ = std::move(resources);
  by_ref_.clear();
  by_name_.clear();
  // Earlier resources win, as the first match of a scan in template order.
  for (const ResourceKey& r : resources_) {
    by_ref_.emplace(to_lower(r.id), r.id);
    by_ref_.emplace(to_lower(tail_after_providers(r.id)), r.id);
    by_ref_.emplace(to_lower(r.type + "/" + r.name), r.id);
  }
  for (const ResourceKey& r : resources_) by_name_[to_lower(r.name)].push_back(r.id);
}

Result<std::optional<std::string>> TemplateState::resolve_resource(std::string_view ref) const {
  const std::string want = to_lower(ref);
  if (auto it = by_ref_.find(want); it != by_ref_.end()) {
    return std::optional<std::string>(it->second);
  }
  auto named = by_name_.find(want);
  if (named == by_name_.end()) return std::optional<std::string>();
  if (named->second.size() > 1) {
    return InvalidArgument("The resource name '" + std::string(ref) +
                           "' is ambiguous: more than one resource of the template has it; "
                           "use resourceId() to name one.");  // inferred
  }
  return std::optional<std::string>(named->second.front());
}

}  // namespace emu::arm::tmpl

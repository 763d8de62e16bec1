// Built-in template functions that read the deployment: parameters, variables, resourceGroup,
// subscription, tenant, deployment, environment, resourceId, subscriptionResourceId,
// reference, uniqueString and guid.

#include "emulator/arm/templates/internal.h"
#include "emulator/core/text.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace emu::arm::tmpl {
namespace {

using Args = std::vector<Json>;

Result<std::vector<std::string>> strings(std::string_view fn, const Args& a) {
  std::vector<std::string> out;
  for (const Json& v : a) {
    if (!v.is_string()) {
      return function_error(fn, "all arguments must be strings, not '" + json_kind(v) + "'");
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

Status not_expected(std::string_view fn) {
  // ARM wording (Azure/template-analyzer#184).
  return InvalidArgument("The template function '" + std::string(fn) +
                         "' is not expected at this location.");
}

Result<Json> fn_parameters(std::string_view fn, Args& a, EvalContext& ctx) {
  if (!a[0].is_string()) return function_error(fn, "the parameter name must be a string");
  return ctx.state.parameter(a[0].get<std::string>());
}

Result<Json> fn_variables(std::string_view fn, Args& a, EvalContext& ctx) {
  if (!ctx.allow_variables) return not_expected(fn);
  if (!a[0].is_string()) return function_error(fn, "the variable name must be a string");
  return ctx.state.variable(a[0].get<std::string>());
}

Result<Json> fn_resource_group(std::string_view, Args&, EvalContext& ctx) {
  const TemplateScope& s = ctx.state.scope();
  return Json{{"id", "/subscriptions/" + s.subscription_id + "/resourceGroups/" + s.resource_group},
              {"name", s.resource_group},
              {"type", "Microsoft.Resources/resourceGroups"},
              {"location", s.resource_group_location},
              {"tags", Json::object()},
              {"properties", {{"provisioningState", "Succeeded"}}}};
}

Result<Json> fn_subscription(std::string_view, Args&, EvalContext& ctx) {
  const TemplateScope& s = ctx.state.scope();
  return Json{{"id", "/subscriptions/" + s.subscription_id},
              {"subscriptionId", s.subscription_id},
              {"tenantId", s.tenant_id},
              {"displayName", s.subscription_name}};
}

Result<Json> fn_tenant(std::string_view, Args&, EvalContext& ctx) {
  const std::string& t = ctx.state.scope().tenant_id;
  return Json{{"id", "/tenants/" + t}, {"tenantId", t}};
}

Result<Json> fn_deployment(std::string_view, Args&, EvalContext& ctx) {
  const Json& tmpl = ctx.state.tmpl();
  Json t = Json::object();
  if (const Json* v = find_member(tmpl, "$schema")) t["$schema"] = *v;
  if (const Json* v = find_member(tmpl, "contentVersion")) t["contentVersion"] = *v;
  return Json{
      {"name", ctx.state.scope().deployment_name},
      {"properties",
       {{"template", t}, {"templateHash", ctx.state.template_hash()}, {"mode", "Incremental"}}}};
}

// Azure public cloud values, as environment() returns them in AzureCloud.
Result<Json> fn_environment(std::string_view, Args&, EvalContext&) {
  return Json{
      {"name", "AzureCloud"},
      {"gallery", "https://gallery.azure.com/"},
      {"graph", "https://graph.windows.net/"},
      {"portal", "https://portal.azure.com"},
      {"graphAudience", "https://graph.windows.net/"},
      {"activeDirectoryDataLake", "https://datalake.azure.net/"},
      {"batch", "https://batch.core.windows.net/"},
      {"media", "https://rest.media.azure.net"},
      {"sqlManagement", "https://management.core.windows.net:8443/"},
      {"resourceManager", "https://management.azure.com/"},
      {"authentication",
       {{"loginEndpoint", "https://login.microsoftonline.com/"},
        {"audiences", {"https://management.core.windows.net/", "https://management.azure.com/"}},
        {"tenant", "common"},
        {"identityProvider", "AAD"}}},
      {"suffixes",
       {{"acrLoginServer", ".azurecr.io"},
        {"azureDatalakeAnalyticsCatalogAndJob", "azuredatalakeanalytics.net"},
        {"azureDatalakeStoreFileSystem", "azuredatalakestore.net"},
        {"azureFrontDoorEndpointSuffix", "azurefd.net"},
        {"keyvaultDns", ".vault.azure.net"},
        {"sqlServerHostname", ".database.windows.net"},
        {"storage", "core.windows.net"}}}};
}

// resourceId([subscriptionId,] [resourceGroupName,] resourceType, name1, name2...).
Result<Json> fn_resource_id(std::string_view fn, Args& a, EvalContext& ctx) {
  EMU_ASSIGN_OR_RETURN(std::vector<std::string> s, strings(fn, a));
  auto type = std::find_if(s.begin(), s.end(),
                           [](const std::string& x) { return x.find('/') != std::string::npos; });
  size_t t = static_cast<size_t>(type - s.begin());
  bool sub_scope = iequals(fn, "subscriptionResourceId");
  if (type == s.end() || t > (sub_scope ? 1U : 2U)) {
    std::string joined;
    for (const std::string& x : s) joined += (joined.empty() ? "" : ",") + x;
    // ARM wording for a resourceId() without a "Namespace/type" argument.
    return function_error(fn,
                          "function requires exactly one multi-segmented argument which must "
                          "be resource type including resource provider namespace. Current "
                          "function arguments '" +
                              joined + "'");
  }
  const TemplateScope& scope = ctx.state.scope();
  std::string sub = scope.subscription_id;
  std::string group = scope.resource_group;
  if (t == 2) {
    sub = s[0];
    group = s[1];
  } else if (t == 1) {
    (sub_scope ? sub : group) = s[0];
  }
  std::vector<std::string> names(s.begin() + static_cast<std::ptrdiff_t>(t) + 1, s.end());
  if (sub_scope) group.clear();
  Result<std::string> id = build_resource_id(sub, group, s[t], names);
  if (!id.ok()) return function_error(fn, id.status().message());
  return Json(*id);
}

std::string type_and_name(const std::string& id) {
  size_t p = to_lower(id).rfind("/providers/");
  return p == std::string::npos ? id : id.substr(p + 11);
}

// reference(resourceIdOrName[, apiVersion[, 'Full']]).
Result<Json> fn_reference(std::string_view fn, Args& a, EvalContext& ctx) {
  if (!ctx.allow_reference) return not_expected(fn);
  if (!a[0].is_string()) return function_error(fn, "the resource must be given by ID or name");
  const std::string target = a[0].get<std::string>();
  bool full = a.size() == 3 && a[2].is_string() && iequals(a[2].get<std::string>(), "Full");
  EMU_ASSIGN_OR_RETURN(std::optional<std::string> in_template, ctx.state.resolve_resource(target));
  if (!in_template && (target.empty() || target[0] != '/')) {
    // ARM wording (MicrosoftDocs/azure-docs#112757).
    return InvalidArgument("The template reference '" + target +
                           "' is not valid: could not find template resource or resource copy "
                           "with this name.");
  }
  const std::string id = in_template.value_or(target);
  if (in_template) {
    EMU_RETURN_IF_ERROR(charge(ctx.state, ctx.referenced.size()));
    if (std::find(ctx.referenced.begin(), ctx.referenced.end(), id) == ctx.referenced.end()) {
      ctx.referenced.push_back(id);
    }
    if (ctx.defer_template_refs) return Status(kDeferred, "reference to " + id + " deferred");
  }
  std::optional<Json> got;
  if (ctx.state.reference()) got = ctx.state.reference()(id, full);
  if (!got) {
    return InvalidArgument("The Resource '" + type_and_name(id) + "' under resource group '" +
                           ctx.state.scope().resource_group + "' was not found.");
  }
  return *got;
}

Result<Json> fn_unique_string(std::string_view fn, Args& a, EvalContext&) {
  EMU_ASSIGN_OR_RETURN(std::vector<std::string> s, strings(fn, a));
  return Json(unique_string(s));
}

Result<Json> fn_guid(std::string_view fn, Args& a, EvalContext&) {
  EMU_ASSIGN_OR_RETURN(std::vector<std::string> s, strings(fn, a));
  return Json(deterministic_guid(s));
}

}  // namespace

Result<std::string> build_resource_id(std::string_view subscription, std::string_view group,
                                      std::string_view type,
                                      const std::vector<std::string>& names) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  for (size_t i = 0; i <= type.size(); ++i) {
    if (i == type.size() || type[i] == '/') {
      segments.push_back(type.substr(start, i - start));
      start = i + 1;
    }
  }
  if (segments.size() < 2 || segments.size() - 1 != names.size()) {
    return InvalidArgument("the type '" + std::string(type) + "' requires '" +
                           std::to_string(segments.size() < 2 ? 1 : segments.size() - 1) +
                           "' resource name argument(s)");
  }
  std::string id = "/subscriptions/" + std::string(subscription);
  if (!group.empty()) id += "/resourceGroups/" + std::string(group);
  id += "/providers/" + std::string(segments[0]);
  for (size_t i = 0; i < names.size(); ++i) {
    id.append("/").append(segments[i + 1]).append("/").append(names[i]);
  }
  return id;
}

std::vector<FunctionEntry> scope_functions() {
  return {
      {"parameters", 1, 1, fn_parameters},
      {"variables", 1, 1, fn_variables},
      {"resourcegroup", 0, 0, fn_resource_group},
      {"subscription", 0, 0, fn_subscription},
      {"tenant", 0, 0, fn_tenant},
      {"deployment", 0, 0, fn_deployment},
      {"environment", 0, 0, fn_environment},
      {"resourceid", 2, -1, fn_resource_id},
      {"subscriptionresourceid", 2, -1, fn_resource_id},
      {"reference", 1, 3, fn_reference},
      {"uniquestring", 1, -1, fn_unique_string},
      {"guid", 1, -1, fn_guid},
  };
}

}  // namespace emu::arm::tmpl

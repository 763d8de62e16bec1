// Microsoft.KeyVault rules: vault names (3-24 characters, globally unique, kept while a vault is
// soft-deleted), the vault body as GET returns it, soft delete, checkNameAvailability and the
// deletedVaults view.
#include "emulator/arm/types/internal.h"
#include "emulator/arm/types/types.h"
#include "emulator/core/text.h"

#include <regex>

namespace emu::arm {
namespace detail {
namespace {

constexpr const char* kVaultType = "Microsoft.KeyVault/vaults";

bool valid_vault_name(const std::string& name) {
  static const std::regex kName("^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$");
  return std::regex_match(name, kName) && name.find("--") == std::string::npos;
}

bool is_guid(const std::string& s) {
  static const std::regex kGuid(
      "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  return std::regex_match(s, kGuid);
}

// The name check: free, held by this vault, or the error Key Vault answers.
Result<bool, ArmError> check_name_free(const TypeContext& ctx) {
  auto taken = ctx.store.find_name("vault", ctx.name);
  if (!taken.ok() || to_lower(taken->owner) == to_lower(ctx.id)) return true;
  if (to_lower(taken->owner).rfind("deleted:", 0) == 0) {
    auto deleted = ctx.store.find_deleted_vault(ctx.name);
    if (deleted.ok() && to_lower(deleted->subscription_id) == to_lower(ctx.subscription_id))
      return errors::vault_in_deleted_state();
  }
  return errors::vault_already_exists(ctx.name);
}

// tenantId, sku and accessPolicies as Key Vault requires them.
Result<bool, ArmError> check_properties(json& props) {
  const json& tenant = member(props, "tenantId");
  // [inferred] by analogy with "The parameter accessPolicies is not specified."
  if (tenant.is_null())
    return errors::key_vault_bad_request("The parameter tenantId is not specified.");
  // [C-doc] quoted in pulumi/pulumi-azure-native#3594 (line/position omitted).
  if (!tenant.is_string() || !is_guid(tenant.get<std::string>())) {
    return errors::key_vault_bad_request(
        "Bad JSON content found in the request. Error converting value " + tenant.dump() +
        " to type 'System.Guid'. Path 'properties.tenantId'.");
  }
  json& sku = props["sku"];
  if (!sku.is_object())
    return errors::key_vault_bad_request("The parameter sku is not specified.");  // inferred
  const std::string family = string_member(sku, "family");
  const std::string name = to_lower(string_member(sku, "name"));
  if ((family != "A" && !family.empty()) || (name != "standard" && name != "premium")) {
    return errors::key_vault_bad_request("The parameter sku has an invalid value.");  // inferred
  }
  sku["family"] = "A";
  sku["name"] = name;
  const json& rbac = member(props, "enableRbacAuthorization");
  const bool uses_rbac = rbac.is_boolean() && rbac.get<bool>();
  if (member(props, "accessPolicies").is_null()) {
    // [C-doc] quoted in Azure/azure-sdk-for-net#28677.
    if (!uses_rbac)
      return errors::key_vault_bad_request("The parameter accessPolicies is not specified.");
    props["accessPolicies"] = json::array();
  }
  return true;
}

class VaultRules final : public ResourceTypeRules {
 public:
  std::string type() const override { return kVaultType; }

  Result<PutPlan, ArmError> plan_put(const json& body, const TypeContext& ctx) const override {
    if (!valid_vault_name(ctx.name)) return errors::vault_name_not_valid(ctx.name);
    BaseOptions options;
    options.default_duration = std::chrono::seconds(20);  // inferred
    Result<PutPlan, ArmError> plan = base_plan(type(), body, ctx, options);
    if (!plan.ok()) return plan;
    json& props = plan->resource.body["properties"];
    Result<bool, ArmError> checked = check_properties(props);
    if (!checked.ok()) return checked.error();
    Result<bool, ArmError> free = check_name_free(ctx);
    if (!free.ok()) return free.error();
    const json defaults = {
        {"enabledForDeployment", false},         {"enabledForDiskEncryption", false},
        {"enabledForTemplateDeployment", false}, {"enableSoftDelete", true},
        {"softDeleteRetentionInDays", 90},       {"enableRbacAuthorization", false},
        {"publicNetworkAccess", "Enabled"}};
    for (const auto& [key, value] : defaults.items())
      if (!props.contains(key)) props[key] = value;
    props["vaultUri"] = "https://" + ctx.name + ".vault.azure.net/";
    plan->claims.push_back(NameClaim{"vault", to_lower(ctx.name), ctx.id});
    plan->create_status = 200;  // inferred: Key Vault answers a create with 200
    return plan;
  }

  // Key Vault deletes at once (200) and keeps the vault soft-deleted; soft delete can no
  // longer be turned off in Azure, so every delete is soft.
  DeletePlan plan_delete(const Resource&, const TypeContext&) const override {
    return DeletePlan{Duration(0), true};
  }
};

}  // namespace

std::unique_ptr<ResourceTypeRules> make_vault_rules() { return std::make_unique<VaultRules>(); }

}  // namespace detail

Result<nlohmann::json, ArmError> check_vault_name(const ArmStore& store,
                                                  const nlohmann::json& body) {
  const std::string name = detail::string_member(body, "name");
  if (name.empty()) {
    return errors::invalid_parameter("name", "The parameter name is not specified.");  // inferred
  }
  const std::string type = detail::string_member(body, "type");
  if (to_lower(type) != to_lower(detail::kVaultType)) {
    return errors::invalid_parameter(  // inferred
        "type",
        "The parameter type has an invalid value. Only 'Microsoft.KeyVault/vaults' is "
        "supported.");
  }
  if (!detail::valid_vault_name(name)) {
    return nlohmann::json{{"nameAvailable", false},
                          {"reason", errors::kReasonAccountNameInvalid},
                          {"message", errors::vault_name_not_valid(name).message}};
  }
  if (store.find_name("vault", name).ok()) {
    return nlohmann::json{{"nameAvailable", false},
                          {"reason", errors::kReasonAlreadyExists},
                          {"message", errors::vault_already_exists(name).message}};
  }
  return nlohmann::json{{"nameAvailable", true}};
}

nlohmann::json deleted_vault_view(const DeletedVault& v) {
  return {
      {"id", "/subscriptions/" + v.subscription_id + "/providers/Microsoft.KeyVault/locations/" +
                 v.location + "/deletedVaults/" + v.name},
      {"name", v.name},
      {"type", "Microsoft.KeyVault/deletedVaults"},
      {"properties",
       {{"vaultId", v.vault_id},
        {"location", v.location},
        {"deletionDate", format_iso8601(v.deleted_at)},
        {"scheduledPurgeDate", format_iso8601(v.scheduled_purge_at)},
        {"tags", v.tags.is_object() ? v.tags : nlohmann::json::object()},
        {"purgeProtectionEnabled", false}}}};
}

}  // namespace emu::arm

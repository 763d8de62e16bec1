// Microsoft.Storage rules: account names (3-24 lower-case letters and digits, globally unique),
// sku and kind, the account body as GET returns it (endpoints in core.windows.net, secondary
// location = the paired region for geo-redundant skus) and checkNameAvailability.
#include "emulator/arm/catalog/catalog.h"
#include "emulator/arm/types/internal.h"
#include "emulator/arm/types/types.h"
#include "emulator/core/text.h"

#include <chrono>
#include <regex>

namespace emu::arm {
namespace detail {
namespace {

constexpr const char* kStorageType = "Microsoft.Storage/storageAccounts";

bool valid_account_name(const std::string& name) {
  static const std::regex kName("^[a-z0-9]{3,24}$");
  return std::regex_match(name, kName);
}

// Canonical casing of a storage sku name, or "" when unknown.
std::string canonical_sku(const std::string& name) {
  static const char* kSkus[] = {"Standard_LRS",  "Standard_GRS",   "Standard_RAGRS",
                                "Standard_ZRS",  "Premium_LRS",    "Premium_ZRS",
                                "Standard_GZRS", "Standard_RAGZRS"};
  for (const char* s : kSkus)
    if (to_lower(s) == to_lower(name)) return s;
  return "";
}

std::string canonical_kind(const std::string& kind) {
  static const char* kKinds[] = {"StorageV2", "Storage", "BlobStorage", "FileStorage",
                                 "BlockBlobStorage"};
  if (kind.empty()) return "StorageV2";
  for (const char* k : kKinds)
    if (to_lower(k) == to_lower(kind)) return k;
  return "";
}

json endpoints(const std::string& host, const std::string& kind) {
  auto url = [&](const std::string& service) {
    return "https://" + host + "." + service + ".core.windows.net/";
  };
  json e = json::object();
  const bool v1 = kind == "Storage";
  if (kind != "FileStorage") e["blob"] = url("blob");
  if (kind == "StorageV2" || v1) {
    e["queue"] = url("queue");
    e["table"] = url("table");
  }
  if (kind == "StorageV2" || v1 || kind == "FileStorage") e["file"] = url("file");
  if (kind == "StorageV2" || kind == "BlobStorage" || kind == "BlockBlobStorage")
    e["dfs"] = url("dfs");
  // The static-website zone ("z13") varies per account in Azure; fixed here (inferred).
  if (kind == "StorageV2" || kind == "BlockBlobStorage")
    e["web"] = "https://" + host + ".z13.web.core.windows.net/";
  return e;
}

// Fills the computed and defaulted properties of the account.
void fill_properties(json& b, const std::string& sku, const std::string& kind,
                     const TypeContext& ctx) {
  json& props = b["properties"];
  const std::string location = b["location"].get<std::string>();
  std::string created = existing_string(ctx, "/properties/creationTime");
  if (created.empty()) created = format_iso8601(ctx.now);
  props["creationTime"] = created;
  props["primaryLocation"] = location;
  props["statusOfPrimary"] = "available";
  props["primaryEndpoints"] = endpoints(ctx.name, kind);
  const bool geo = sku.find("GRS") != std::string::npos || sku.find("GZRS") != std::string::npos;
  const Region* region = find_region(location);
  if (geo && region != nullptr && !region->paired_region.empty()) {
    props["secondaryLocation"] = region->paired_region;
    props["statusOfSecondary"] = "available";
    if (sku.find("RA") != std::string::npos)
      props["secondaryEndpoints"] = endpoints(ctx.name + "-secondary", kind);
  }
  json service = {{"keyType", "Account"}, {"enabled", true}, {"lastEnabledTime", created}};
  json& enc = props["encryption"];
  if (!enc.is_object()) enc = json::object();
  if (!enc.contains("keySource")) enc["keySource"] = "Microsoft.Storage";
  json& services = enc["services"];
  if (!services.is_object()) services = json::object();
  for (const char* s : {"blob", "file"}) {
    json merged = service;
    if (services[s].is_object()) merged.update(services[s]);
    services[s] = merged;
  }
  const json defaults = {{"supportsHttpsTrafficOnly", true},
                         {"minimumTlsVersion", "TLS1_2"},
                         {"allowBlobPublicAccess", false},
                         {"networkAcls",
                          {{"bypass", "AzureServices"},
                           {"virtualNetworkRules", json::array()},
                           {"ipRules", json::array()},
                           {"defaultAction", "Allow"}}}};
  for (const auto& [key, value] : defaults.items())
    if (!props.contains(key)) props[key] = value;
  if ((kind == "StorageV2" || kind == "BlobStorage") && !props.contains("accessTier"))
    props["accessTier"] = "Hot";
}

class StorageRules final : public ResourceTypeRules {
 public:
  std::string type() const override { return kStorageType; }

  Result<PutPlan, ArmError> plan_put(const json& body, const TypeContext& ctx) const override {
    if (!valid_account_name(ctx.name)) return errors::storage_account_name_invalid(ctx.name);
    BaseOptions options;
    options.default_duration = std::chrono::seconds(25);  // inferred
    Result<PutPlan, ArmError> plan = base_plan(type(), body, ctx, options);
    if (!plan.ok()) return plan;
    json& b = plan->resource.body;
    const std::string sku = canonical_sku(string_member(member(body, "sku"), "name"));
    if (sku.empty()) return errors::invalid_values("sku");  // missing sku: same answer (inferred)
    const std::string kind = canonical_kind(string_member(body, "kind"));
    if (kind.empty()) return errors::invalid_values("kind");
    auto taken = ctx.store.find_name("storage", ctx.name);
    if (taken.ok() && to_lower(taken->owner) != to_lower(ctx.id))
      return errors::storage_account_already_taken(ctx.name);
    b["sku"] = {{"name", sku}, {"tier", sku.rfind("Premium", 0) == 0 ? "Premium" : "Standard"}};
    b["kind"] = kind;
    fill_properties(b, sku, kind, ctx);
    plan->claims.push_back(NameClaim{"storage", ctx.name, ctx.id});
    plan->create_status = 202;  // az 2.45 accepts 200 or 202 only (README Sources [S5])
    return plan;
  }
};

}  // namespace

std::unique_ptr<ResourceTypeRules> make_storage_rules() { return std::make_unique<StorageRules>(); }

}  // namespace detail

Result<nlohmann::json, ArmError> check_storage_name(const ArmStore& store,
                                                    const nlohmann::json& body) {
  const nlohmann::json& name_value = detail::member(body, "name");
  if (!name_value.is_string()) {
    // [inferred] the Storage RP's answer to a body without a name.
    return errors::invalid_request_property_value(
        "name", "The value for the property 'name' is missing or invalid.");
  }
  const std::string type = detail::string_member(body, "type");
  if (to_lower(type) != to_lower(detail::kStorageType)) {
    return errors::invalid_request_property_value(  // inferred
        "type", "The value '" + type + "' is not allowed for property type.");
  }
  const std::string name = name_value.get<std::string>();
  if (!detail::valid_account_name(name)) {
    return nlohmann::json{{"nameAvailable", false},
                          {"reason", errors::kReasonAccountNameInvalid},
                          {"message", errors::storage_account_name_invalid(name).message}};
  }
  if (store.find_name("storage", name).ok()) {
    return nlohmann::json{{"nameAvailable", false},
                          {"reason", errors::kReasonAlreadyExists},
                          {"message", errors::storage_account_already_taken(name).message}};
  }
  return nlohmann::json{{"nameAvailable", true}};
}

}  // namespace emu::arm

// Shared pieces of the resource-type rules (types_*.cc): the rule factories, the common
// tracked-resource plan, JSON helpers and ARM error helpers. Internal to emulator/arm.
#pragma once

#include "emulator/arm/types/types.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace emu::arm::detail {

using nlohmann::json;

// Rule factories (one per modelled type).
std::unique_ptr<ResourceTypeRules> make_public_ip_rules();
std::unique_ptr<ResourceTypeRules> make_load_balancer_rules();
std::unique_ptr<ResourceTypeRules> make_nsg_rules();
std::unique_ptr<ResourceTypeRules> make_vnet_rules();
std::unique_ptr<ResourceTypeRules> make_vault_rules();
std::unique_ptr<ResourceTypeRules> make_storage_rules();
std::unique_ptr<ResourceTypeRules> make_vmss_rules();

// 400 LocationNotAvailableForResourceType naming every region (source: real replies quoted in
// Azure/azure-rest-api-specs#8347, #8577).
ArmError location_not_available(std::string_view location, std::string_view type);

// The plan every tracked resource starts from: resource id/name/type/location/group and a body
// {id, name, type, location, tags, sku?, kind?, identity?, zones?, plan?, properties:{...}}
// copied from the request (properties.provisioningState dropped). The body's location must be
// a known region (display names are normalised to names), or "global" when `allow_global`;
// missing -> LocationRequired unless `default_location` is given. Also rejects a non-object
// body/properties/tags (InvalidRequestContent). Duration: provisioning_duration(type).
struct BaseOptions {
  std::string_view default_location;  // "" = location required
  bool allow_global = false;
  Duration default_duration{0};
};
Result<PutPlan, ArmError> base_plan(std::string_view type, const json& body, const TypeContext& ctx,
                                    const BaseOptions& options);

// obj[key] when obj is an object holding key, else a static null.
const json& member(const json& obj, std::string_view key);
// The string at obj[key], or "" when absent or not a string.
std::string string_member(const json& obj, std::string_view key);
// The existing resource's body at `pointer` when it is a string (kept across updates so
// generated identifiers stay stable), else "".
std::string existing_string(const TypeContext& ctx, const char* pointer);
// W/"<guid>": the etag the Network provider puts on resources and sub-resources.
std::string network_etag(const TypeContext& ctx);
// Stamps what every Network resource carries: properties.resourceGuid (kept across updates)
// and the body's etag.
void stamp_network_resource(json& body, const TypeContext& ctx);

// Base of the Network provider's rules: deletes take 5 virtual seconds (inferred: the Network
// RP deletes asynchronously).
class NetworkRules : public ResourceTypeRules {
 public:
  DeletePlan plan_delete(const Resource&, const TypeContext&) const override {
    return DeletePlan{std::chrono::seconds(5), false};
  }
};
// Gives each element of properties[collection] (an array of {name, properties}) its ID
// "<parent_id>/<collection>/<name>", an etag, a type when `child_type` is not empty and
// properties.provisioningState "Succeeded". Elements without a string name ->
// InvalidRequestFormat-style 400 naming the collection (inferred wording).
Result<bool, ArmError> name_children(json& properties, const char* collection,
                                     const std::string& parent_id, const std::string& child_type,
                                     const TypeContext& ctx);

}  // namespace emu::arm::detail

// ARM error wording of the resource providers' rules (Compute, Network, Storage, Key Vault) and
// the checks every type shares. Sources beside each builder ([C-doc]: a Microsoft Learn page or
// a quoted real reply); "inferred" marks wording not confirmed against the real service.
#include "emulator/arm/errors.h"

namespace emu::arm::errors {

// [inferred] (the code is ARM's; the wording follows its LocationNotAvailableForResourceGroup)
ArmError location_not_available_for_type(std::string_view location, std::string_view type,
                                         const std::vector<std::string>& regions) {
  std::string names;
  for (const std::string& r : regions) names += (names.empty() ? "" : ",") + r;
  return make(400, "LocationNotAvailableForResourceType",
              "The provided location '" + std::string(location) +
                  "' is not available for resource type '" + std::string(type) +
                  "'. List of available regions for the resource type is '" + names + "'.");
}

// [inferred] the Network provider's answer to a body it cannot bind.
ArmError invalid_request_format(const std::string& target) {
  return make(400, "InvalidRequestFormat", "Cannot parse the request.", target);
}

// [inferred] the Storage provider's code for a bad property; the message is the caller's.
ArmError invalid_request_property_value(const std::string& target, const std::string& message) {
  return make(400, "InvalidRequestPropertyValue", message, target);
}

// --- Compute ---

// [C-doc] 409 SkuNotAvailable in the form Compute gives for a size the subscription may not use
// in a region, quoted in MicrosoftDocs/azure-docs#20879 and mspnp/aks-baseline#372.
ArmError sku_not_available(const std::string& resource_id, const std::string& location,
                           const std::string& subscription_id) {
  return make(409, "SkuNotAvailable",
              "The requested size for resource '" + resource_id +
                  "' is currently not available in location '" + location +
                  "' zones '' for subscription '" + subscription_id +
                  "'. Please try another size or deploy to a different location or zones. "
                  "See https://aka.ms/azureskunotavailable for details.");
}

// [C-doc] quoted in Azure/karpenter-provider-azure#192 and scylladb/scylla-cluster-tests#12948
// (OperationNotAllowed on a direct PUT; QuotaExceeded inside a deployment's preflight).
ArmError quota_exceeded(const std::string& subscription_id, const std::string& location,
                        const std::string& resource, int64_t limit, int64_t usage, int64_t needed,
                        bool direct_request) {
  const bool total = resource == "cores";
  const std::string what = total ? "Total Regional Cores" : resource + " Cores";
  const std::string new_limit = std::to_string(usage + needed);
  const std::string params =
      "%7B%22subscriptionId%22:%22" + subscription_id +
      "%22,%22command%22:%22openQuotaApprovalBlade%22,%22quotas%22:[%7B%22location%22:%22" +
      location + "%22,%22providerId%22:%22Microsoft.Compute%22,%22resourceName%22:%22" + resource +
      "%22,%22quotaRequest%22:%7B%22properties%22:%7B%22limit%22:" + new_limit +
      ",%22unit%22:%22Count%22,%22name%22:%7B%22value%22:%22" + resource + "%22%7D%7D%7D%7D]%7D";
  const std::string message =
      "Operation could not be completed as it results in exceeding approved " + what +
      " quota. Additional details - Deployment Model: Resource Manager, Location: " + location +
      ", Current Limit: " + std::to_string(limit) + ", Current Usage: " + std::to_string(usage) +
      ", Additional Required: " + std::to_string(needed) +
      ", (Minimum) New Limit Required: " + new_limit +
      ". Setup Alerts when Quota reaches threshold. Learn more at "
      "https://aka.ms/quotamonitoringalerting . Submit a request for Quota increase at "
      "https://aka.ms/ProdportalCRP/#blade/Microsoft_Azure_Capacity/UsageAndQuota.ReactView/"
      "Parameters/" +
      params +
      " by specifying parameters listed in the \u2018Details\u2019 section for deployment to "
      "succeed. Please read more about quota limits at "
      "https://docs.microsoft.com/en-us/azure/azure-supportability/" +
      (total ? "regional-quota-requests" : "per-vm-quota-requests");
  return make(409, direct_request ? "OperationNotAllowed" : "QuotaExceeded", message);
}

// --- Network ---

// [C-doc] 400 InvalidDomainNameLabel, quoted in Azure/azure-quickstart-templates#6520.
ArmError invalid_domain_name_label(const std::string& label, const std::string& pattern) {
  return make(400, "InvalidDomainNameLabel",
              "The domain name label " + label +
                  " is invalid. It must conform to the following regular expression: " + pattern +
                  ".");
}

// [C-doc] 400 DnsRecordInUse, quoted in scarolan/azure-terraform-beginners#20 and
// Azure/azure-quickstart-templates#4978.
ArmError dns_record_in_use(const std::string& fqdn) {
  return make(400, "DnsRecordInUse",
              "DNS record " + fqdn + " is already used by another public IP.");
}

// [C-doc] 400 StandardSkuPublicIPAddressesMustBeStatic, quoted in MicrosoftDocs/azure-docs#42889.
ArmError standard_public_ip_must_be_static(const std::string& id) {
  return make(400, "StandardSkuPublicIPAddressesMustBeStatic",
              "Standard sku publicIp " + id + " must have AllocationMethod set to Static.");
}

// [inferred] wording of the Network RP's priority check.
ArmError security_rule_invalid_priority(const std::string& value, const std::string& rule_id) {
  return make(
      400, "SecurityRuleInvalidPriority",
      "Security rule has invalid Priority. Value provided: " + value + " Allowed range 100-4096.",
      rule_id);
}

// [C-doc, commonly quoted Network RP reply] 400 InvalidResourceReference.
ArmError invalid_resource_reference(const std::string& ref, const std::string& by) {
  return make(400, "InvalidResourceReference",
              "Resource " + ref + " referenced by resource " + by +
                  " was not found. Please make sure that the referenced resource exists, and "
                  "that both resources are in the same region.");
}

// [inferred] wording for a malformed prefix.
ArmError invalid_address_prefix(const std::string& prefix, const std::string& id) {
  return make(400, "InvalidAddressPrefixFormat",
              "Address prefix " + prefix + " of resource " + id +
                  " is not formatted correctly. It should follow CIDR notation, for example "
                  "10.0.0.0/24.");
}

// [C-doc] quoted in MicrosoftDocs/azure-docs#123869.
ArmError subnet_outside_vnet(const std::string& subnet, const std::string& vnet) {
  return make(400, "NetcfgSubnetRangeOutsideVnet",
              "Subnet '" + subnet +
                  "' is not valid because its IP address range is outside the IP address range "
                  "of virtual network '" +
                  vnet + "'.");
}

// [C-doc] quoted in MicrosoftDocs/azure-docs#123869.
ArmError subnets_overlap(const std::string& subnet, const std::string& vnet) {
  return make(400, "NetcfgSubnetRangesOverlap",
              "Subnet '" + subnet +
                  "' is not valid because its IP address range overlaps with that of an "
                  "existing subnet in virtual network '" +
                  vnet + "'.");
}

// --- Storage ---

// [C-doc] 400 InvalidValuesForRequestParameters, quoted in
// hashicorp/terraform-provider-azurerm#8089 and Azure/azure-cli#27899.
ArmError invalid_values(const std::string& names) {
  return make(400, "InvalidValuesForRequestParameters",
              "Values for request parameters are invalid: " + names + ".");
}

// [C-doc] 400 AccountNameInvalid, quoted in pulumi/templates#274 and
// Azure/AzureMonitorStarterPacks#171 (target = the name).
ArmError storage_account_name_invalid(const std::string& name) {
  return make(400, "AccountNameInvalid",
              name +
                  " is not a valid storage account name. Storage account name must be between 3 "
                  "and 24 characters in length and use numbers and lower-case letters only.",
              name);
}

// [C-doc] 409 StorageAccountAlreadyTaken, quoted in hashicorp/terraform#11485 and
// OfficeDev/microsoft-teams-apps-timetally#50 (target = the name).
ArmError storage_account_already_taken(const std::string& name) {
  return make(409, "StorageAccountAlreadyTaken",
              "The storage account named " + name + " is already taken.", name);
}

// --- Key Vault ---

// [C-doc] quoted in OfficeDev/microsoft-teams-apps-newemployeeonboarding#28; status inferred.
ArmError vault_name_not_valid(const std::string& name) {
  return make(400, "VaultNameNotValid",
              "The vault name '" + name +
                  "' is invalid. A vault's name must be between 3-24 alphanumeric characters. "
                  "The name must begin with a letter, end with a letter or digit, and not "
                  "contain consecutive hyphens. Follow this link for more information: "
                  "https://go.microsoft.com/fwlink/?linkid=2147742");
}

// [C-doc] quoted in Esri/arcgis-gitops#174 and microsoft/azure_arc#3378; status 409 inferred.
ArmError vault_already_exists(const std::string& name) {
  return make(409, "VaultAlreadyExists",
              "The vault name '" + name +
                  "' is already in use. Vault names are globally unique so it is possible that "
                  "the name is already taken. If you are sure that the vault name was not taken "
                  "then it is possible that a vault with the same name was recently deleted but "
                  "not purged after being placed in a recoverable state. If the vault is in a "
                  "recoverable state then the vault will need to be purged before reusing the "
                  "name. For more information about VaultAlreadyExists, soft delete and purging "
                  "a vault follow this link https://go.microsoft.com/fwlink/?linkid=2147740.");
}

// [C-doc] 409 ConflictError quoted in alan-turing-institute/data-safe-haven#2523 (a vault of
// the same subscription in deleted state).
ArmError vault_in_deleted_state() {
  return make(409, "ConflictError",
              "A vault with the same name already exists in deleted state. You need to either "
              "recover or purge existing key vault. Follow this link "
              "https://go.microsoft.com/fwlink/?linkid=2149745 for more information on soft "
              "delete.");
}

// [inferred] Key Vault's code for a body it refuses; the message is the caller's (sources
// beside the callers in types/keyvault.cc).
ArmError key_vault_bad_request(const std::string& message) {
  return make(400, "BadRequest", message);
}

}  // namespace emu::arm::errors

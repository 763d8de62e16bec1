// Helpers for the resource handler tests: paths under the fixture's subscription and group,
// request bodies of the CMG resource types, and reply accessors.
#pragma once

#include "tests/unit/arm/arm_fixture.h"

#include <nlohmann/json.hpp>

#include <string>

namespace emu::arm::testing {

inline const std::string kSubPath = std::string("/subscriptions/") + kSub;
inline const std::string kRgPath = kSubPath + "/resourceGroups/rg1";

// The canonical ID (and path) of `type`/`name` in rg1.
inline std::string rid(const std::string& type, const std::string& name) {
  return kRgPath + "/providers/" + type + "/" + name;
}

inline std::string code_of(const http::Response& res) {
  auto j = nlohmann::json::parse(res.body, nullptr, false);
  return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
}

inline std::string message_of(const http::Response& res) {
  auto j = nlohmann::json::parse(res.body, nullptr, false);
  return j.is_object() && j.contains("error") ? j["error"].value("message", "") : "";
}

inline std::string header(const http::Response& res, const std::string& name) {
  return std::string(res.headers.get_or(name, ""));
}

// An absolute URL the service issued, as a target for ArmFixture::call.
inline std::string target_of(const std::string& url) {
  const std::string base = "https://management.azure.com";
  return url.rfind(base, 0) == 0 ? url.substr(base.size()) : url;
}

inline std::string state_of(const nlohmann::json& view) {
  return view.contains("properties") ? view["properties"].value("provisioningState", "") : "";
}

inline nlohmann::json pip_body(const std::string& label = "") {
  nlohmann::json b = {{"location", "japaneast"},
                      {"properties", {{"publicIPAllocationMethod", "Dynamic"}}}};
  if (!label.empty()) b["properties"]["dnsSettings"] = {{"domainNameLabel", label}};
  return b;
}

inline nlohmann::json storage_body() {
  nlohmann::json b = {
      {"sku", {{"name", "Standard_LRS"}}}, {"kind", "StorageV2"}, {"location", "japaneast"}};
  b["properties"]["encryption"]["services"]["blob"] = nlohmann::json::object();
  b["properties"]["encryption"]["keySource"] = "Microsoft.Storage";
  return b;
}

inline nlohmann::json vault_body() {
  return {{"location", "japaneast"},
          {"properties",
           {{"tenantId", kTenant},
            {"sku", {{"family", "A"}, {"name", "standard"}}},
            {"accessPolicies", nlohmann::json::array()}}}};
}

inline nlohmann::json vmss_body(int capacity) {
  nlohmann::json b = {
      {"location", "japaneast"},
      {"sku", {{"name", "Standard_A2_v2"}, {"tier", "Standard"}, {"capacity", capacity}}}};
  b["properties"]["virtualMachineProfile"]["osProfile"] = {
      {"computerNamePrefix", "cmg"}, {"adminUsername", "cmgadmin"}, {"adminPassword", "P@ssw0rd!"}};
  return b;
}

inline nlohmann::json vnet_body() {
  return {
      {"location", "japaneast"},
      {"properties",
       {{"addressSpace", {{"addressPrefixes", {"10.0.0.0/16"}}}},
        {"subnets", {{{"name", "default"}, {"properties", {{"addressPrefix", "10.0.0.0/24"}}}}}}}}};
}

}  // namespace emu::arm::testing

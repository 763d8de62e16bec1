// Azure built-in roles the emulator enforces, with their real role definition IDs
// (learn.microsoft.com "Azure built-in roles" [C-doc]).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace emu::arm {

struct BuiltInRole {
  std::string name;  // "Owner"
  std::string id;    // role definition GUID
  std::string description;
};

const std::vector<BuiltInRole>& built_in_roles();
// By name or GUID (case-insensitive); also accepts a full roleDefinitionId path
// (".../providers/Microsoft.Authorization/roleDefinitions/<guid>"). nullptr if unknown.
const BuiltInRole* find_role(std::string_view name_or_id);

}  // namespace emu::arm

// ArmStore: role assignments.
#include "emulator/arm/store/internal.h"
#include "emulator/arm/store/store.h"
#include "emulator/core/text.h"

namespace emu::arm {

using namespace internal;

namespace {
RoleAssignment read_assignment(const Row& s) {
  RoleAssignment a;
  a.id = s.column_text(0);
  a.scope = s.column_text(1);
  a.role = s.column_text(2);
  a.principal_id = s.column_text(3);
  a.principal_type = s.column_text(4);
  a.created_at = time_from_column(s.column_int64(5));
  return a;
}
constexpr std::string_view kAssignmentCols =
    "SELECT id, scope, role, principal_id, principal_type, created_at FROM role_assignments";

std::string trim_slash(std::string s) {
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}
}  // namespace

Status ArmStore::put_role_assignment(const RoleAssignment& a) {
  const std::string scope = trim_slash(a.scope);
  return exec_sql(db_,
                  "INSERT OR REPLACE INTO role_assignments(id_key, id, scope, scope_key, role, "
                  "principal_id, principal_key, principal_type, created_at) VALUES (?1, ?2, ?3, "
                  "?4, ?5, ?6, ?7, ?8, ?9)",
                  to_lower(a.id), a.id, scope, to_lower(scope), a.role, a.principal_id,
                  to_lower(a.principal_id), a.principal_type, time_to_column(a.created_at));
}

Result<RoleAssignment> ArmStore::find_role_assignment(std::string_view id) const {
  return query_one<RoleAssignment>(db_, std::string(kAssignmentCols) + " WHERE id_key = ?1",
                                   read_assignment, "role assignment '" + std::string(id) + "'",
                                   to_lower(id));
}

std::vector<RoleAssignment> ArmStore::role_assignments(std::string_view principal_id,
                                                       std::string_view scope) const {
  const std::string s = to_lower(trim_slash(std::string(scope)));
  return or_empty(query_rows<RoleAssignment>(
      db_,
      std::string(kAssignmentCols) +
          " WHERE (?1 = '' OR principal_key = ?1) AND (?2 = '' OR scope_key = ?2 OR "
          "substr(scope_key, 1, length(?2) + 1) = ?2 || '/') ORDER BY created_at, id_key",
      read_assignment, to_lower(principal_id), s));
}

Status ArmStore::delete_role_assignment(std::string_view id) {
  return exec_sql(db_, "DELETE FROM role_assignments WHERE id_key = ?1", to_lower(id));
}

}  // namespace emu::arm

#include "cmg_tooling.h"

#include <sqlite3.h>

#include <memory>
#include <stdexcept>

namespace cmg_tooling {

std::string mutual_auth_path(const std::string& site_db) {
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
    throw std::runtime_error("cannot open SQLite");
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
  // The site keeps every object in schema dbo, so the T-SQL of the console runs unchanged.
  if (sqlite3_exec(db.get(), ("ATTACH DATABASE '" + site_db + "' AS dbo").c_str(), nullptr, nullptr,
                   nullptr) != SQLITE_OK)
    throw std::runtime_error("cannot attach " + site_db + ": " + sqlite3_errmsg(db.get()));
  const char* sql = "SELECT [MutualAuthPath] FROM [dbo].[vProxy_Roles] Where [RoleTypeID] = '6'";
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db.get(), sql, -1, &stmt, nullptr) != SQLITE_OK)
    throw std::runtime_error(std::string("vProxy_Roles: ") + sqlite3_errmsg(db.get()));
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> guard(stmt, &sqlite3_finalize);
  if (sqlite3_step(stmt) != SQLITE_ROW)
    throw std::runtime_error("no management point serves the CMG");
  return reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
}

std::string ccmsetup_command_line(const std::string& site_code, const std::string& mutual_auth,
                                  const std::string& mp, const std::string& bulk_token) {
  return "ccmsetup.exe /NoCRLCheck /source:C:\\ClientInstall SMSSITECODE=" + site_code +
         " CCMHOSTNAME=\"" + mutual_auth + "\" SMSMP=\"" + mp + "\" /regtoken:" + bulk_token +
         " CCMALWAYSINF=1";
}

}  // namespace cmg_tooling

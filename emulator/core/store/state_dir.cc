#include "emulator/core/store/database.h"

#include <filesystem>
#include <system_error>

namespace emu::store {
namespace {

bool valid_name(std::string_view name) {
  if (name.empty() || name.front() == '.') return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string StateDir::path_for(std::string_view name) const {
  if (!persistent()) return ":memory:";
  return (std::filesystem::path(dir_) / (std::string(name) + ".db")).string();
}

Result<std::unique_ptr<Database>> StateDir::open(std::string_view name) const {
  if (!valid_name(name)) {
    return InvalidArgument("invalid database name '" + std::string(name) +
                           "' (use letters, digits, '_', '.', '-')");
  }
  if (persistent()) {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) return Unavailable("cannot create state folder '" + dir_ + "': " + ec.message());
  }
  return Database::open(path_for(name));
}

}  // namespace emu::store

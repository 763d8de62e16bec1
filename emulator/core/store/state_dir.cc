// StateDir and the private-file helpers (database.h).
#include "emulator/core/store/database.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

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

Result<std::string> StateDir::prepare(std::string_view name) const {
  if (!valid_name(name)) {
    return InvalidArgument("invalid database name '" + std::string(name) +
                           "' (use letters, digits, '_', '.', '-')");
  }
  if (!persistent()) return path_for(name);
  Status dir = ensure_private_dir(dir_);
  if (!dir.ok()) return dir.with_context("state folder");
  const std::string path = path_for(name);
  EMU_RETURN_IF_ERROR(prepare_private_database(path));
  return path;
}

Result<std::unique_ptr<Database>> StateDir::open(std::string_view name) const {
  EMU_ASSIGN_OR_RETURN(std::string path, prepare(name));
  return Database::open(path);
}

Status ensure_private_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Unavailable("cannot create folder '" + dir + "': " + ec.message());
  if (::chmod(dir.c_str(), 0700) != 0) {
    return Unavailable("cannot set mode 0700 on folder '" + dir + "': " + std::strerror(errno));
  }
  return Status::Ok();
}

Status prepare_private_database(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Unavailable("cannot create database file '" + path + "': " + std::strerror(errno));
  }
  const bool ok = ::fchmod(fd, 0600) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok) {
    return Unavailable("cannot set mode 0600 on '" + path + "': " + std::strerror(saved));
  }
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    const std::string companion = path + suffix;
    if (::chmod(companion.c_str(), 0600) != 0 && errno != ENOENT) {
      return Unavailable("cannot set mode 0600 on '" + companion + "': " + std::strerror(errno));
    }
  }
  return Status::Ok();
}

}  // namespace emu::store

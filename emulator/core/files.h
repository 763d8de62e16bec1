// Whole-file reads and atomic whole-file writes (keys, certificates, state files).
// Thread-safe; concurrent writers of one path each leave a complete file (the last rename wins).
#pragma once

#include "emulator/core/status.h"

#include <string>
#include <string_view>

namespace emu {

// Reads a whole file; NotFound if it does not exist, Internal on another I/O error.
Result<std::string> read_file(const std::string& path);
// Writes `data` to a temporary sibling with `mode` permissions and renames it over `path`,
// so readers see the old or the new content, never a torn file. Internal on I/O error.
Status write_file_atomic(const std::string& path, std::string_view data, unsigned mode);

}  // namespace emu

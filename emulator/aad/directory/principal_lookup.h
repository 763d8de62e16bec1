// The directory-backed PrincipalLookup the AadService hands out.
#pragma once

#include "emulator/aad/directory/directory.h"
#include "emulator/aad/public/principals.h"

#include <memory>

namespace emu::aad {

// Lives no longer than `directory`. I/O thread only (like Directory).
std::unique_ptr<PrincipalLookup> make_principal_lookup(const Directory& directory);

}  // namespace emu::aad

// UTF-8 encoding of one code point, shared by the parsers that decode character references
// and UTF-16 (XML, CcmMessaging text, the harness's JSON locator).
#pragma once

#include <cstdint>
#include <string>

namespace emu {

// Appends `cp` as UTF-8 (1-4 bytes). The caller passes a valid scalar value (at most 0x10FFFF,
// not a surrogate); larger values are written as if they fit 21 bits.
void append_utf8(std::string& out, uint32_t cp);

}  // namespace emu

// Text helpers shared by every party: ASCII case mapping, markup escaping (sign-in pages, JUnit
// reports) and base64url (JWS/JWT, PKCE, thumbprints). Pure functions: no state, thread-safe, never
// throw except std::bad_alloc.
#pragma once

#include "emulator/core/status.h"

#include <string>
#include <string_view>

namespace emu {

// ASCII case mapping and comparison; bytes outside A-Z / a-z (UTF-8 included) are unchanged.
char ascii_lower(char c);
char ascii_upper(char c);
std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
// `s` without leading and trailing ASCII whitespace (space, \t, \n, \v, \f, \r).
std::string trim(std::string_view s);

// Escapes &, <, >, " and ' (as &apos;) for XML text and attribute values, and replaces the
// characters XML 1.0 forbids (controls other than tab, newline and carriage return) with
// U+FFFD. Every other byte, UTF-8 included, is copied unchanged.
std::string xml_escape(std::string_view text);

// Escapes &, <, >, " and ' (as &#39;, which HTML 4 also understands) for HTML text and
// attribute values. Every other byte, control characters included, is copied unchanged.
std::string html_escape(std::string_view text);

// base64url (RFC 4648 §5) without padding.
std::string base64url_encode(std::string_view bytes);
// Its inverse, canonical form only: InvalidArgument for a length that is 1 mod 4, a character
// outside the alphabet, or non-zero unused bits in the last character.
Result<std::string> base64url_decode(std::string_view text);
// Standard base64 (RFC 4648 §4, '+' and '/') with '=' padding, as x5c and HTTP Basic use it.
std::string base64_encode(std::string_view bytes);
// Its inverse; the padding is optional. InvalidArgument as base64url_decode (a '-' or '_'
// is outside this alphabet).
Result<std::string> base64_decode(std::string_view text);

}  // namespace emu

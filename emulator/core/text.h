// Markup escaping shared by every party that writes HTML or XML (sign-in pages, JUnit reports).
// Pure functions: no state, thread-safe, never throw except std::bad_alloc.
#pragma once

#include <string>
#include <string_view>

namespace emu {

// Escapes &, <, >, " and ' (as &apos;) for XML text and attribute values, and replaces the
// characters XML 1.0 forbids (controls other than tab, newline and carriage return) with
// U+FFFD. Every other byte, UTF-8 included, is copied unchanged.
std::string xml_escape(std::string_view text);

// Escapes &, <, >, " and ' (as &#39;, which HTML 4 also understands) for HTML text and
// attribute values. Every other byte, control characters included, is copied unchanged.
std::string html_escape(std::string_view text);

}  // namespace emu

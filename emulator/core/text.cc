// Markup escaping (declared in text.h).
#include "emulator/core/text.h"

namespace emu {
namespace {

// The shared escaper: `apos` is the entity for '\'', and `replace_controls` replaces the
// control characters XML 1.0 forbids with U+FFFD.
std::string escape_markup(std::string_view text, std::string_view apos, bool replace_controls) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += apos;
        break;
      default:
        if (replace_controls && static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' &&
            c != '\r')
          out += "\xEF\xBF\xBD";  // U+FFFD
        else
          out += c;
    }
  }
  return out;
}

}  // namespace

std::string xml_escape(std::string_view text) { return escape_markup(text, "&apos;", true); }

std::string html_escape(std::string_view text) { return escape_markup(text, "&#39;", false); }

}  // namespace emu

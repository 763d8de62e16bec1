// Fuzz target: the bounded XML reader (emulator/core/xml.h). Bytes → parse_xml with the default
// limits and with tight ones; nothing may crash or recurse without bound, every result must
// respect the limits, and a parsed document's text and attribute values must survive
// xml_escape → parse_xml unchanged.
#include "emulator/core/xml.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

// Depth and element count of a parsed tree, walked without recursion.
std::pair<size_t, size_t> shape(const emu::XmlElement& root) {
  std::vector<std::pair<const emu::XmlElement*, size_t>> todo{{&root, 1}};
  size_t max_depth = 0, nodes = 0;
  while (!todo.empty()) {
    auto [e, depth] = todo.back();
    todo.pop_back();
    ++nodes;
    max_depth = std::max(max_depth, depth);
    for (const auto& c : e->children) todo.emplace_back(&c, depth + 1);
  }
  return {max_depth, nodes};
}

// True for text that xml_escape leaves as it is apart from the five markup characters: no
// control characters (it replaces them) and no CR (the reader normalises line ends).
bool plain(std::string_view s) {
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const emu::XmlLimits& limits :
       {emu::XmlLimits{},
        emu::XmlLimits{.max_bytes = 4096, .max_depth = 4, .max_nodes = 16, .max_attributes = 2}}) {
    auto doc = emu::parse_xml(input, limits);
    if (!doc.ok()) continue;
    auto [depth, nodes] = shape(*doc);
    if (depth > limits.max_depth || nodes > limits.max_nodes) __builtin_trap();
    // Re-escaping the root's text and first attribute value parses back to the same strings.
    const std::string& text = doc->text;
    std::string value = doc->attributes.empty() ? "" : doc->attributes[0].second;
    // (A literal tab or newline in an attribute value is read back as a space.)
    if (plain(text) && plain(value) && value.find_first_of("\t\n") == std::string::npos) {
      auto again = emu::parse_xml("<r a=\"" + emu::xml_escape(value) + "\">" +
                                  emu::xml_escape(text) + "</r>");
      if (!again.ok() || again->text != text || again->attr_or("a") != value) __builtin_trap();
    }
  }
  return 0;
}

// A small, bounded XML reader and writer for the ConfigMgr wire formats (CcmMessaging bodies,
// .sms_aut replies, policy). It reads elements, attributes, text, CDATA, the five predefined
// entities and numeric character references; it skips the XML declaration, comments and
// processing instructions; it refuses DOCTYPE (no entity expansion at all). Every input is
// bounded by XmlLimits. Pure functions; thread-safe.
#pragma once

#include "emulator/core/status.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emu {

struct XmlLimits {
  size_t max_bytes = 4 * 1024 * 1024;
  size_t max_depth = 32;
  size_t max_nodes = 100000;       // elements in the document
  size_t max_attributes = 64;      // per element
};

struct XmlElement {
  std::string name;  // as written (prefix included)
  std::vector<std::pair<std::string, std::string>> attributes;  // decoded values, in order
  std::vector<XmlElement> children;
  std::string text;  // the element's own character data (text and CDATA), concatenated

  // First attribute named `name` (exact; `ci`: ASCII case-insensitive), or nullptr.
  const std::string* attr(std::string_view name, bool ci = false) const;
  // First child element named `name` (exact; `ci`: ASCII case-insensitive), or nullptr.
  const XmlElement* child(std::string_view name, bool ci = false) const;
  // Attribute value or `fallback`.
  std::string attr_or(std::string_view name, std::string fallback = "", bool ci = false) const;
};

// Parses one document (UTF-8; a leading BOM is skipped; trailing NULs and whitespace after the
// root are ignored). InvalidArgument("XML: <reason> at offset N") for malformed input;
// ResourceExhausted for input beyond `limits`.
Result<XmlElement> parse_xml(std::string_view text, const XmlLimits& limits = {});

// Escapes &, <, >, " and ' for text and attribute values.
std::string xml_escape(std::string_view text);

}  // namespace emu

// The bounded XML reader (xml.h). One forward pass over the bytes with an explicit stack of
// open elements (no recursion: the depth is bounded by XmlLimits::max_depth, and so is the
// recursion of XmlElement's own destructor). Line ends are normalised to LF and literal
// whitespace in attribute values to spaces (XML 1.0 §2.11, §3.3.3); no DTD, no entities beyond
// the five predefined ones and character references. xml_escape is defined in text.cc.
#include "emulator/core/xml.h"

#include "emulator/core/text.h"
#include "emulator/core/utf8.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emu {

const std::string* XmlElement::attr(std::string_view n, bool ci) const {
  for (const auto& [k, v] : attributes) {
    if (ci ? iequals(k, n) : k == n) return &v;
  }
  return nullptr;
}

const XmlElement* XmlElement::child(std::string_view n, bool ci) const {
  for (const XmlElement& c : children) {
    if (ci ? iequals(c.name, n) : c.name == n) return &c;
  }
  return nullptr;
}

std::string XmlElement::attr_or(std::string_view n, std::string fallback, bool ci) const {
  const std::string* v = attr(n, ci);
  return v != nullptr ? *v : std::move(fallback);
}

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_name_start(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' || c >= 0x80;
}

bool is_name_char(unsigned char c) {
  return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

class Parser {
 public:
  Parser(std::string_view text, const XmlLimits& limits) : s_(text), limits_(limits) {}

  Result<XmlElement> parse() {
    if (s_.size() > limits_.max_bytes) {
      return ResourceExhausted("XML: document of " + std::to_string(s_.size()) +
                               " bytes exceeds the limit of " + std::to_string(limits_.max_bytes));
    }
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    // Prolog: declaration, comments, PIs, whitespace. DOCTYPE is refused.
    EMU_RETURN_IF_ERROR(skip_misc(/*after_root=*/false));
    if (pos_ >= s_.size()) return error("no root element");
    EMU_RETURN_IF_ERROR(parse_content());
    EMU_RETURN_IF_ERROR(skip_misc(/*after_root=*/true));
    if (pos_ < s_.size()) return error("content after the root element");
    return std::move(root_);
  }

 private:
  Status error(std::string_view reason) const {
    return InvalidArgument("XML: " + std::string(reason) + " at offset " + std::to_string(pos_));
  }
  bool starts(std::string_view p) const { return s_.substr(pos_, p.size()) == p; }

  // Skips whitespace, comments and PIs (and, after the root, NULs) until the next element.
  Status skip_misc(bool after_root) {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (is_space(c) || (after_root && c == '\0')) {
        ++pos_;
      } else if (starts("<?")) {
        EMU_RETURN_IF_ERROR(skip_until("?>", "unterminated processing instruction"));
      } else if (starts("<!--")) {
        EMU_RETURN_IF_ERROR(skip_comment());
      } else if (starts("<!")) {
        if (starts("<!DOCTYPE") || starts("<!doctype")) return error("DOCTYPE is not allowed");
        return error("unexpected markup declaration");
      } else if (c == '<') {
        if (after_root) return error("content after the root element");
        return Status::Ok();
      } else {
        return error(after_root ? "content after the root element"
                                : "text before the root element");
      }
    }
    return Status::Ok();
  }

  Status skip_until(std::string_view end, std::string_view what) {
    size_t e = s_.find(end, pos_ + 2);
    if (e == std::string_view::npos) return error(what);
    pos_ = e + end.size();
    return Status::Ok();
  }

  Status skip_comment() {
    size_t e = s_.find("--", pos_ + 4);
    if (e == std::string_view::npos) return error("unterminated comment");
    if (e + 2 >= s_.size() || s_[e + 2] != '>') {
      pos_ = e;
      return error("'--' inside a comment");
    }
    pos_ = e + 3;
    return Status::Ok();
  }

  Result<std::string> parse_name() {
    size_t start = pos_;
    if (pos_ >= s_.size() || !is_name_start(static_cast<unsigned char>(s_[pos_]))) {
      return error("expected a name");
    }
    while (pos_ < s_.size() && is_name_char(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    return std::string(s_.substr(start, pos_ - start));
  }

  void skip_spaces() {
    while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
  }

  // Decodes the reference at pos_ ('&') into `out`.
  Status parse_reference(std::string& out) {
    size_t semi = s_.find(';', pos_);
    if (semi == std::string_view::npos || semi - pos_ > 12) return error("bad entity reference");
    std::string_view ref = s_.substr(pos_ + 1, semi - pos_ - 1);
    if (ref == "lt") {
      out += '<';
    } else if (ref == "gt") {
      out += '>';
    } else if (ref == "amp") {
      out += '&';
    } else if (ref == "quot") {
      out += '"';
    } else if (ref == "apos") {
      out += '\'';
    } else if (ref.size() >= 2 && ref[0] == '#') {
      bool hex = ref[1] == 'x';
      std::string_view digits = ref.substr(hex ? 2 : 1);
      if (digits.empty()) return error("bad character reference");
      uint32_t cp = 0;
      for (char d : digits) {
        uint32_t v;
        if (d >= '0' && d <= '9') {
          v = static_cast<uint32_t>(d - '0');
        } else if (hex && d >= 'a' && d <= 'f') {
          v = static_cast<uint32_t>(d - 'a' + 10);
        } else if (hex && d >= 'A' && d <= 'F') {
          v = static_cast<uint32_t>(d - 'A' + 10);
        } else {
          return error("bad character reference");
        }
        cp = cp * (hex ? 16 : 10) + v;
        if (cp > 0x10FFFF) return error("character reference out of range");
      }
      if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF) {
        return error("character reference to a forbidden character");
      }
      append_utf8(out, cp);
    } else {
      return error("unknown entity '" + std::string(ref) + "'");
    }
    pos_ = semi + 1;
    return Status::Ok();
  }

  Status parse_attribute_value(std::string& out) {
    if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) {
      return error("expected a quoted attribute value");
    }
    char quote = s_[pos_++];
    while (true) {
      if (pos_ >= s_.size()) return error("unterminated attribute value");
      char c = s_[pos_];
      if (c == quote) {
        ++pos_;
        return Status::Ok();
      }
      if (c == '<') return error("'<' in an attribute value");
      if (c == '&') {
        EMU_RETURN_IF_ERROR(parse_reference(out));
        continue;
      }
      if (c == '\r') {  // CRLF and CR are one line end, then normalised to a space
        if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '\n') ++pos_;
        out += ' ';
      } else if (c == '\n' || c == '\t') {
        out += ' ';
      } else {
        out += c;
      }
      ++pos_;
    }
  }

  // Parses a start tag at pos_ ('<'), pushing the element (or closing it at once for '/>').
  Status parse_start_tag() {
    if (++nodes_ > limits_.max_nodes) {
      return ResourceExhausted("XML: more than " + std::to_string(limits_.max_nodes) + " elements");
    }
    if (stack_.size() + 1 > limits_.max_depth) {
      return ResourceExhausted("XML: nesting deeper than " + std::to_string(limits_.max_depth) +
                               " at offset " + std::to_string(pos_));
    }
    ++pos_;
    XmlElement e;
    EMU_ASSIGN_OR_RETURN(e.name, parse_name());
    while (true) {
      size_t before = pos_;
      skip_spaces();
      if (pos_ >= s_.size()) return error("unterminated start tag");
      if (s_[pos_] == '>') {
        ++pos_;
        stack_.push_back(std::move(e));
        return Status::Ok();
      }
      if (starts("/>")) {
        pos_ += 2;
        stack_.push_back(std::move(e));
        return close_top();
      }
      if (before == pos_) return error("expected whitespace before an attribute");
      if (e.attributes.size() >= limits_.max_attributes) {
        return ResourceExhausted("XML: more than " + std::to_string(limits_.max_attributes) +
                                 " attributes on <" + e.name + ">");
      }
      EMU_ASSIGN_OR_RETURN(std::string name, parse_name());
      skip_spaces();
      if (pos_ >= s_.size() || s_[pos_] != '=')
        return error("expected '=' after an attribute name");
      ++pos_;
      skip_spaces();
      std::string value;
      EMU_RETURN_IF_ERROR(parse_attribute_value(value));
      if (e.attr(name) != nullptr) return error("duplicate attribute '" + name + "'");
      e.attributes.emplace_back(std::move(name), std::move(value));
    }
  }

  // Pops the innermost open element into its parent (or into root_).
  Status close_top() {
    XmlElement done = std::move(stack_.back());
    stack_.pop_back();
    if (stack_.empty()) {
      root_ = std::move(done);
      root_done_ = true;
    } else {
      stack_.back().children.push_back(std::move(done));
    }
    return Status::Ok();
  }

  Status parse_end_tag() {
    pos_ += 2;
    EMU_ASSIGN_OR_RETURN(std::string name, parse_name());
    skip_spaces();
    if (pos_ >= s_.size() || s_[pos_] != '>') return error("unterminated end tag");
    if (name != stack_.back().name) {
      return error("end tag </" + name + "> does not match <" + stack_.back().name + ">");
    }
    ++pos_;
    return close_top();
  }

  // From the root's start tag to its end tag.
  Status parse_content() {
    EMU_RETURN_IF_ERROR(parse_start_tag());
    while (!root_done_) {
      if (pos_ >= s_.size()) return error("unexpected end of input");
      std::string& text = stack_.back().text;
      char c = s_[pos_];
      if (c == '<') {
        if (starts("</")) {
          EMU_RETURN_IF_ERROR(parse_end_tag());
        } else if (starts("<![CDATA[")) {
          size_t e = s_.find("]]>", pos_ + 9);
          if (e == std::string_view::npos) return error("unterminated CDATA section");
          append_normalised(text, s_.substr(pos_ + 9, e - pos_ - 9));
          pos_ = e + 3;
        } else if (starts("<!--")) {
          EMU_RETURN_IF_ERROR(skip_comment());
        } else if (starts("<?")) {
          EMU_RETURN_IF_ERROR(skip_until("?>", "unterminated processing instruction"));
        } else if (starts("<!")) {
          if (starts("<!DOCTYPE") || starts("<!doctype")) return error("DOCTYPE is not allowed");
          return error("unexpected markup declaration");
        } else {
          EMU_RETURN_IF_ERROR(parse_start_tag());
        }
      } else if (c == '&') {
        EMU_RETURN_IF_ERROR(parse_reference(text));
      } else {
        size_t e = pos_;
        while (e < s_.size() && s_[e] != '<' && s_[e] != '&') ++e;
        append_normalised(text, s_.substr(pos_, e - pos_));
        pos_ = e;
      }
    }
    return Status::Ok();
  }

  // Appends character data with CRLF and lone CR turned into LF.
  static void append_normalised(std::string& out, std::string_view data) {
    for (size_t i = 0; i < data.size(); ++i) {
      if (data[i] == '\r') {
        out += '\n';
        if (i + 1 < data.size() && data[i + 1] == '\n') ++i;
      } else {
        out += data[i];
      }
    }
  }

  std::string_view s_;
  const XmlLimits& limits_;
  size_t pos_ = 0;
  size_t nodes_ = 0;
  std::vector<XmlElement> stack_;
  XmlElement root_;
  bool root_done_ = false;
};

}  // namespace

Result<XmlElement> parse_xml(std::string_view text, const XmlLimits& limits) {
  return Parser(text, limits).parse();
}

}  // namespace emu

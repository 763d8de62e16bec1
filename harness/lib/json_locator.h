// JsonLocator: maps JSON pointers ("/steps/2/action") to 1-based line numbers in the source
// text, so scenario errors can name a line. nlohmann::json keeps no positions, hence this small
// scanner. It accepts what the scenario loader accepts: JSON plus // and /* */ comments.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace emu::harness {

// Line and column (both 1-based) of a byte offset.
struct TextPosition {
  int line = 1;
  int column = 1;
};

// Position of byte `offset` in `text` (an offset past the end maps to the end). Columns count
// bytes, as nlohmann's parse errors do.
TextPosition position_at(std::string_view text, size_t offset);

// Immutable after construction; const methods are safe to call concurrently.
class JsonLocator {
 public:
  // Scans `text` once. Malformed input is not an error: the scan stops at the first problem and
  // keeps what it located before it (the parser reports syntax errors itself).
  explicit JsonLocator(std::string_view text);

  // Line of the element at `pointer` (RFC 6901, "" = the root). An object member's line is the
  // line of its key; an array element's is where its value starts. For a pointer that does not
  // exist, the line of its nearest existing ancestor (1 if none).
  int line(std::string_view pointer) const;
  // True if `pointer` names an element of the text.
  bool contains(std::string_view pointer) const;
  // Pointers of object members whose key repeats an earlier key of the same object (the later
  // ones), in text order.
  const std::vector<std::string>& duplicate_keys() const { return duplicates_; }

  // Escapes one reference token ("~" -> "~0", "/" -> "~1").
  static std::string escape_token(std::string_view token);

 private:
  std::map<std::string, int, std::less<>> lines_;
  std::vector<std::string> duplicates_;
};

}  // namespace emu::harness

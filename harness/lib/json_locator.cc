#include "harness/lib/json_locator.h"

#include "emulator/core/utf8.h"

#include <set>

namespace emu::harness {
namespace {

// Recursive-descent scan that records the line of every element. Each method returns false
// at the first malformed construct; what was recorded so far stays valid.
class Scanner {
 public:
  Scanner(std::string_view text, std::map<std::string, int, std::less<>>& lines,
          std::vector<std::string>& duplicates)
      : text_(text), lines_(lines), duplicates_(duplicates) {}

  void run() {
    if (!skip_space()) return;
    lines_[""] = line_;
    if (!value("", 0)) return;
  }

 private:
  static constexpr int kMaxDepth = 512;

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }
  void advance() {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }

  // Skips whitespace and comments; false on an unterminated block comment.
  bool skip_space() {
    while (!at_end()) {
      char c = peek();
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        advance();
      } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/') {
        while (!at_end() && peek() != '\n') advance();
      } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
        advance();
        advance();
        while (!at_end() && !(peek() == '*' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/'))
          advance();
        if (at_end()) return false;
        advance();
        advance();
      } else {
        return true;
      }
    }
    return true;
  }

  bool hex4(uint32_t& out) {
    out = 0;
    for (int i = 0; i < 4; ++i) {
      if (at_end()) return false;
      char c = peek();
      uint32_t digit;
      if (c >= '0' && c <= '9')
        digit = c - '0';
      else if (c >= 'a' && c <= 'f')
        digit = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        digit = c - 'A' + 10;
      else
        return false;
      out = out * 16 + digit;
      advance();
    }
    return true;
  }

  bool escape(std::string& out) {
    if (at_end()) return false;
    char c = peek();
    advance();
    switch (c) {
      case '"':
        out += '"';
        return true;
      case '\\':
        out += '\\';
        return true;
      case '/':
        out += '/';
        return true;
      case 'b':
        out += '\b';
        return true;
      case 'f':
        out += '\f';
        return true;
      case 'n':
        out += '\n';
        return true;
      case 'r':
        out += '\r';
        return true;
      case 't':
        out += '\t';
        return true;
      case 'u':
        break;
      default:
        return false;
    }
    uint32_t cp;
    if (!hex4(cp)) return false;
    if (cp >= 0xD800 && cp <= 0xDBFF && pos_ + 1 < text_.size() && peek() == '\\' &&
        text_[pos_ + 1] == 'u') {
      advance();
      advance();
      uint32_t low;
      if (!hex4(low)) return false;
      if (low >= 0xDC00 && low <= 0xDFFF) cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(out, cp);
    return true;
  }

  // REQUIRES: peek() == '"'. Decodes the string into `out`.
  bool string(std::string& out) {
    advance();
    while (!at_end()) {
      char c = peek();
      if (c == '"') {
        advance();
        return true;
      }
      if (c == '\n') return false;
      advance();
      if (c == '\\') {
        if (!escape(out)) return false;
      } else {
        out += c;
      }
    }
    return false;
  }

  bool scalar() {
    size_t start = pos_;
    while (!at_end()) {
      char c = peek();
      if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
          c == '/')
        break;
      advance();
    }
    return pos_ > start;
  }

  bool value(const std::string& pointer, int depth) {
    if (at_end() || depth > kMaxDepth) return false;
    char c = peek();
    if (c == '{') return object(pointer, depth);
    if (c == '[') return array(pointer, depth);
    if (c == '"') {
      std::string ignored;
      return string(ignored);
    }
    return scalar();
  }

  bool object(const std::string& pointer, int depth) {
    advance();
    std::set<std::string> seen;
    if (!skip_space() || at_end()) return false;
    if (peek() == '}') {
      advance();
      return true;
    }
    while (true) {
      if (!skip_space() || at_end() || peek() != '"') return false;
      const int key_line = line_;
      std::string key;
      if (!string(key)) return false;
      std::string child = pointer + "/" + JsonLocator::escape_token(key);
      if (!seen.insert(key).second) duplicates_.push_back(child);
      lines_[child] = key_line;  // a repeated key wins, as in nlohmann
      if (!skip_space() || at_end() || peek() != ':') return false;
      advance();
      if (!skip_space() || !value(child, depth + 1) || !skip_space() || at_end()) return false;
      if (peek() == ',') {
        advance();
        continue;
      }
      if (peek() != '}') return false;
      advance();
      return true;
    }
  }

  bool array(const std::string& pointer, int depth) {
    advance();
    if (!skip_space() || at_end()) return false;
    if (peek() == ']') {
      advance();
      return true;
    }
    for (size_t index = 0;; ++index) {
      if (!skip_space() || at_end()) return false;
      std::string child = pointer + "/" + std::to_string(index);
      lines_[child] = line_;
      if (!value(child, depth + 1) || !skip_space() || at_end()) return false;
      if (peek() == ',') {
        advance();
        continue;
      }
      if (peek() != ']') return false;
      advance();
      return true;
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  std::map<std::string, int, std::less<>>& lines_;
  std::vector<std::string>& duplicates_;
};

}  // namespace

TextPosition position_at(std::string_view text, size_t offset) {
  TextPosition p;
  if (offset > text.size()) offset = text.size();
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

JsonLocator::JsonLocator(std::string_view text) { Scanner(text, lines_, duplicates_).run(); }

int JsonLocator::line(std::string_view pointer) const {
  while (true) {
    auto it = lines_.find(pointer);
    if (it != lines_.end()) return it->second;
    if (pointer.empty()) return 1;
    size_t slash = pointer.rfind('/');
    pointer = slash == std::string_view::npos ? std::string_view() : pointer.substr(0, slash);
  }
}

bool JsonLocator::contains(std::string_view pointer) const {
  return lines_.find(pointer) != lines_.end();
}

std::string JsonLocator::escape_token(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

}  // namespace emu::harness

// parse_lenient_json: strict JSON, or the JSONC-ish body `az deployment group create` sends
// (unquoted object keys such as `template`, // and /* */ comments, trailing commas). A
// tokenizer-aware pre-pass rewrites the text outside string literals only, keeping a map back
// to the original byte offsets for error positions. Both passes end in parse_json_limited.

#include "emulator/arm/templates/template.h"
#include "emulator/core/json_limits.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace emu::arm {
namespace {

bool ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}
bool ident_char(char c) { return ident_start(c) || (c >= '0' && c <= '9'); }
bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class Relaxer {
 public:
  explicit Relaxer(std::string_view in) : in_(in) {}

  // The strict-JSON rewrite of the input, or an error naming the byte where it went wrong.
  Status run() {
    while (pos_ < in_.size()) {
      char c = in_[pos_];
      if (c == '"') {
        copy_string();
      } else if (c == '/' && pos_ + 1 < in_.size() &&
                 (in_[pos_ + 1] == '/' || in_[pos_ + 1] == '*')) {
        size_t start = pos_;
        size_t end = skip_comment(pos_);
        if (end == std::string_view::npos) {
          return InvalidArgument(
              "The request body is not valid JSON: unterminated comment at byte " +
              std::to_string(start) + ".");
        }
        emit(' ', start);
        pos_ = end;
      } else if (c == ',') {
        size_t next = skip_blank(pos_ + 1);
        if (next == std::string_view::npos || next >= in_.size() ||
            (in_[next] != '}' && in_[next] != ']')) {
          emit(',', pos_);
          last_ = ',';
        }
        ++pos_;
      } else if (ident_start(c)) {
        copy_identifier();
      } else {
        emit(c, pos_);
        if (!space(c)) last_ = c;
        ++pos_;
      }
    }
    return Status::Ok();
  }

  const std::string& text() const { return out_; }
  // The input offset of output byte `i` (input size past the end).
  size_t source_offset(size_t i) const { return i < map_.size() ? map_[i] : in_.size(); }

 private:
  void emit(char c, size_t from) {
    out_ += c;
    map_.push_back(from);
  }

  void copy_string() {
    emit(in_[pos_], pos_);
    ++pos_;
    while (pos_ < in_.size()) {
      char c = in_[pos_];
      emit(c, pos_++);
      if (c == '\\' && pos_ < in_.size()) {
        emit(in_[pos_], pos_);
        ++pos_;
      } else if (c == '"') {
        break;
      }
    }
    last_ = '"';
  }

  // An identifier right after '{' or ',' and before ':' is an unquoted key: quote it.
  void copy_identifier() {
    size_t start = pos_;
    while (pos_ < in_.size() && ident_char(in_[pos_])) ++pos_;
    size_t next = skip_blank(pos_);
    bool key = (last_ == '{' || last_ == ',') && next != std::string_view::npos &&
               next < in_.size() && in_[next] == ':';
    if (key) emit('"', start);
    for (size_t i = start; i < pos_; ++i) emit(in_[i], i);
    if (key) emit('"', pos_ - 1);
    last_ = 'a';
  }

  // The end of the comment starting at `at`, or npos when a block comment is unterminated.
  size_t skip_comment(size_t at) const {
    if (in_[at + 1] == '/') {
      size_t nl = in_.find('\n', at + 2);
      return nl == std::string_view::npos ? in_.size() : nl;
    }
    size_t end = in_.find("*/", at + 2);
    return end == std::string_view::npos ? end : end + 2;
  }

  // The next offset that is neither white space nor a comment (npos: unterminated comment).
  size_t skip_blank(size_t at) const {
    while (at < in_.size()) {
      if (space(in_[at])) {
        ++at;
      } else if (in_[at] == '/' && at + 1 < in_.size() &&
                 (in_[at + 1] == '/' || in_[at + 1] == '*')) {
        at = skip_comment(at);
        if (at == std::string_view::npos) return at;
      } else {
        break;
      }
    }
    return at;
  }

  std::string_view in_;
  size_t pos_ = 0;
  char last_ = 0;  // last significant character emitted outside strings
  std::string out_;
  std::vector<size_t> map_;
};

}  // namespace

Result<nlohmann::json> parse_lenient_json(std::string_view body, const JsonLimits& limits) {
  if (body.size() > limits.max_bytes) {
    return ResourceExhausted("The request body is " + std::to_string(body.size()) +
                             " bytes; the limit is " + std::to_string(limits.max_bytes) +
                             " bytes.");
  }
  Result<nlohmann::json> strict = parse_json_limited(body, limits);
  if (strict.ok()) return strict;
  // Not strict JSON (or too deep, which the relaxed text decides: comments may hold brackets).
  Relaxer relaxer(body);
  EMU_RETURN_IF_ERROR(relaxer.run());
  JsonLimits relaxed = limits;  // quoting keys may grow the text past the size checked above
  relaxed.max_bytes = std::max(limits.max_bytes, relaxer.text().size());
  Result<nlohmann::json> parsed = parse_json_limited(relaxer.text(), relaxed);
  if (parsed.ok()) return parsed;
  const std::string& why = parsed.status().message();
  if (parsed.status().code() == StatusCode::kResourceExhausted) {
    return ResourceExhausted("The request body is not valid: " + why + ".");
  }
  // parse_json_limited says "malformed JSON at byte B: ..." (B counted from 1) for syntax errors.
  constexpr std::string_view kAt = "at byte ";
  if (size_t at = why.find(kAt); at != std::string::npos) {
    size_t byte = std::strtoull(why.c_str() + at + kAt.size(), nullptr, 10);
    return InvalidArgument("The request body is not valid JSON: syntax error at byte " +
                           std::to_string(relaxer.source_offset(byte > 0 ? byte - 1 : 0)) + ".");
  }
  return InvalidArgument("The request body is not valid JSON: " + why + ".");
}

}  // namespace emu::arm

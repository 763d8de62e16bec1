// ARM template language expressions: "[func('a', 1).prop[0]]". A hand-written recursive-descent
// parser builds a small tree; the evaluator walks it, calling the built-in function table.

#include "emulator/arm/templates/internal.h"
#include "emulator/core/text.h"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emu::arm::tmpl {
namespace {

struct Node {
  enum class Kind { kString, kInt, kCall };
  struct Access {
    std::string property;     // ".name" (or ['name'] folded into index)
    std::vector<Node> index;  // one element for "[expr]"
  };
  Kind kind = Kind::kString;
  std::string text;  // literal text or function name
  int64_t number = 0;
  std::vector<Node> args;
  std::vector<Access> accessors;
};

bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }

class Parser {
 public:
  explicit Parser(std::string_view src) : src_(src) {}

  Result<Node> parse() {
    Node root;
    EMU_RETURN_IF_ERROR(parse_expr(root, 0));
    skip_ws();
    if (pos_ < src_.size()) return unexpected("EndOfData");
    return root;
  }

 private:
  void skip_ws() {
    while (pos_ < src_.size() &&
           (src_[pos_] == ' ' || src_[pos_] == '\t' || src_[pos_] == '\n' || src_[pos_] == '\r')) {
      ++pos_;
    }
  }

  std::string actual_token() const {
    if (pos_ >= src_.size()) return "EndOfData";
    char c = src_[pos_];
    switch (c) {
      case '(':
        return "LeftParenthesis";
      case ')':
        return "RightParenthesis";
      case '[':
        return "LeftSquareBracket";
      case ']':
        return "RightSquareBracket";
      case ',':
        return "Comma";
      case '.':
        return "Dot";
      case '\'':
        return "String";
      default:
        break;
    }
    if (is_digit(c) || c == '-') return "Integer";
    if (is_ident_start(c)) return "Identifier";
    return "Unknown";
  }

  // ARM: "Unable to parse language expression '<e>': expected token '<x>' and actual '<y>'."
  Status unexpected(std::string_view expected) const {
    return InvalidArgument("Unable to parse language expression '" + std::string(src_) +
                           "': expected token '" + std::string(expected) + "' and actual '" +
                           actual_token() + "'.");
  }

  bool eat(char c) {
    skip_ws();
    if (pos_ < src_.size() && src_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  std::string identifier() {
    size_t start = pos_;
    while (pos_ < src_.size() && is_ident_char(src_[pos_])) ++pos_;
    return std::string(src_.substr(start, pos_ - start));
  }

  Status parse_string(Node& out) {
    ++pos_;  // opening quote
    out.kind = Node::Kind::kString;
    while (pos_ < src_.size()) {
      char c = src_[pos_++];
      if (c != '\'') {
        out.text += c;
      } else if (pos_ < src_.size() && src_[pos_] == '\'') {
        out.text += '\'';
        ++pos_;
      } else {
        return Status::Ok();
      }
    }
    return InvalidArgument("Unable to parse language expression '" + std::string(src_) +
                           "': the string literal is not terminated.");
  }

  Status parse_int(Node& out) {
    bool negative = src_[pos_] == '-';
    if (negative) ++pos_;
    if (pos_ >= src_.size() || !is_digit(src_[pos_])) return unexpected("Integer");
    uint64_t value = 0;
    while (pos_ < src_.size() && is_digit(src_[pos_])) {
      value = value * 10 + static_cast<uint64_t>(src_[pos_++] - '0');
      if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return InvalidArgument("Unable to parse language expression '" + std::string(src_) +
                               "': the integer literal is too large.");
      }
    }
    out.kind = Node::Kind::kInt;
    out.number = negative ? -static_cast<int64_t>(value) : static_cast<int64_t>(value);
    return Status::Ok();
  }

  Status parse_call(Node& out, int depth) {
    out.kind = Node::Kind::kCall;
    out.text = identifier();
    if (!eat('(')) return unexpected("LeftParenthesis");
    if (eat(')')) return Status::Ok();
    while (true) {
      Node arg;
      EMU_RETURN_IF_ERROR(parse_expr(arg, depth + 1));
      out.args.push_back(std::move(arg));
      if (eat(')')) return Status::Ok();
      if (!eat(',')) return unexpected("RightParenthesis");
    }
  }

  Status parse_accessors(Node& out, int depth) {
    while (true) {
      if (eat('.')) {
        skip_ws();
        if (pos_ >= src_.size() || !is_ident_start(src_[pos_])) return unexpected("Identifier");
        out.accessors.push_back({identifier(), {}});
      } else if (eat('[')) {
        Node index;
        EMU_RETURN_IF_ERROR(parse_expr(index, depth + 1));
        if (!eat(']')) return unexpected("RightSquareBracket");
        Node::Access access;
        access.index.push_back(std::move(index));
        out.accessors.push_back(std::move(access));
      } else {
        return Status::Ok();
      }
    }
  }

  Status parse_expr(Node& out, int depth) {
    if (depth > kTemplateLimits.max_expression_depth) {  // inferred wording
      return InvalidArgument("Unable to parse language expression '" + std::string(src_) +
                             "': the expression is nested deeper than " +
                             std::to_string(kTemplateLimits.max_expression_depth) + " levels.");
    }
    skip_ws();
    if (pos_ >= src_.size()) return unexpected("Identifier");
    char c = src_[pos_];
    if (c == '\'') {
      EMU_RETURN_IF_ERROR(parse_string(out));
    } else if (is_digit(c) || c == '-') {
      EMU_RETURN_IF_ERROR(parse_int(out));
    } else if (is_ident_start(c)) {
      EMU_RETURN_IF_ERROR(parse_call(out, depth));
    } else {
      return unexpected("Identifier");
    }
    return parse_accessors(out, depth);
  }

  std::string_view src_;
  size_t pos_ = 0;
};

Status cannot_evaluate(std::string_view property) {
  return InvalidArgument("The language expression property '" + std::string(property) +
                         "' can't be evaluated.");
}

Result<Json> member(const Json& value, const std::string& name) {
  if (!value.is_object()) return cannot_evaluate(name);
  if (const Json* m = find_member(value, name)) return *m;
  std::string available;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (!available.empty()) available += ", ";
    available += it.key();
  }
  // ARM: "The language expression property 'x' doesn't exist, available properties are '...'."
  return InvalidArgument("The language expression property '" + name +
                         "' doesn't exist, available properties are '" + available + "'.");
}

Result<Json> element(const Json& value, const Json& index) {
  if (index.is_string()) return member(value, index.get<std::string>());
  if (!index.is_number_integer() || !value.is_array()) {
    return cannot_evaluate(to_display_string(index));
  }
  int64_t i = index.get<int64_t>();
  if (i < 0 || static_cast<uint64_t>(i) >= value.size()) {
    return InvalidArgument("The language expression property array index '" + std::to_string(i) +
                           "' is out of bounds.");
  }
  return value[static_cast<size_t>(i)];
}

Result<Json> eval(const Node& n, EvalContext& ctx);

Status arity_error(const FunctionEntry& f, std::string_view name, size_t given) {
  std::string need;
  if (f.max_args == f.min_args) {
    need = std::to_string(f.min_args);
  } else if (f.max_args < 0) {
    need = "at least " + std::to_string(f.min_args);
  } else {
    need = "between " + std::to_string(f.min_args) + " and " + std::to_string(f.max_args);
  }
  return function_error(name, "function requires " + need + " argument(s) while " +
                                  std::to_string(given) + " were provided");
}

// if(condition, a, b): only the chosen branch is evaluated (ARM short-circuits if()).
Result<Json> eval_if(const Node& n, EvalContext& ctx) {
  if (n.args.size() != 3) {
    static const FunctionEntry kIf{"if", 3, 3, nullptr};
    return arity_error(kIf, n.text, n.args.size());
  }
  EMU_ASSIGN_OR_RETURN(Json cond, eval(n.args[0], ctx));
  if (!cond.is_boolean()) return function_error(n.text, "the condition must be a boolean");
  return eval(n.args[cond.get<bool>() ? 1 : 2], ctx);
}

Result<Json> eval_call(const Node& n, EvalContext& ctx) {
  EMU_RETURN_IF_ERROR(charge(ctx.state, 1));
  std::string name = to_lower(n.text);
  if (name == "if") return eval_if(n, ctx);
  const FunctionEntry* f = find_function(name);
  if (f == nullptr) {
    // ARM: "The template function 'x' is not valid." (microsoft/vscode-azurearmtools#531)
    return InvalidArgument("The template function '" + n.text + "' is not valid.");
  }
  size_t count = n.args.size();
  if (static_cast<int>(count) < f->min_args ||
      (f->max_args >= 0 && static_cast<int>(count) > f->max_args)) {
    return arity_error(*f, n.text, count);
  }
  std::vector<Json> args;
  args.reserve(count);
  Status deferred;
  for (const Node& arg : n.args) {
    Result<Json> v = eval(arg, ctx);
    if (!v.ok()) {
      if (!is_deferred(v.status())) return v.status();
      // Keep going so every reference() of the expression is recorded.
      deferred = v.status();
      args.emplace_back(nullptr);
      continue;
    }
    args.push_back(std::move(v).value());
  }
  if (!deferred.ok()) return deferred;
  return f->fn(n.text, args, ctx);
}

Result<Json> eval(const Node& n, EvalContext& ctx) {
  DepthGuard guard(ctx.state);
  EMU_RETURN_IF_ERROR(guard.status());
  Json value;
  switch (n.kind) {
    case Node::Kind::kString:
      value = n.text;
      break;
    case Node::Kind::kInt:
      value = n.number;
      break;
    case Node::Kind::kCall: {
      EMU_ASSIGN_OR_RETURN(value, eval_call(n, ctx));
      EMU_RETURN_IF_ERROR(check_produced(ctx.state, value));
      break;
    }
  }
  for (const Node::Access& a : n.accessors) {
    if (a.index.empty()) {
      EMU_ASSIGN_OR_RETURN(value, member(value, a.property));
    } else {
      EMU_ASSIGN_OR_RETURN(Json index, eval(a.index.front(), ctx));
      EMU_ASSIGN_OR_RETURN(value, element(value, index));
    }
  }
  return value;
}

std::string join_path(std::string_view key) { return "." + std::string(key); }

// Characters as ARM counts them (UTF-16 code units; a code point past U+FFFF counts two).
size_t code_points(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
    if (c >= 0xF0) ++n;
  }
  return n;
}

}  // namespace

Result<Json> evaluate_string(std::string_view text, EvalContext& ctx) {
  EMU_RETURN_IF_ERROR(charge(ctx.state, 1 + text.size()));
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    if (text[1] == '[') return Json(std::string(text.substr(1)));  // "[[" escapes a literal '['
    if (size_t chars = code_points(text); chars > kTemplateLimits.max_expression_chars) {
      // ARM's limit (README Sources [S9]); wording inferred.
      return InvalidArgument("The template language expression is " + std::to_string(chars) +
                             " characters long; the limit is " +
                             std::to_string(kTemplateLimits.max_expression_chars) + " characters.");
    }
    EMU_ASSIGN_OR_RETURN(Node root, Parser(text.substr(1, text.size() - 2)).parse());
    return eval(root, ctx);
  }
  return Json(std::string(text));
}

Result<Json> evaluate_value(const Json& value, EvalContext& ctx, std::string* failed_path) {
  if (value.is_string()) return evaluate_string(value.get_ref<const std::string&>(), ctx);
  if (!value.is_object() && !value.is_array()) return value;
  DepthGuard guard(ctx.state);
  EMU_RETURN_IF_ERROR(guard.status());
  EMU_RETURN_IF_ERROR(charge(ctx.state, value.size() * TemplateLimits::kUnitsPerNode));
  Json out = value.is_object() ? Json::object() : Json::array();
  Status deferred;
  size_t i = 0;
  for (auto it = value.begin(); it != value.end(); ++it, ++i) {
    std::string sub;
    Result<Json> v = evaluate_value(*it, ctx, &sub);
    if (!v.ok()) {
      if (!is_deferred(v.status())) {
        if (failed_path != nullptr) {
          std::string here =
              value.is_object() ? join_path(it.key()) : "[" + std::to_string(i) + "]";
          *failed_path = here + sub;
        }
        return v.status();
      }
      deferred = v.status();
      continue;
    }
    if (value.is_object()) {
      out[it.key()] = std::move(v).value();
    } else {
      out.push_back(std::move(v).value());
    }
  }
  if (!deferred.ok()) return deferred;
  return out;
}

}  // namespace emu::arm::tmpl

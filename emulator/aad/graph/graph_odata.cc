// OData query options of the Graph subset: $filter (eq, startswith, any(x:x eq …), joined by
// "and"), $select, $top, $skiptoken, and collection replies with @odata.nextLink paging.

#include "emulator/aad/graph/graph_internal.h"

#include <algorithm>
#include <cctype>

namespace emu::aad::graph {
namespace {

constexpr size_t kMaxTop = 999;  // Graph's page-size ceiling [C-doc: quoted Graph error]

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Recursive-descent parser for the $filter subset.
class FilterParser {
 public:
  explicit FilterParser(std::string_view text) : s_(text) {}

  Result<std::vector<FilterClause>> parse() {
    std::vector<FilterClause> clauses;
    do {
      EMU_ASSIGN_OR_RETURN(FilterClause c, clause());
      clauses.push_back(std::move(c));
    } while (keyword("and"));
    skip_ws();
    if (i_ != s_.size()) return fail();
    return clauses;
  }

 private:
  Status fail() const { return InvalidArgument("Invalid filter clause"); }
  void skip_ws() {
    while (i_ < s_.size() && s_[i_] == ' ') ++i_;
  }
  bool punct(char c) {
    skip_ws();
    if (i_ < s_.size() && s_[i_] == c) return ++i_, true;
    return false;
  }
  bool keyword(std::string_view kw) {
    skip_ws();
    if (s_.size() - i_ < kw.size() || !http::iequals(s_.substr(i_, kw.size()), kw)) return false;
    if (i_ + kw.size() < s_.size() && ident_char(s_[i_ + kw.size()])) return false;
    i_ += kw.size();
    return true;
  }
  std::string ident() {
    skip_ws();
    size_t start = i_;
    while (i_ < s_.size() && ident_char(s_[i_])) ++i_;
    return std::string(s_.substr(start, i_ - start));
  }
  Result<json> literal() {
    skip_ws();
    if (keyword("true")) return json(true);
    if (keyword("false")) return json(false);
    if (keyword("null")) return json(nullptr);
    if (i_ >= s_.size() || s_[i_] != '\'') return fail();
    std::string value;
    for (++i_; i_ < s_.size(); ++i_) {
      if (s_[i_] != '\'') {
        value.push_back(s_[i_]);
      } else if (i_ + 1 < s_.size() && s_[i_ + 1] == '\'') {
        value.push_back('\'');  // '' escapes a quote
        ++i_;
      } else {
        ++i_;
        return json(value);
      }
    }
    return fail();
  }
  Result<FilterClause> clause() {
    FilterClause c;
    size_t mark = i_;
    if (keyword("startswith") && punct('(')) {
      c.op = FilterClause::Op::kStartsWith;
      c.property = ident();
      if (c.property.empty() || !punct(',')) return fail();
      EMU_ASSIGN_OR_RETURN(c.value, literal());
      if (!c.value.is_string() || !punct(')')) return fail();
      return c;
    }
    i_ = mark;
    c.property = ident();
    if (c.property.empty()) return fail();
    if (punct('/')) {  // prop/any(x:x eq 'v')
      if (!keyword("any") || !punct('(')) return fail();
      std::string var = ident();
      if (var.empty() || !punct(':') || ident() != var || !keyword("eq")) return fail();
      c.op = FilterClause::Op::kAnyEq;
      EMU_ASSIGN_OR_RETURN(c.value, literal());
      if (!punct(')')) return fail();
      return c;
    }
    if (!keyword("eq")) return fail();
    EMU_ASSIGN_OR_RETURN(c.value, literal());
    return c;
  }

  std::string_view s_;
  size_t i_ = 0;
};

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

// Finds `name` among `entity`'s keys ignoring case; "" if absent.
std::string find_key(const json& entity, std::string_view name) {
  for (const auto& item : entity.items()) {
    if (http::iequals(item.key(), name)) return item.key();
  }
  return {};
}

bool string_eq(const json& a, const json& b) {
  return a.is_string() && b.is_string() &&
         http::iequals(a.get_ref<const std::string&>(), b.get_ref<const std::string&>());
}

bool clause_holds(const FilterClause& c, const json& entity) {
  auto it = entity.find(c.property);
  if (it == entity.end()) return false;
  switch (c.op) {
    case FilterClause::Op::kEq:
      return c.value.is_string() ? string_eq(*it, c.value) : *it == c.value;
    case FilterClause::Op::kStartsWith: {
      if (!it->is_string()) return false;
      const std::string& text = it->get_ref<const std::string&>();
      const std::string& prefix = c.value.get_ref<const std::string&>();
      return text.size() >= prefix.size() && http::iequals(text.substr(0, prefix.size()), prefix);
    }
    case FilterClause::Op::kAnyEq:
      return it->is_array() && std::any_of(it->begin(), it->end(),
                                           [&](const json& v) { return string_eq(v, c.value); });
  }
  return false;
}

}  // namespace

std::variant<Query, http::Response> parse_query(Context& ctx, const http::Request& req,
                                                const std::vector<std::string>& filterable,
                                                std::string_view resource) {
  Query q;
  if (auto filter = req.query_param("$filter")) {
    auto clauses = FilterParser(*filter).parse();
    if (!clauses.ok())
      return error_response(req, ctx.now(), 400, kBadRequest, "Invalid filter clause");
    for (FilterClause& c : *clauses) {
      auto it = std::find_if(filterable.begin(), filterable.end(),
                             [&](const std::string& p) { return http::iequals(p, c.property); });
      if (it == filterable.end()) {
        // [inferred: Graph's text for a filter on an unsupported property]
        return unsupported_query(req, ctx.now(),
                                 "Unsupported or invalid query filter clause specified for "
                                 "property '" +
                                     c.property + "' of resource '" + std::string(resource) + "'.");
      }
      c.property = *it;
    }
    q.filter = std::move(*clauses);
  }
  if (auto select = req.query_param("$select")) {
    size_t start = 0;
    while (start <= select->size()) {
      size_t comma = std::min(select->find(',', start), select->size());
      std::string name = select->substr(start, comma - start);
      name.erase(0, name.find_first_not_of(' '));
      name.erase(name.find_last_not_of(' ') + 1);
      if (!name.empty()) q.select.push_back(name);
      start = comma + 1;
    }
  }
  if (auto top = req.query_param("$top")) {
    size_t value = 0;
    bool numeric =
        !top->empty() && top->size() <= 9 &&
        std::all_of(top->begin(), top->end(), [](char c) { return c >= '0' && c <= '9'; });
    if (numeric) value = std::stoul(*top);
    if (!numeric || value < 1 || value > kMaxTop) {
      return unsupported_query(
          req, ctx.now(),
          "Invalid page size specified: '" + *top + "'. Must be between 1 and 999 inclusive.");
    }
    q.top = value;
  }
  if (auto token = req.query_param("$skiptoken")) {
    auto cursor = from_hex(*token);
    if (!cursor || cursor->empty()) {
      return bad_request(req, ctx.now(), "Invalid $skiptoken value.");  // inferred text
    }
    q.skiptoken = *cursor;
  }
  return q;
}

bool matches(const std::vector<FilterClause>& filter, const json& entity) {
  return std::all_of(filter.begin(), filter.end(),
                     [&](const FilterClause& c) { return clause_holds(c, entity); });
}

Result<json> project(const json& entity, const std::vector<std::string>& select,
                     const std::vector<std::string>& defaults, std::string_view type) {
  const std::vector<std::string>& names = select.empty() ? defaults : select;
  if (names.empty()) return entity;
  json out = json::object();
  for (const std::string& name : names) {
    std::string key = find_key(entity, name);
    if (key.empty()) {
      // [C-doc: OData's reply for an unknown $select property, seen in Graph errors]
      return InvalidArgument("Could not find a property named '" + name +
                             "' on type 'microsoft.graph." + std::string(type) + "'.");
    }
    out[key] = entity[key];
  }
  return out;
}

std::string collection_context(std::string_view collection, const std::vector<std::string>& sel) {
  std::string out = std::string(kContextBase) + std::string(collection);
  if (sel.empty()) return out;
  out += "(";
  for (size_t i = 0; i < sel.size(); ++i) out += (i ? "," : "") + sel[i];
  return out + ")";
}

std::string next_link(const http::Request& req, std::string_view cursor) {
  std::string host = req.headers.get_or("Host", req.host);
  std::string link = "https://" + host + req.path + "?";
  for (const auto& [name, value] : req.query) {
    if (name == "$skiptoken") continue;
    bool plain = !name.empty() && std::all_of(name.begin() + (name[0] == '$'), name.end(),
                                              [](char c) { return ident_char(c); });
    link += (plain ? name : http::url_encode(name)) + "=" + http::url_encode(value) + "&";
  }
  return link + "$skiptoken=" + to_hex(cursor);
}

http::Response list_reply(Context& ctx, const http::Request& req, const Query& q,
                          const std::vector<json>& entities, std::string_view collection,
                          std::string_view type, const std::vector<std::string>& defaults) {
  size_t offset = 0;
  if (!q.skiptoken.empty()) {
    bool valid = q.skiptoken[0] == 'o' && q.skiptoken.size() > 1 && q.skiptoken.size() < 10 &&
                 std::all_of(q.skiptoken.begin() + 1, q.skiptoken.end(),
                             [](char c) { return c >= '0' && c <= '9'; });
    if (!valid) return bad_request(req, ctx.now(), "Invalid $skiptoken value.");
    offset = std::stoul(q.skiptoken.substr(1));
  }
  size_t top = q.top ? q.top : ctx.deps.default_page_size;
  json value = json::array();
  size_t seen = 0;
  bool more = false;
  for (const json& entity : entities) {
    if (!matches(q.filter, entity)) continue;
    if (seen++ < offset) continue;
    if (value.size() == top) {
      more = true;
      break;
    }
    auto shaped = project(entity, q.select, defaults, type);
    if (!shaped.ok())
      return error_response(req, ctx.now(), 400, kBadRequest, shaped.status().message());
    value.push_back(std::move(*shaped));
  }
  json body = {{"@odata.context", collection_context(collection, q.select)}, {"value", value}};
  if (more) body["@odata.nextLink"] = next_link(req, "o" + std::to_string(offset + top));
  return ok(req, 200, body);
}

}  // namespace emu::aad::graph

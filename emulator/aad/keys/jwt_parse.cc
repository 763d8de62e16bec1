// Compact-JWS splitting, declared in signing_keys.h (base64url is emulator/core/text.h).
#include "emulator/aad/keys/signing_keys.h"
#include "emulator/core/json_limits.h"

#include <cstdint>
#include <set>
#include <string>

namespace emu::aad {
namespace {

// Header and claims of real tokens nest a few levels at most.
constexpr JsonLimits kJwtJsonLimits{kMaxJwtPartBytes, 16};

// True if an object at the top level of `text` (already parsed successfully) names a member
// twice. RFC 7519 §4 and RFC 7515 §4: names MUST be unique; parsers may reject duplicates,
// which the emulator does so that no two readers of one token can see different claims.
bool has_duplicate_top_level_name(const std::string& text) {
  std::set<std::string> names;
  bool duplicate = false;
  nlohmann::json::parser_callback_t cb = [&](int depth, nlohmann::json::parse_event_t event,
                                             nlohmann::json& parsed) {
    if (event == nlohmann::json::parse_event_t::key && depth == 1 && parsed.is_string() &&
        !names.insert(parsed.get<std::string>()).second) {
      duplicate = true;
    }
    return true;
  };
  const nlohmann::json unused = nlohmann::json::parse(text, cb, /*allow_exceptions=*/false);
  (void)unused;
  return duplicate;
}

Result<nlohmann::json> decode_json_object(std::string_view part, const char* what) {
  auto bytes = base64url_decode(part);
  if (!bytes.ok()) return InvalidArgument(std::string(what) + " is not base64url");
  auto parsed = parse_json_limited(*bytes, kJwtJsonLimits);
  if (!parsed.ok() && parsed.status().code() == StatusCode::kResourceExhausted)
    return InvalidArgument(std::string(what) + " is too large or too deeply nested");
  if (!parsed.ok() || !parsed->is_object())
    return InvalidArgument(std::string(what) + " is not a JSON object");
  if (has_duplicate_top_level_name(*bytes))
    return InvalidArgument(std::string(what) + " names a member more than once");
  return std::move(parsed).value();
}

}  // namespace

Result<ParsedJwt> parse_jwt(std::string_view token) {
  size_t dot1 = token.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return InvalidArgument("a JWT has exactly three dot-separated parts");
  }
  ParsedJwt jwt;
  EMU_ASSIGN_OR_RETURN(jwt.header, decode_json_object(token.substr(0, dot1), "the JWT header"));
  EMU_ASSIGN_OR_RETURN(
      jwt.payload, decode_json_object(token.substr(dot1 + 1, dot2 - dot1 - 1), "the JWT payload"));
  auto sig = base64url_decode(token.substr(dot2 + 1));
  if (!sig.ok()) return InvalidArgument("the JWT signature is not base64url");
  jwt.signing_input = std::string(token.substr(0, dot2));
  jwt.signature = std::move(sig).value();
  return jwt;
}

}  // namespace emu::aad

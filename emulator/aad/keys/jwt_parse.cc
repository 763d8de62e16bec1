// Compact-JWS splitting, declared in signing_keys.h (base64url is emulator/core/text.h).
#include "emulator/aad/keys/signing_keys.h"

#include <cstdint>

namespace emu::aad {
namespace {

Result<nlohmann::json> decode_json_object(std::string_view part, const char* what) {
  auto bytes = base64url_decode(part);
  if (!bytes.ok()) return InvalidArgument(std::string(what) + " is not base64url");
  nlohmann::json j = nlohmann::json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return InvalidArgument(std::string(what) + " is not a JSON object");
  return j;
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

// read_oauth_params (token_service.h): the bounded, duplicate-free parameters of an OAuth
// request.
#include "emulator/aad/token/token_service.h"

#include <set>

namespace emu::aad {

Result<OAuthParams, AadError> read_oauth_params(const http::Request& req,
                                                const OAuthParamLimits& limits) {
  const bool post = req.method == "POST";
  if (post && req.body.size() > limits.max_body_bytes) {
    return aadsts::malformed_request("The request body is " + std::to_string(req.body.size()) +
                                     " bytes; at most " + std::to_string(limits.max_body_bytes) +
                                     " bytes are accepted.");
  }
  if (!post && req.query_string.size() > limits.max_query_bytes) {
    return aadsts::query_string_too_long();
  }
  // Counted before anything is decoded (parse_form skips empty segments, so do we).
  size_t fields = 0;
  if (post) {
    for (size_t pos = 0; pos <= req.body.size();) {
      size_t amp = req.body.find('&', pos);
      if (amp == std::string::npos) amp = req.body.size();
      if (amp > pos) ++fields;
      pos = amp + 1;
    }
  } else {
    fields = req.query.size();
  }
  if (fields > limits.max_fields) {
    return aadsts::malformed_request("The request has " + std::to_string(fields) +
                                     " parameters; at most " + std::to_string(limits.max_fields) +
                                     " are accepted.");
  }
  OAuthParams params = post ? http::parse_form(req.body) : req.query;
  std::set<std::string_view> seen;
  for (const auto& [name, value] : params) {
    if (name.size() > limits.max_name_bytes) {
      return aadsts::malformed_request("A parameter name is longer than " +
                                       std::to_string(limits.max_name_bytes) + " bytes.");
    }
    if (value.size() > limits.max_value_bytes) {
      return aadsts::malformed_request("The value of the parameter '" + name + "' is longer than " +
                                       std::to_string(limits.max_value_bytes) + " bytes.");
    }
    if (!seen.insert(name).second) return aadsts::duplicate_parameter(name);
  }
  return params;
}

}  // namespace emu::aad

// site.bulk_token.* actions: BulkRegistrationTokenTool.exe with the tool's own command line, what
// the site's token service concludes about a token, and blocking by tracking GUID.
#include "emulator/core/text.h"
#include "emulator/site/internal.h"
#include "emulator/site/tokens/bulk_token_tool.h"

#include <sstream>

namespace emu::site::internal {

using nlohmann::json;

// "bulkregistrationtokentool.exe /new /lifetime 60" (tool name optional) -> argv.
namespace {

std::vector<std::string> split_command_line(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> argv;
  std::string word;
  while (in >> word) argv.push_back(word);
  if (!argv.empty()) {
    if (to_lower(argv[0]).find("bulkregistrationtokentool") != std::string::npos)
      argv.erase(argv.begin());
  }
  return argv;
}

}  // namespace

ActionOutcome new_bulk_token(SiteState& s, SiteEnv& env, const json& args) {
  std::vector<std::string> argv;
  if (args.contains("command_line")) {
    argv = split_command_line(args["command_line"].get<std::string>());
  } else {
    argv = {"/new"};
    if (args.contains("lifetime_minutes")) {
      if (!args["lifetime_minutes"].is_number_integer())
        return action_failed("lifetime_minutes: must be a whole number of minutes");
      argv.push_back("/lifetime");
      argv.push_back(std::to_string(args["lifetime_minutes"].get<int64_t>()));
    }
  }
  auto parsed = parse_bulk_token_tool_args(argv);
  if (!parsed.ok())
    return action_failed(parsed.status().message(), {{"output", parsed.status().message()}});
  if (parsed->help || !parsed->new_token)
    return action_passed("usage", {{"output", bulk_token_tool_usage()}});
  auto site = env.io([&] { return env.db.site(); });
  if (!site.ok()) return action_failed(site.status().message());
  const std::string guid = env.ctx.ids().guid();
  auto token = issue_bulk_token(*s.token_signer, site->hierarchy_id, guid, env.ctx.clock().now(),
                                parsed->lifetime_minutes);
  if (!token.ok()) return action_failed(token.status().message());
  sitedb::BulkToken record;
  record.guid = token->guid;
  record.issued = format_iso8601(token->not_before);
  record.lifetime_minutes = token->lifetime_minutes;
  record.expires = format_iso8601(token->expires);
  Status st = env.io([&] { return env.db.add_bulk_token(record); });
  if (!st.ok()) return action_failed(st.message());
  return action_passed("bulk registration token " + token->guid + " valid for " +
                           std::to_string(token->lifetime_minutes) + " minutes",
                       {{"guid", token->guid},
                        {"token", token->token},
                        {"lifetime_minutes", token->lifetime_minutes},
                        {"not_before", record.issued},
                        {"expires", record.expires},
                        {"output", format_bulk_token_tool_output(*token)}});
}

// What the site's token service concludes about a bulk token now (signature, lifetime in
// virtual time, blocked): passes either way; `valid` and `reason` say which.
ActionOutcome validate_token(SiteState& s, SiteEnv& env, const json& args) {
  const std::string token = args["token"].get<std::string>();
  auto claims = validate_bulk_token(*s.token_signer, token, env.ctx.clock().now());
  if (!claims.ok())
    return action_passed("invalid: " + claims.status().message(),
                         {{"valid", false}, {"reason", claims.status().message()}});
  const std::string guid = claims->value("UniqueId", "");
  auto record = env.io([&] { return env.db.bulk_token(guid); });
  if (record.ok() && record->blocked) {
    // Blocked in the console (Administration > Security > Certificates) [wording inferred].
    const std::string reason = std::string("PreAuth token validation failed, the bulk ") +
                               "registration token " + guid + " is blocked.";
    return action_passed("invalid: " + reason,
                         {{"valid", false}, {"guid", guid}, {"reason", reason}});
  }
  return action_passed(
      "valid until " +
          format_iso8601(TimePoint(std::chrono::seconds(claims->value("exp", int64_t{0})))),
      {{"valid", true}, {"guid", guid}, {"claims", *claims}});
}

ActionOutcome block_bulk_token(SiteEnv& env, const json& args, bool blocked) {
  const std::string guid = args["guid"].get<std::string>();
  Status st = env.io([&] { return env.db.set_bulk_token_blocked(guid, blocked); });
  if (!st.ok()) return action_failed(st.message());
  return action_passed(
      std::string("bulk registration token ") + guid + (blocked ? " blocked" : " unblocked"),
      {{"guid", guid}, {"blocked", blocked}});
}

}  // namespace emu::site::internal

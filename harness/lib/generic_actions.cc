#include "harness/lib/generic_actions.h"

#include "emulator/core/faults.h"
#include "emulator/core/http/message.h"
#include "emulator/core/journal.h"
#include "emulator/core/json_limits.h"
#include "harness/lib/planned_actions.h"

#include <fstream>
#include <sstream>

namespace emu::harness {
namespace {

using nlohmann::json;

// True if `args` has a string member `key`.
bool has_string(const json& args, const char* key) {
  auto it = args.find(key);
  return it != args.end() && it->is_string();
}

// ---- http ----------------------------------------------------------------------------------

Status validate_http(const json& args) {
  if (!args.is_object()) return InvalidArgument("must be an object");
  if (!has_string(args, "endpoint")) return InvalidArgument("endpoint: must be a string");
  for (const char* key : {"method", "path", "body", "certificate"})
    if (args.contains(key) && !args[key].is_string())
      return InvalidArgument(std::string(key) + ": must be a string");
  for (const char* key : {"headers", "form"}) {
    if (!args.contains(key)) continue;
    if (!args[key].is_object()) return InvalidArgument(std::string(key) + ": must be an object");
    for (const auto& [name, value] : args[key].items())
      if (!value.is_string())
        return InvalidArgument(std::string(key) + ": value of '" + name + "' must be a string");
  }
  int bodies = args.contains("body") + args.contains("json") + args.contains("form");
  if (bodies > 1) return InvalidArgument("body, json and form are exclusive: give one");
  if (args.contains("allow_transport_error") && !args["allow_transport_error"].is_boolean())
    return InvalidArgument("allow_transport_error: must be true or false");
  return Status::Ok();
}

std::string read_file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return in ? s.str() : std::string();
}

// "client" -> "<pki>/client.pem" and "<pki>/client.key" (the lab PKI folder is the CA's
// folder); an absolute path is taken as it is ("/x/c.pem" or "/x/c").
Status load_certificate(const std::string& name, const std::string& ca_path, HttpCall& call) {
  std::string base = !name.empty() && name.front() == '/'
                         ? name
                         : ca_path.substr(0, ca_path.find_last_of('/') + 1) + name;
  if (base.size() > 4 && base.compare(base.size() - 4, 4, ".pem") == 0)
    base.resize(base.size() - 4);
  call.client_cert_pem = read_file_text(base + ".pem");
  call.client_key_pem = read_file_text(base + ".key");
  if (call.client_cert_pem.empty() || call.client_key_pem.empty())
    return NotFound("certificate: no " + base + ".pem with its " + base + ".key");
  return Status::Ok();
}

HttpCall make_call(const json& args) {
  HttpCall call;
  call.endpoint = args["endpoint"].get<std::string>();
  call.method = args.value("method", std::string("GET"));
  call.target = args.value("path", std::string("/"));
  if (args.contains("headers"))
    for (const auto& [name, value] : args["headers"].items())
      call.headers.set(name, value.get<std::string>());
  auto content_type = [&](const char* type) {
    if (!call.headers.has("Content-Type")) call.headers.set("Content-Type", type);
  };
  if (args.contains("body")) {
    call.body = args["body"].get<std::string>();
  } else if (args.contains("json")) {
    call.body = args["json"].dump();
    content_type("application/json");
  } else if (args.contains("form")) {
    for (const auto& [name, value] : args["form"].items())
      call.body += (call.body.empty() ? "" : "&") + http::url_encode(name) + "=" +
                   http::url_encode(value.get<std::string>());
    content_type("application/x-www-form-urlencoded");
  }
  return call;
}

json exchange_output(const HttpExchange& ex) {
  json headers = json::object();
  for (const auto& [name, value] : ex.headers.items()) {
    std::string key = http::to_lower(name);
    if (headers.contains(key))
      headers[key] = headers[key].get<std::string>() + ", " + value;
    else
      headers[key] = value;
  }
  json out = {{"status", ex.status}, {"headers", std::move(headers)}};
  // Only a non-standard reason phrase is shown ("CMGConnector_Forbidden").
  if (!ex.reason.empty() && ex.reason != http::reason_phrase(ex.status)) out["reason"] = ex.reason;
  auto parsed = ex.body.empty() ? Result<json>(json()) : parse_json_limited(ex.body);
  json body = parsed.ok() ? std::move(parsed).value() : json(json::value_t::discarded);
  if (body.is_discarded() || (body.is_null() && !ex.body.empty())) {
    out["json"] = nullptr;
    out["body"] = ex.body;
  } else {
    out["json"] = std::move(body);
  }
  return out;
}

ActionOutcome run_http(const json& args, ActionContext& ctx) {
  if (Status s = validate_http(args); !s.ok())
    return action_failed("args: " + s.message(), json::object());
  HttpCall call = make_call(args);
  if (args.contains("certificate")) {
    if (Status s = load_certificate(args["certificate"].get<std::string>(), ctx.ca_path(), call);
        !s.ok())
      return action_failed(s.message(), json::object());
  }
  auto ex = ctx.http(call);
  std::string what = call.method + " " + call.target;
  if (!ex.ok()) {
    json output = {{"status", 0},
                   {"headers", json::object()},
                   {"json", nullptr},
                   {"error", ex.status().message()}};
    if (args.value("allow_transport_error", false))
      return action_passed(what + " -> " + ex.status().message(), std::move(output));
    return action_failed(what + " -> " + ex.status().message(), std::move(output));
  }
  return action_passed(what + " -> " + std::to_string(ex->status), exchange_output(*ex));
}

// ---- clock ---------------------------------------------------------------------------------

Status validate_advance(const json& args) {
  if (!has_string(args, "by")) return InvalidArgument("by: must be a duration string");
  auto d = parse_duration(args["by"].get<std::string>());
  return d.ok() ? Status::Ok() : InvalidArgument("by: " + d.status().message());
}

ActionOutcome run_advance(const json& args, ActionContext& ctx) {
  if (Status s = validate_advance(args); !s.ok())
    return action_failed("args: " + s.message(), json::object());
  ctx.clock().advance(parse_duration(args["by"].get<std::string>()).value());
  std::string now = format_iso8601(ctx.clock().now());
  return action_passed("advanced " + args["by"].get<std::string>() + " to " + now, {{"now", now}});
}

Status validate_set(const json& args) {
  if (!has_string(args, "to")) return InvalidArgument("to: must be an ISO 8601 time string");
  auto t = parse_iso8601(args["to"].get<std::string>());
  return t.ok() ? Status::Ok() : InvalidArgument("to: " + t.status().message());
}

ActionOutcome run_set(const json& args, ActionContext& ctx) {
  if (Status s = validate_set(args); !s.ok())
    return action_failed("args: " + s.message(), json::object());
  ctx.clock().set(parse_iso8601(args["to"].get<std::string>()).value());
  std::string now = format_iso8601(ctx.clock().now());
  return action_passed("set to " + now, {{"now", now}});
}

// ---- faults --------------------------------------------------------------------------------

Status validate_fault(const json& args) {
  auto rule = fault_rule_from_json(args);
  return rule.ok() ? Status::Ok() : rule.status();
}

ActionOutcome run_fault_add(const json& args, ActionContext& ctx) {
  auto id = ctx.faults().add_json(args);
  if (!id.ok())
    return action_failed("fault rule rejected: " + id.status().message(), json::object());
  return action_passed("added fault " + *id, {{"id", *id}});
}

Status validate_fault_clear(const json& args) {
  if (!args.is_object()) return InvalidArgument("must be an object");
  if (args.contains("id") && !args["id"].is_string())
    return InvalidArgument("id: must be a string");
  return Status::Ok();
}

ActionOutcome run_fault_clear(const json& args, ActionContext& ctx) {
  if (Status s = validate_fault_clear(args); !s.ok())
    return action_failed("args: " + s.message(), json::object());
  if (args.contains("id")) {
    std::string id = args["id"].get<std::string>();
    if (!ctx.faults().remove(id))
      return action_failed("no fault rule '" + id + "'", json::object());
    return action_passed("removed fault " + id, {{"cleared", 1}});
  }
  size_t n = ctx.faults().rules().size();
  ctx.faults().clear();
  return action_passed("cleared " + std::to_string(n) + " fault rule(s)", {{"cleared", n}});
}

// ---- expect.journal ------------------------------------------------------------------------

Status validate_journal(const json& args) {
  if (!args.is_object()) return InvalidArgument("must be an object");
  for (const char* key : {"listener", "method", "path"})
    if (args.contains(key) && !args[key].is_string())
      return InvalidArgument(std::string(key) + ": must be a string");
  for (const char* key : {"status", "count", "min"})
    if (args.contains(key) && !(args[key].is_number_integer() && args[key].get<int64_t>() >= 0))
      return InvalidArgument(std::string(key) + ": must be a non-negative integer");
  if (args.contains("count") && args.contains("min"))
    return InvalidArgument("count and min are exclusive: give one");
  return Status::Ok();
}

ActionOutcome run_journal(const json& args, ActionContext& ctx) {
  if (Status s = validate_journal(args); !s.ok())
    return action_failed("args: " + s.message(), json::object());
  JournalQuery q;
  q.listener = args.value("listener", std::string());
  q.method = args.value("method", std::string());
  q.path = args.value("path", std::string());
  q.status = args.value("status", 0);
  const size_t found = ctx.journal().query(q).size();
  json output = {{"count", found}};
  std::string query = "listener=" + (q.listener.empty() ? "*" : q.listener) +
                      " method=" + (q.method.empty() ? "*" : q.method) +
                      " path=" + (q.path.empty() ? "*" : q.path) +
                      " status=" + (q.status == 0 ? "*" : std::to_string(q.status));
  const bool exact = args.contains("count");
  const size_t want = exact ? args["count"].get<size_t>() : args.value("min", size_t{1});
  const bool ok = exact ? found == want : found >= want;
  std::string summary = std::to_string(found) + " matching request(s)";
  if (ok) return action_passed(summary, std::move(output));
  ActionOutcome out = action_failed("expected " + std::string(exact ? "exactly " : "at least ") +
                                        std::to_string(want) + " matching request(s), found " +
                                        std::to_string(found),
                                    std::move(output));
  out.details.push_back("journal query: " + query);
  return out;
}

}  // namespace

void register_generic_actions(ActionRegistry& registry) {
  registry.add({"http",
                "Send an HTTP request to a lab endpoint and expose the answer",
                {"endpoint"},
                {"method", "path", "headers", "body", "json", "form", "allow_transport_error",
                 "certificate"},
                run_http,
                validate_http});
  registry.add({"clock.advance",
                "Move the lab's virtual clock forward",
                {"by"},
                {},
                run_advance,
                validate_advance});
  registry.add({"clock.set", "Set the lab's virtual clock", {"to"}, {}, run_set, validate_set});
  registry.add(
      {"fault.add", "Add a fault rule (args are the rule)", {}, {}, run_fault_add, validate_fault});
  registry.add({"fault.clear",
                "Remove one fault rule by id, or all of them",
                {},
                {"id"},
                run_fault_clear,
                validate_fault_clear});
  registry.add({"expect.journal",
                "Count matching requests in the lab journal",
                {},
                {"listener", "method", "path", "status", "count", "min"},
                run_journal,
                validate_journal});
}

ActionRegistry scenario_action_registry() {
  ActionRegistry registry;
  declare_planned_actions(registry);
  register_generic_actions(registry);
  return registry;
}

}  // namespace emu::harness

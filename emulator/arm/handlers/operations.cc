// Long-running operation polling (README Sources [S2]): the Azure-AsyncOperation status
// resource ({"status": InProgress|Succeeded|Failed|Canceled, "error"?}) and the Location
// result (202 while running; 200 when done, with the resource for a PUT).
#include "emulator/arm/handlers/common.h"
#include "emulator/core/text.h"

#include <algorithm>

namespace emu::arm::internal {
namespace {

using nlohmann::json;

Result<Operation, ArmError> find_op(const Call& call) {
  const std::string id = call.param("operationId");
  auto op = call.env.store.find_operation(id);
  if (!op.ok() || to_lower(op->subscription_id) != to_lower(call.subscription.id))
    return errors::operation_not_found(id);
  return std::move(op).value();
}

http::Response operation_status(Call& call) {
  auto op = find_op(call);
  if (!op.ok()) return error_reply(op.error());
  return operation_status_reply(call, op.value());
}

http::Response operation_result(Call& call) {
  auto op = find_op(call);
  if (!op.ok()) return error_reply(op.error());
  if (call.now < op->settles_at) {
    http::Response res;
    res.status = 202;
    res.headers.set("Location", call.base_url + call.req.target);
    const auto left = std::chrono::ceil<std::chrono::seconds>(op->settles_at - call.now).count();
    res.headers.set("Retry-After", std::to_string(std::clamp<int64_t>(left, 1, 10)));
    return res;
  }
  if (op->final_status != "Succeeded") {
    return error_reply(errors::operation_failed(op->error));
  }
  if (op->kind == "resource.put") {
    if (auto r = call.env.store.find_resource(op->target); r.ok())
      return json_reply(200, r->view());
  }
  http::Response res;
  res.status = 200;
  return res;
}

}  // namespace

void add_operation_routes(http::Router& router, const Wrap& wrap) {
  const std::string base = "/subscriptions/{subscriptionId}/providers";
  router.add("GET", "*", base + "/Microsoft.Resources/operationStatuses/{operationId}",
             wrap(operation_status, {}));
  router.add("GET", "*", base + "/Microsoft.Resources/operationResults/{operationId}",
             wrap(operation_result, {}));
  router.add("GET", "*", base + "/{ns}/locations/{location}/operations/{operationId}",
             wrap(operation_status, {}));
  router.add("GET", "*", base + "/{ns}/locations/{location}/operationResults/{operationId}",
             wrap(operation_result, {}));
}

}  // namespace emu::arm::internal

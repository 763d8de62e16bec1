// http::dispatch_in_process: a request through the fault plan, router and journal without a
// socket (server.h).
#include "emulator/core/http/server.h"
#include "emulator/core/http/session_impl.h"

#include <utility>

namespace emu::http {

Result<Response> dispatch_in_process(const ServerDeps& deps, const Router& router, Request& req) {
  const TimePoint received = deps.clock.now();
  internal::PipelineStep step = internal::run_pipeline(deps, router, req);
  if (step.kind == internal::PipelineStep::Kind::kDelay) {
    // Real-time clock: the delay is not slept in-process (documented in server.h).
    step.response = internal::route(router, req);
    step.kind = internal::PipelineStep::Kind::kRespond;
  }
  Request journaled = req;  // the caller keeps its request
  if (step.kind == internal::PipelineStep::Kind::kReset || step.response.reset_connection) {
    internal::record_exchange(deps.journal, received, journaled, 0, Headers(), 0, step.fault_id);
    return Unavailable("connection reset");
  }
  Response& resp = step.response;
  if (resp.status < 100 || resp.status > 999) resp.status = 500;
  internal::record_exchange(deps.journal, received, journaled, resp.status, resp.headers,
                            resp.body.size(), step.fault_id);
  return std::move(step.response);
}

}  // namespace emu::http

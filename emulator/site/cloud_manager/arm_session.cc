// ArmSession: how the cloud service manager (and the wizard) talk to ARM. Throttled requests
// are retried after Retry-After, as the Azure SDK's retry policy does; template deployments
// are monitored like ConfigMgr's ResourceManager.StartAndMonitorDeployment(resourceGroupName,
// deploymentName, deploymentContent, secondsToWait, timeoutInMinutes) (README Sources [S5]): poll
// the operation status every `secondsToWait` (or the service's Retry-After, if longer) in
// virtual time, give up after `timeoutInMinutes`.
#include "emulator/core/http/message.h"
#include "emulator/site/cloud_manager/internal.h"

#include <algorithm>
#include <chrono>
#include <string>

namespace emu::site::cloud {
namespace {

constexpr const char* kDeploymentsApi = "2021-04-01";
// secondsToWait and timeoutInMinutes of StartAndMonitorDeployment: the values are not
// published (inferred).
constexpr std::chrono::seconds kMonitorInterval(15);
constexpr std::chrono::minutes kMonitorTimeout(60);

int64_t retry_after_seconds(const std::string& text, int64_t fallback) {
  if (text.empty()) return fallback;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return fallback;
    v = v * 10 + (c - '0');
    if (v > 3600) return 3600;
  }
  return v;
}

std::string path_only(const std::string& target) { return target.substr(0, target.find('?')); }

bool is_terminal(const std::string& status) {
  return status == "Succeeded" || status == "Failed" || status == "Canceled";
}

}  // namespace

CloudOr<AzureReply> ArmSession::request(const std::string& method, const std::string& target,
                                        const json& body) {
  CloudOr<AzureReply> out;
  for (int attempt = 0;; ++attempt) {
    AzureResult<AzureReply> r = client_.call("arm", method, target, token_, body);
    if (r.ok()) {
      out.value = std::move(r.value);
      return out;
    }
    if (r.error.status == 429 && attempt < kMaxThrottleRetries) {
      std::string header = r.error.retry_after;
      if (header.empty()) header = r.value.headers.get_or("Retry-After", "");
      const int64_t secs = std::max<int64_t>(1, retry_after_seconds(header, 10));
      // Inferred wording: the Azure SDK retries silently; the emulator makes it visible.
      log_(env_,
           "Resource Manager - Request " + method + " " + path_only(target) +
               " was throttled (429 " + (r.error.code.empty() ? "TooManyRequests" : r.error.code) +
               "). Retrying after " + std::to_string(secs) + " seconds.~~",
           TraceSeverity::kWarning);
      env_.ctx.clock().advance(std::chrono::seconds(secs));
      continue;
    }
    out.error = cloud_error(r.error, r.value.body);
    return out;
  }
}

CloudOr<json> ArmSession::deploy(const std::string& subscription, const std::string& group,
                                 const std::string& name, const json& resource) {
  const std::string path = "/subscriptions/" + subscription + "/resourcegroups/" +
                           http::url_encode(group) + "/providers/Microsoft.Resources/deployments/" +
                           name;
  const json body = {
      {"properties",
       {{"mode", "Incremental"},
        {"template",
         {{"$schema",
           "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"},
          {"contentVersion", "1.0.0.0"},
          {"resources", json::array({resource})}}}}}};
  CloudOr<json> out;
  CloudOr<AzureReply> put = request("PUT", with_api(path, kDeploymentsApi), body);
  if (!put.ok()) {
    out.error = put.error;
    return out;
  }
  std::string url = put.value.headers.get_or("Azure-AsyncOperation", "");
  if (url.empty()) url = with_api(path, kDeploymentsApi);  // poll the deployment itself
  int64_t retry = retry_after_seconds(put.value.headers.get_or("Retry-After", ""), 0);
  const TimePoint deadline = env_.ctx.clock().now() + kMonitorTimeout;
  while (true) {
    env_.ctx.clock().advance(
        std::max<Duration>(std::chrono::seconds(retry), std::chrono::seconds(kMonitorInterval)));
    CloudOr<AzureReply> got = request("GET", url_path(url));
    if (!got.ok()) {
      out.error = got.error;
      return out;
    }
    const json& b = got.value.body;
    std::string status = str_arg(b, "status");
    if (status.empty() && b.is_object() && b.contains("properties"))
      status = str_arg(b["properties"], "provisioningState");
    if (status == "Succeeded") {
      out.value = b;
      return out;
    }
    if (is_terminal(status)) break;
    if (env_.ctx.clock().now() >= deadline) {
      CloudError e;
      e.exception = "System.TimeoutException";  // inferred
      e.code = "DeploymentTimeout";
      e.message = "The deployment " + name + " did not finish within " +
                  std::to_string(kMonitorTimeout.count()) + " minutes.";
      out.error = e;
      return out;
    }
    retry = retry_after_seconds(got.value.headers.get_or("Retry-After", ""), 0);
  }
  // Failed or Canceled: the deployment's error (DeploymentFailed with the inner errors) comes
  // with a 200, as in the published log (README Sources [S5]: "Status: 200 (OK)~~ErrorCode:
  // DeploymentFailed").
  CloudOr<AzureReply> final_state = request("GET", with_api(path, kDeploymentsApi));
  CloudError e;
  e.status = 200;
  e.code = "DeploymentFailed";
  e.message =
      "At least one resource deployment operation failed. Please list deployment operations "
      "for details. Please see https://aka.ms/arm-deployment-operations for usage details.";
  if (final_state.ok()) {
    const json props = final_state.value.body.value("properties", json::object());
    const json err = props.value("error", json::object());
    if (err.is_object() && err.contains("code")) {
      CloudError parsed = cloud_error(AzureError{}, json{{"error", err}});
      e.code = parsed.code;
      e.message = parsed.message;
      e.details = parsed.details;
    }
  }
  out.error = e;
  return out;
}

CloudOr<bool> ArmSession::remove(const std::string& id, const std::string& api) {
  CloudOr<bool> out;
  CloudOr<AzureReply> del = request("DELETE", with_api(id, api));
  if (!del.ok()) {
    out.error = del.error;
    return out;
  }
  if (del.value.status != 202) {
    out.value = true;
    return out;
  }
  std::string url = del.value.headers.get_or("Location", "");
  const bool async = url.empty();
  if (async) url = del.value.headers.get_or("Azure-AsyncOperation", "");
  int64_t retry = retry_after_seconds(del.value.headers.get_or("Retry-After", ""), 0);
  const TimePoint deadline = env_.ctx.clock().now() + kMonitorTimeout;
  while (!url.empty()) {
    env_.ctx.clock().advance(
        std::max<Duration>(std::chrono::seconds(retry), std::chrono::seconds(kMonitorInterval)));
    CloudOr<AzureReply> got = request("GET", url_path(url));
    if (!got.ok()) {
      out.error = got.error;
      return out;
    }
    const std::string status = str_arg(got.value.body, "status");
    const bool done = async ? is_terminal(status) : got.value.status != 202;
    if (done) {
      if (async && status != "Succeeded") {
        out.error = cloud_error(AzureError{}, got.value.body);
        return out;
      }
      break;
    }
    if (env_.ctx.clock().now() >= deadline) {
      CloudError e;
      e.exception = "System.TimeoutException";
      e.code = "DeleteTimeout";  // inferred
      e.message = "Deleting " + id + " did not finish in time.";
      out.error = e;
      return out;
    }
    retry = retry_after_seconds(got.value.headers.get_or("Retry-After", ""), 0);
  }
  out.value = true;
  return out;
}

}  // namespace emu::site::cloud

#include "emulator/client/logs/messages.h"

#include <chrono>
#include <cstdio>

namespace emu::client {
namespace {

std::string local_datetime(TimePoint t, int bias_minutes) {
  const CivilTime f = civil_time(t, bias_minutes);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%02u/%02u/%04d %02ld:%02ld:%02ld", f.month, f.day, f.year, f.hour,
                f.minute, f.second);
  return buf;
}

}  // namespace

std::string wmi_datetime(TimePoint t) {
  const CivilTime f = civil_time(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u%02ld%02ld%02ld.%06ld+000", f.year, f.month, f.day,
                f.hour, f.minute, f.second, f.millisecond * 1000);
  return buf;
}

std::string registration_complete(const std::string& client_id, int approval_status) {
  return "[RegTask] - Client is registered. Server assigned ClientID is " + client_id +
         ". Approval status " + std::to_string(approval_status);
}

std::string hresult_hex(uint32_t hresult) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", static_cast<unsigned>(hresult));
  return text;
}

std::string ccm_http_status_event(const CcmHttpStatus& s) {
  return "Raising event:\r\ninstance of CCM_CcmHttp_Status\r\n{\r\n\tClientID = \"" + s.client_id +
         "\";\r\n\tDateTime = \"" + wmi_datetime(s.time) + "\";\r\n\tHostName = \"" + s.host_name +
         "\";\r\n\tHRESULT = \"" + hresult_hex(s.hresult) +
         "\";\r\n\tProcessID = " + std::to_string(s.process_id) +
         ";\r\n\tStatusCode = " + std::to_string(s.status_code) +
         ";\r\n\tThreadID = " + std::to_string(s.thread_id) + ";\r\n};\r\n";
}

std::string dts_job_created(const std::string& job_id, const std::string& url,
                            const std::string& folder) {
  return "DataTransferService: DTSJob({" + job_id + "}) - created to download from '" + url +
         "' to '" + folder + "'.";
}

std::string dts_job_completed(const std::string& job_id, TimePoint start, TimePoint end,
                              int bias_minutes) {
  const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(end - start).count();
  return "DTSJob({" + job_id + "}): Job has completed: Status : SUCCESS, Start time : " +
         local_datetime(start, bias_minutes) +
         ", Completion time : " + local_datetime(end, bias_minutes) +
         ", Elapsed time : " + std::to_string(elapsed) + " seconds";
}

}  // namespace emu::client

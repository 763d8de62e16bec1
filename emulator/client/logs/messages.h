// The client's log messages whose exact text scenarios and users look for: the three success
// markers of the seed walkthrough (registration, the CcmMessaging status event, the CI
// downloader's DTS job) and the WMI time they carry. Message text only: the CCM record around
// it (time in the client's zone, component, thread) is core/trace_log.h's. Pure functions.
#pragma once

#include "emulator/core/clock.h"

#include <cstdint>
#include <string>

namespace emu::client {

// A CIM_DATETIME in UTC as the client's WMI events carry it: "20220502055308.653000+000"
// (yyyyMMddHHmmss, microseconds from the milliseconds, offset +000).
std::string wmi_datetime(TimePoint t);

// ClientIDManagerStartup.log after a registration (seed walkthrough):
// "[RegTask] - Client is registered. Server assigned ClientID is GUID:A4AC8F79-...-C8D5F2F56310.
// Approval status 1". `client_id` is "GUID:<upper case>" as the MP assigned it.
std::string registration_complete(const std::string& client_id, int approval_status);

// An HRESULT as the client's logs write it: "0x" and eight lower-case hex digits.
std::string hresult_hex(uint32_t hresult);

// CcmMessaging.log's status event after a message exchange.
struct CcmHttpStatus {
  std::string client_id;  // "GUID:…"
  TimePoint time;         // written as DateTime, UTC
  std::string host_name;  // the server as the client addressed it (the CMG, upper case)
  uint32_t hresult = 0;   // 0 = S_OK, written "0x%08x" (lower-case hex, as real logs show)
  int process_id = 0;
  int status_code = 0;
  int thread_id = 0;
};

// The event dump, lines joined with CR LF and properties tab-indented, exactly as the seed
// walkthrough shows it:
//   Raising event:
//   instance of CCM_CcmHttp_Status
//   {
//   	ClientID = "GUID:…";
//   	DateTime = "20220502055308.653000+000";
//   	HostName = "TKCMG01.EPLUS.LOCAL";
//   	HRESULT = "0x00000000";
//   	ProcessID = 9596;
//   	StatusCode = 0;
//   	ThreadID = 9580;
//   };
// followed by one CR LF (the layout of the client's other event dumps [inferred]).
std::string ccm_http_status_event(const CcmHttpStatus& status);

// DataTransferService.log's job lines in the seed walkthrough's form (CB 2203; older clients
// write "DTSJob {…} created …" and a multi-line "DTS job {…} has completed:"):
//   DataTransferService: DTSJob({GUID}) - created to download from '<url>' to '<folder>'.
//   DTSJob({GUID}): Job has completed: Status : SUCCESS, Start time : 05/02/2022 14:44:40,
//   Completion time : 05/02/2022 14:44:41, Elapsed time : 0 seconds
// `job_id` is the GUID without braces, upper case; times are the client's local time
// (`bias_minutes` as in the CCM log: UTC = local + bias), MM/dd/yyyy HH:mm:ss.
std::string dts_job_created(const std::string& job_id, const std::string& url,
                            const std::string& folder);
std::string dts_job_completed(const std::string& job_id, TimePoint start, TimePoint end,
                              int bias_minutes);

}  // namespace emu::client

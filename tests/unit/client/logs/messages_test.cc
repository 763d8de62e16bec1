// The client's marker messages against the seed walkthrough's lines, character for character.
#include "emulator/client/logs/messages.h"

#include <gtest/gtest.h>

namespace emu::client {
namespace {

using std::chrono::milliseconds;

TimePoint at(const char* iso, int ms = 0) { return parse_iso8601(iso).value() + milliseconds(ms); }

TEST(ClientMessagesTest, RegistrationAsTheSeedShowsIt) {
  EXPECT_EQ(registration_complete("GUID:A4AC8F79-FADE-4758-84B9-C8D5F2F56310", 1),
            "[RegTask] - Client is registered. Server assigned ClientID is "
            "GUID:A4AC8F79-FADE-4758-84B9-C8D5F2F56310. Approval status 1");
}

TEST(ClientMessagesTest, WmiDateTimeIsUtcWithMicroseconds) {
  EXPECT_EQ(wmi_datetime(at("2022-05-02T05:53:08Z", 653)), "20220502055308.653000+000");
  EXPECT_EQ(wmi_datetime(at("2019-05-09T20:33:51Z", 387)), "20190509203351.387000+000");
  EXPECT_EQ(wmi_datetime(at("2026-01-01T00:00:00Z")), "20260101000000.000000+000");
}

TEST(ClientMessagesTest, CcmHttpStatusEventAsTheSeedShowsIt) {
  CcmHttpStatus s;
  s.client_id = "GUID:A4AC8F79-FADE-4758-84B9-C8D5F2F56310";
  s.time = at("2022-05-02T05:53:08Z", 653);
  s.host_name = "TKCMG01.EPLUS.LOCAL";
  s.process_id = 9596;
  s.thread_id = 9580;
  EXPECT_EQ(ccm_http_status_event(s),
            "Raising event:\r\n"
            "instance of CCM_CcmHttp_Status\r\n"
            "{\r\n"
            "\tClientID = \"GUID:A4AC8F79-FADE-4758-84B9-C8D5F2F56310\";\r\n"
            "\tDateTime = \"20220502055308.653000+000\";\r\n"
            "\tHostName = \"TKCMG01.EPLUS.LOCAL\";\r\n"
            "\tHRESULT = \"0x00000000\";\r\n"
            "\tProcessID = 9596;\r\n"
            "\tStatusCode = 0;\r\n"
            "\tThreadID = 9580;\r\n"
            "};\r\n");
  s.hresult = 0x87d0027eu;  // a failure, lower-case hex as a 2019 log shows it
  EXPECT_NE(ccm_http_status_event(s).find("\tHRESULT = \"0x87d0027e\";\r\n"), std::string::npos);
}

TEST(ClientMessagesTest, DtsJobLinesAsTheSeedShowsThem) {
  const std::string job = "1BBCC127-0677-4E8B-AC26-8F1905884EF6";
  EXPECT_EQ(dts_job_created(job,
                            "https://TKCMG01.EPLUS.LOCAL:443/CCM_Proxy_ServerAuth/"
                            "72057594037927939/SMS_MP",
                            "C:\\Windows\\CCM\\CIDownloader\\Staging"),
            "DataTransferService: DTSJob({1BBCC127-0677-4E8B-AC26-8F1905884EF6}) - created to "
            "download from 'https://TKCMG01.EPLUS.LOCAL:443/CCM_Proxy_ServerAuth/"
            "72057594037927939/SMS_MP' to 'C:\\Windows\\CCM\\CIDownloader\\Staging'.");
  // Japan (bias -540): 05:44:40.9 UTC is 14:44:40 local; 0.3 s later the clock shows :41, and
  // the elapsed time is whole seconds, 0.
  EXPECT_EQ(dts_job_completed(job, at("2022-05-02T05:44:40Z", 900), at("2022-05-02T05:44:41Z", 200),
                              -540),
            "DTSJob({1BBCC127-0677-4E8B-AC26-8F1905884EF6}): Job has completed: Status : SUCCESS, "
            "Start time : 05/02/2022 14:44:40, Completion time : 05/02/2022 14:44:41, Elapsed "
            "time : 0 seconds");
}

}  // namespace
}  // namespace emu::client

#!/usr/bin/env python3
"""An independent reader of ConfigMgr's CCM log format (CMTrace), checking a client's logs.

Written from the published format, not from the emulator's code: a record is
  <![LOG[message]LOG]!><time="HH:mm:ss.fff+bias" date="MM-dd-yyyy" component="c" context=""
  type="0-3" thread="n" file="source:line">
with CR LF after it; the message may span lines; bias is the Windows bias in minutes
(UTC = local + bias). Sources: Microsoft Learn "Log files" (about-log-files.md), real client
logs in public posts (a ccmsetup.log of 2020, a PolicyAgent.log of 2023 whose WMI DateTime is
UTC against a local record time).

usage: cmtrace_check.py LOG_DIR BIAS
Every file must parse completely; each log's records carry its component; every
CCM_CcmHttp_Status event's DateTime (UTC) equals its record's local time plus the bias.
Prints one summary line; exits 1 on the first problem.
"""
import datetime
import os
import re
import sys

RECORD = re.compile(
    r'<!\[LOG\[(?P<msg>.*?)\]LOG\]!><time="(?P<h>\d\d):(?P<m>\d\d):(?P<s>\d\d)\.(?P<ms>\d{3})'
    r'(?P<bias>[+-]\d{2,3})" date="(?P<mon>\d\d)-(?P<day>\d\d)-(?P<year>\d{4})" '
    r'component="(?P<component>[^"]*)" context="(?P<context>[^"]*)" type="(?P<type>[0-3])" '
    r'thread="(?P<thread>\d+)" file="(?P<file>[^"]*)">\r\n', re.S)
COMPONENTS = {
    "ccmsetup.log": {"ccmsetup", "LocationServices", "FSPStateMessage"},
    "ClientIDManagerStartup.log": {"ClientIDManagerStartup"},
    "CcmMessaging.log": {"CcmMessaging"},
    "ClientLocation.log": {"ClientLocation"},
    "LocationServices.log": {"LocationServices"},
    "PolicyAgent.log": {"PolicyAgent_ReplyAssignments", "PolicyAgent_PolicyDownload",
                        "PolicyAgent_PolicyEvaluator"},
    "DataTransferService.log": {"DataTransferService"},
    "CcmExec.log": {"CcmExec", "CCMEXEC"},
}


def die(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def main():
    folder, bias = sys.argv[1], int(sys.argv[2])
    total = 0
    events = 0
    names = sorted(os.listdir(folder))
    if not names:
        die("no logs in " + folder)
    for name in names:
        data = open(os.path.join(folder, name), "rb").read().decode("utf-8")
        pos = 0
        for rec in RECORD.finditer(data):
            if rec.start() != pos:
                die("%s: unparsed text at offset %d: %r" % (name, pos, data[pos:rec.start()][:80]))
            pos = rec.end()
            total += 1
            if int(rec["bias"]) != bias:
                die("%s: bias %s, expected %d" % (name, rec["bias"], bias))
            if rec["context"] != "":
                die("%s: non-empty context" % name)
            if name in COMPONENTS and rec["component"] not in COMPONENTS[name]:
                die("%s: component %r" % (name, rec["component"]))
            local = datetime.datetime(int(rec["year"]), int(rec["mon"]), int(rec["day"]),
                                      int(rec["h"]), int(rec["m"]), int(rec["s"]),
                                      int(rec["ms"]) * 1000)
            ev = re.search(r'instance of CCM_CcmHttp_Status\r\n\{\r\n(?:\t.*\r\n)*?'
                           r'\tDateTime = "(\d{14})\.(\d{6})\+000";', rec["msg"])
            if ev:
                events += 1
                utc = datetime.datetime.strptime(ev.group(1) + ev.group(2), "%Y%m%d%H%M%S%f")
                if local + datetime.timedelta(minutes=bias) != utc:
                    die("%s: event DateTime %s is not the record's %s + bias" % (name, utc, local))
        if pos != len(data):
            die("%s: unparsed tail at offset %d: %r" % (name, pos, data[pos:pos + 80]))
    if events == 0:
        die("no CCM_CcmHttp_Status event in " + folder)
    print("cmtrace ok: %d logs, %d records, %d status events" % (len(names), total, events))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A minimal, independent ConfigMgr client that registers through a CMG with a bulk token.

Written from the published wire format only, never from the emulator's code: the CcmMessaging
framing, <Msg> headers, registration and policy request bodies and the signature encoding as the
open-source clients send them (synacktiv/SCCMSecrets policies_dumper.py and utils/crypto.py,
garrettfoster13/sccmhunter, Metasploit's SCCM modules; the ConfigMgr 2007 SDK for the
registration reply), the CMG URL forms of memdocs azure-ccmsetup.md, and the CCM_STS exchange
(POST with `Authorization: Bearer`, JSON reply) as the emulator's design documents it, since no
public source shows that part of the wire (inferred). Standard library only, plus
the `openssl` command line for the key and the self-signed certificate; RSA signatures are
computed here with pow().

Steps:
  1. a new RSA-2048 key and a self-signed "ConfigMgr Client" certificate with the SMS EKUs;
  2. POST /CCM_Proxy_ServerAuth/<id>/CCM_STS with the bulk token -> a CCM token (PreAuth);
  3. CCM_POST /CCM_Proxy_ServerAuth/<id>/ccm_system_tokenauth/request (MP_ClientRegistration:
     multipart/mixed, UTF-16 <Msg> header with BOM, zlib UTF-16 body, signed <Data>)
     -> SMSID="GUID:..." and the client's unique token;
  4. CCM_STS with the unique token -> a device CCM token;
  5. CCM_POST to MP_PolicyManager with the clientauth hook (PublicKey, ClientIDSignature,
     PayloadSignature) -> ReplyAssignments with at least one Policy.

Prints "SMSID GUID:<id>" and a final JSON summary line; exits 1 on any failure.
"""
import argparse
import datetime
import hashlib
import http.client
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import uuid
import xml.etree.ElementTree as ET
import zlib

BOUNDARY = "aAbBcCdDv1234567890VxXyYzZ"  # fixed in SCCMSecrets, sccmhunter, Metasploit
SHA256_OID = "1.2.840.113549.1.1.11"
# DER DigestInfo prefix for SHA-256 (RFC 8017 section 9.2, note 1).
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


def die(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


# --- key, certificate and signatures (SCCMSecrets utils/crypto.py, Metasploit) ---

class ClientKey:
    """RSA-2048 key and self-signed certificate made by the openssl CLI."""

    def __init__(self, folder):
        self.key_path = os.path.join(folder, "client.key")
        self.cert_path = os.path.join(folder, "client.pem")
        run = lambda *a: subprocess.run(a, check=True, capture_output=True)
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256",
            "-keyout", self.key_path, "-out", self.cert_path, "-days", "365",
            "-subj", "/CN=ConfigMgr Client",
            "-addext", "keyUsage=critical,digitalSignature,dataEncipherment",
            # SMS Encryption (…101.2) and SMS Signing (…101) application policies.
            "-addext", "extendedKeyUsage=1.3.6.1.4.1.311.101.2,1.3.6.1.4.1.311.101")
        self.cert_der = run("openssl", "x509", "-in", self.cert_path, "-outform", "DER").stdout
        text = run("openssl", "rsa", "-in", self.key_path, "-text", "-noout").stdout.decode()
        self.n = self._field(text, "modulus")
        self.d = self._field(text, "privateExponent")
        self.e = int(re.search(r"publicExponent: (\d+)", text).group(1))
        self.size = (self.n.bit_length() + 7) // 8

    @staticmethod
    def _field(text, name):
        m = re.search(name + r":\s*\n((?:\s+[0-9a-f:]+\n)+)", text)
        if not m:
            die("openssl rsa -text printed no " + name)
        return int(re.sub(r"[\s:]", "", m.group(1)), 16)

    def sign(self, data):
        """RSASSA-PKCS1-v1_5 over SHA-256, bytes reversed (CryptoAPI order), upper-case hex."""
        t = SHA256_DIGEST_INFO + hashlib.sha256(data).digest()
        em = b"\x00\x01" + b"\xff" * (self.size - len(t) - 3) + b"\x00" + t
        s = pow(int.from_bytes(em, "big"), self.d, self.n).to_bytes(self.size, "big")
        return s[::-1].hex().upper()

    def verify_self(self):
        probe = b"probe"
        sig = bytes.fromhex(self.sign(probe))[::-1]
        em = pow(int.from_bytes(sig, "big"), self.e, self.n).to_bytes(self.size, "big")
        if not em.endswith(SHA256_DIGEST_INFO + hashlib.sha256(probe).digest()):
            die("own signature does not verify (bad key parse)")

    def public_key_blob(self):
        """CryptoAPI PUBLICKEYBLOB (MS-MQQB PUBLICKEYBLOB, as SCCMSecrets builds it), upper hex."""
        blob = bytes.fromhex("0602000000A40000") + b"RSA1"
        blob += (self.size * 8).to_bytes(4, "little") + self.e.to_bytes(4, "little")
        blob += self.n.to_bytes(self.size, "little")
        return blob.hex().upper()


# --- CcmMessaging framing (SCCMSecrets, sccmhunter, Metasploit) ---

def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def body_payload(xml):
    """UTF-16LE body + NUL + CRLF, and its Length (the UTF-16 bytes with the NUL)."""
    raw = xml.encode("utf-16-le") + b"\x00\x00"
    return raw + b"\r\n", len(raw)


def multipart(header_xml, compressed):
    b = BOUNDARY.encode()
    return (b"--" + b + b"\r\ncontent-type: text/plain; charset=UTF-16\r\n\r\n" +
            b"\xff\xfe" + header_xml.encode("utf-16-le") + b"\r\n" +
            b"--" + b + b"\r\ncontent-type: application/octet-stream\r\n\r\n" +
            compressed + b"\r\n--" + b + b"--")


def reply_body(content_type, data):
    """The decoded XML of part 2 of a CcmMessaging reply (zlib of UTF-16LE, NUL-terminated)."""
    m = re.search(r'boundary="?([^";]+)"?', content_type or "")
    boundary = (m.group(1) if m else BOUNDARY).encode()
    parts = [p for p in data.split(b"--" + boundary) if p.strip(b"\r\n-")]
    if len(parts) < 2:
        die("reply is not a two-part CcmMessaging message: %r" % data[:200])
    part = parts[1]
    sep = part.find(b"\r\n\r\n")
    payload = part[sep + 4:] if sep >= 0 else part
    if payload.endswith(b"\r\n"):
        payload = payload[:-2]
    try:
        payload = zlib.decompress(payload)
    except zlib.error:
        pass  # ReplyCompression="none": plain UTF-16
    if payload.endswith(b"\x00\x00\r\n"):  # NUL terminator + raw CRLF, as in requests
        payload = payload[:-2]
    text = payload.decode("utf-16-le", errors="replace").lstrip("\ufeff")
    return text.rstrip("\x00\r\n ")


def msg_header(endpoint, client, host, body_length, source_id=None, hook=""):
    """The <Msg> header of SCCMSecrets' SCCM_HEADER_TEMPLATE / POLICY_REQUEST_HEADER_TEMPLATE."""
    source = "<SourceID>%s</SourceID>" % source_id if source_id else ""
    return ('<Msg ReplyCompression="zlib" SchemaVersion="1.1">'
            '<Body Type="ByteRange" Length="%d" Offset="0" />'
            '<CorrelationID>{00000000-0000-0000-0000-000000000000}</CorrelationID>'
            '<Hooks>%s<Hook3 Name="zlib-compress" /></Hooks>'
            '<ID>{%s}</ID><Payload Type="inline" /><Priority>0</Priority>'
            '<Protocol>http</Protocol><ReplyMode>Sync</ReplyMode>'
            '<ReplyTo>direct:%s:SccmMessaging</ReplyTo><SentTime>%s</SentTime>%s'
            '<SourceHost>%s</SourceHost><TargetAddress>mp:%s</TargetAddress>'
            '<TargetEndpoint>%s</TargetEndpoint><TargetHost>%s</TargetHost>'
            '<Timeout>60000</Timeout></Msg>') % (
                body_length, hook, str(uuid.uuid4()).upper(), client, utc_now(), source, client,
                endpoint, endpoint, host)


# --- HTTPS to the CMG ---

class CmgConnection(http.client.HTTPSConnection):
    """HTTPS to `address:port` with SNI and Host = the CMG's service name (curl --resolve)."""

    def __init__(self, name, address, port, context):
        super().__init__(name, port, context=context, timeout=30)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class Cmg:
    def __init__(self, args):
        self.args = args
        self.context = ssl.create_default_context(cafile=args.ca)

    def request(self, method, path, headers=None, body=b""):
        conn = CmgConnection(self.args.server_name, self.args.address, self.args.port,
                             self.context)
        headers = dict(headers or {})
        headers.setdefault("User-Agent", "ccmhttp")  # the real client's user agent in MP IIS logs
        headers["Content-Length"] = str(len(body))
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, resp.reason, resp.getheader("Content-Type", ""), data

    def path(self, rest):
        return "/CCM_Proxy_ServerAuth/%s/%s" % (self.args.role_id, rest)

    def ccm_token(self, bearer, expect_type):
        status, reason, _, data = self.request(
            "POST", self.path("CCM_STS"), {"Authorization": "Bearer " + bearer})
        if status != 200:
            die("CCM_STS answered %d %s: %r" % (status, reason, data[:300]))
        reply = json.loads(data)
        if reply.get("token_type") != expect_type:
            die("CCM_STS gave a %r token, expected %s" % (reply.get("token_type"), expect_type))
        return reply["token"]

    def ccm_post(self, token, header_xml, compressed):
        status, reason, ctype, data = self.request(
            "CCM_POST", self.path("ccm_system_tokenauth/request"),
            {"Authorization": "Bearer " + token,
             "Content-Type": 'multipart/mixed; boundary="%s"' % BOUNDARY},
            multipart(header_xml, compressed))
        if status != 200:
            die("CCM_POST answered %d %s: %r" % (status, reason, data[:300]))
        if not data:
            die("CCM_POST answered 200 with an empty body (refused message)")
        return reply_body(ctype, data)


def register(cmg, key, token, client, fqdn, mp):
    """MP_ClientRegistration: signed <Data>, reply SMSID and ClientToken."""
    data = ('<Data HashAlgorithm="%s" SMSID="" RequestType="Registration" TimeStamp="%s">'
            '<AgentInformation AgentIdentity="CCMSetup.exe" AgentVersion="5.00.9078.1000" '
            'AgentType="0" /><Certificates><Encryption Encoding="HexBinary" KeyType="1">%s'
            '</Encryption><Signing Encoding="HexBinary" KeyType="1">%s</Signing></Certificates>'
            '<DiscoveryProperties><Property Name="Netbios Name" Value="%s" />'
            '<Property Name="FQ Name" Value="%s" /><Property Name="Locale ID" Value="1033" />'
            '<Property Name="InternetFlag" Value="0" /></DiscoveryProperties></Data>') % (
                SHA256_OID, utc_now(), key.cert_der.hex().upper(), key.cert_der.hex().upper(),
                client, fqdn)
    signature = key.sign(data.encode("utf-16-le"))
    wrapper = ("<ClientRegistrationRequest>%s<Signature><SignatureValue>%s</SignatureValue>"
               "</Signature></ClientRegistrationRequest>") % (data, signature)
    payload, length = body_payload(wrapper)
    header = msg_header("MP_ClientRegistration", client, mp, length)
    reply = cmg.ccm_post(token, header, zlib.compress(payload))
    m = re.search(r'SMSID="GUID:([0-9A-Fa-f-]{36})"', reply)
    if not m:
        die("registration reply has no SMSID: %r" % reply[:500])
    t = re.search(r"<ClientToken>([^<]+)</ClientToken>", reply)
    if not t:
        die("registration reply has no ClientToken: %r" % reply[:500])
    return m.group(1).upper(), t.group(1), reply


def request_policy(cmg, key, token, smsid, client, fqdn, mp, site):
    """MP_PolicyManager RequestAssignments with the clientauth hook (SCCMSecrets templates)."""
    body = ('<RequestAssignments SchemaVersion="1.00" ACK="false" RequestType="Always">'
            '<Identification><Machine><ClientID>GUID:%s</ClientID><FQDN>%s</FQDN>'
            '<NetBIOSName>%s</NetBIOSName><SID /></Machine><User /></Identification>'
            '<PolicySource>SMS:%s</PolicySource><Resource ResourceType="Machine" />'
            '<ServerCookie /></RequestAssignments>') % (smsid, fqdn, client, site)
    payload, length = body_payload(body)
    compressed = zlib.compress(payload)
    client_id_sig = key.sign(("GUID:" + smsid.upper()).encode("utf-16-le") + b"\x00\x00")
    hook = ('<Hook2 Name="clientauth"><Property Name="AuthSenderMachine">%s</Property>'
            '<Property Name="PublicKey">%s</Property>'
            '<Property Name="ClientIDSignature">%s</Property>'
            '<Property Name="PayloadSignature">%s</Property>'
            '<Property Name="ClientCapabilities">NonSSL</Property>'
            '<Property Name="HashAlgorithm">%s</Property></Hook2>') % (
                client, key.public_key_blob(), client_id_sig, key.sign(compressed), SHA256_OID)
    header = msg_header("MP_PolicyManager", client, mp, length, "GUID:" + smsid, hook)
    reply = cmg.ccm_post(token, header, compressed)
    try:
        root = ET.fromstring(reply)
    except ET.ParseError as e:
        die("policy reply is not XML (%s): %r" % (e, reply[:300]))
    if root.tag != "ReplyAssignments":
        die("policy reply root is %s, not ReplyAssignments" % root.tag)
    policies = root.findall(".//Policy")
    if not policies:
        die("ReplyAssignments holds no Policy: %r" % reply[:500])
    return [(p.get("PolicyID"), (p.findtext("PolicyLocation") or "").strip()) for p in policies]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--address", default="127.0.0.1", help="where the CMG listens")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--server-name", default="cmg.contoso.com", help="CMG service name (SNI)")
    p.add_argument("--ca", required=True, help="PEM of the CA that issued the CMG certificate")
    p.add_argument("--role-id", required=True, help="the MP's role ID in the CMG URLs")
    p.add_argument("--bulk-token", required=True)
    p.add_argument("--client", default="CLIENT01", help="NetBIOS name")
    p.add_argument("--domain", default="workgroup.local")
    p.add_argument("--mp", default="cm01.contoso.com", help="TargetHost of the messages")
    p.add_argument("--site", default="P01")
    args = p.parse_args()

    cmg = Cmg(args)
    fqdn = "%s.%s" % (args.client.lower(), args.domain)
    with tempfile.TemporaryDirectory() as folder:
        key = ClientKey(folder)
        key.verify_self()
        preauth = cmg.ccm_token(args.bulk_token, "PreAuth")
        smsid, unique, _ = register(cmg, key, preauth, args.client, fqdn, args.mp)
        print("SMSID GUID:" + smsid)
        device = cmg.ccm_token(unique, "Device")
        policies = request_policy(cmg, key, device, smsid, args.client, fqdn, args.mp, args.site)
    for pid, location in policies:
        print("Policy %s %s" % (pid, location))
    print(json.dumps({"smsid": "GUID:" + smsid, "policies": len(policies)}))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Regenerates the CcmMessaging test vectors in this folder the way SCCMSecrets builds them.

The templates and the byte-level steps below are copied from synacktiv/SCCMSecrets (commit
55f9b96): utils/request_templates.py (SCCM_HEADER_TEMPLATE, POLICY_REQUEST_HEADER_TEMPLATE,
REGISTRATION_REQUEST_TEMPLATE, REGISTRATION_REQUEST_WRAPPER_TEMPLATE, POLICY_REQUEST_TEMPLATE),
utils/crypto.py (create_private_key, create_certificate, SCCM_sign, build_MS_public_key_blob),
utils/utils.py (encode_UTF16_strip_BOM) and policies_dumper.py
(generate_registration_request_payload, generate_policies_request_payload). Only the values
that SCCMSecrets takes from the clock or from its command line are fixed here, so that the
output is reproducible apart from the key.

The RSA key is generated in memory and thrown away: only the certificate (inside the
registration message) and signatures made with the key are written. Outputs (upper-case hex of
the whole CCM_POST request body, one line):
  sccmsecrets_registration.hex  - MP_ClientRegistration request (signed <Data>)
  sccmsecrets_policy.hex        - MP_PolicyManager RequestAssignments (clientauth hook)
Requires: python3 with the 'cryptography' package (as SCCMSecrets does).
"""
import os
import zlib
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.x509 import ObjectIdentifier
from cryptography.x509.oid import NameOID

# --- utils/request_templates.py (verbatim) ---
REGISTRATION_REQUEST_TEMPLATE = """<Data HashAlgorithm="1.2.840.113549.1.1.11" SMSID="" RequestType="Registration" TimeStamp="{date}">
<AgentInformation AgentIdentity="CCMSetup.exe" AgentVersion="5.00.8325.0000" AgentType="0" />
<Certificates><Encryption Encoding="HexBinary" KeyType="1">{encryption}</Encryption><Signing Encoding="HexBinary" KeyType="1">{signature}</Signing></Certificates>
<DiscoveryProperties><Property Name="Netbios Name" Value="{client}" />
<Property Name="FQ Name" Value="{clientfqdn}" />
<Property Name="Locale ID" Value="2057" />
<Property Name="InternetFlag" Value="0" />
</DiscoveryProperties></Data>"""
REGISTRATION_REQUEST_WRAPPER_TEMPLATE = "<ClientRegistrationRequest>{data}<Signature><SignatureValue>{signature}</SignatureValue></Signature></ClientRegistrationRequest>\x00"
SCCM_HEADER_TEMPLATE = """<Msg ReplyCompression="zlib" SchemaVersion="1.1"><Body Type="ByteRange" Length="{bodylength}" Offset="0" /><CorrelationID>{{00000000-0000-0000-0000-000000000000}}</CorrelationID><Hooks><Hook3 Name="zlib-compress" /></Hooks><ID>{{5DD100CD-DF1D-45F5-BA17-A327F43465F8}}</ID><Payload Type="inline" /><Priority>0</Priority><Protocol>http</Protocol><ReplyMode>Sync</ReplyMode><ReplyTo>direct:{client}:SccmMessaging</ReplyTo><SentTime>{date}</SentTime><SourceHost>{client}</SourceHost><TargetAddress>mp:MP_ClientRegistration</TargetAddress><TargetEndpoint>MP_ClientRegistration</TargetEndpoint><TargetHost>{sccmserver}</TargetHost><Timeout>60000</Timeout></Msg>"""
POLICY_REQUEST_HEADER_TEMPLATE = """<Msg ReplyCompression="zlib" SchemaVersion="1.1"><Body Type="ByteRange" Length="{bodylength}" Offset="0" /><CorrelationID>{{00000000-0000-0000-0000-000000000000}}</CorrelationID><Hooks><Hook2 Name="clientauth"><Property Name="AuthSenderMachine">{client}</Property><Property Name="PublicKey">{publickey}</Property><Property Name="ClientIDSignature">{clientIDsignature}</Property><Property Name="PayloadSignature">{payloadsignature}</Property><Property Name="ClientCapabilities">NonSSL</Property><Property Name="HashAlgorithm">1.2.840.113549.1.1.11</Property></Hook2><Hook3 Name="zlib-compress" /></Hooks><ID>{{041A35B4-DCEE-4F64-A978-D4D489F47D28}}</ID><Payload Type="inline" /><Priority>0</Priority><Protocol>http</Protocol><ReplyMode>Sync</ReplyMode><ReplyTo>direct:{client}:SccmMessaging</ReplyTo><SentTime>{date}</SentTime><SourceID>GUID:{clientid}</SourceID><SourceHost>{client}</SourceHost><TargetAddress>mp:MP_PolicyManager</TargetAddress><TargetEndpoint>MP_PolicyManager</TargetEndpoint><TargetHost>{sccmserver}</TargetHost><Timeout>60000</Timeout></Msg>"""
POLICY_REQUEST_TEMPLATE = """<RequestAssignments SchemaVersion="1.00" ACK="false" RequestType="Always"><Identification><Machine><ClientID>GUID:{clientid}</ClientID><FQDN>{clientfqdn}</FQDN><NetBIOSName>{client}</NetBIOSName><SID /></Machine><User /></Identification><PolicySource>SMS:PRI</PolicySource><Resource ResourceType="Machine" /><ServerCookie /></RequestAssignments>"""


# --- utils/crypto.py and utils/utils.py (verbatim apart from layout) ---
def create_certificate(privatekey):
    subject = issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ConfigMgr Client")])
    return x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(
        privatekey.public_key()).serial_number(x509.random_serial_number()).not_valid_before(
        datetime.utcnow() - timedelta(days=2)).not_valid_after(
        datetime.utcnow() + timedelta(days=365)).add_extension(
        x509.KeyUsage(digital_signature=True, key_encipherment=False, key_cert_sign=False,
                      key_agreement=False, content_commitment=False, data_encipherment=True,
                      crl_sign=False, encipher_only=False, decipher_only=False),
        critical=False).add_extension(
        x509.ExtendedKeyUsage([ObjectIdentifier("1.3.6.1.4.1.311.101.2"),
                               ObjectIdentifier("1.3.6.1.4.1.311.101")]),
        critical=False).sign(privatekey, hashes.SHA256())


def SCCM_sign(private_key, data):
    signature = private_key.sign(data, PKCS1v15(), hashes.SHA256())
    signature_rev = bytearray(signature)
    signature_rev.reverse()
    return bytes(signature_rev)


def build_MS_public_key_blob(private_key):
    blobHeader = b"\x06\x02\x00\x00\x00\xA4\x00\x00\x52\x53\x41\x31\x00\x08\x00\x00\x01\x00\x01\x00"
    blob = blobHeader + private_key.public_key().public_numbers().n.to_bytes(int(private_key.key_size / 8), byteorder="little")
    return blob.hex().upper()


def encode_UTF16_strip_BOM(data):
    return data.encode('utf-16')[2:]


# --- fixed inputs (SCCMSecrets takes them from the clock and its arguments) ---
DATE = "2025-01-15T10:20:30Z"
CLIENT_NAME = "DESKTOP-FAKE01.contoso.com"
MANAGEMENT_POINT = "http://cm01.contoso.com"
CLIENT_GUID = "C66EE0FD-08E7-4B38-B282-7E6954B71139"  # from learn.microsoft.com (MD-AZ)

private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
certificate = create_certificate(private_key)
public_key = certificate.public_bytes(serialization.Encoding.DER).hex().upper()


# --- policies_dumper.py generate_registration_request_payload ---
def registration():
    registrationRequest = REGISTRATION_REQUEST_TEMPLATE.format(
        date=DATE, encryption=public_key, signature=public_key,
        client=CLIENT_NAME.split('.')[0], clientfqdn=CLIENT_NAME)
    signature = SCCM_sign(private_key, encode_UTF16_strip_BOM(registrationRequest)).hex().upper()
    registrationRequestWrapper = REGISTRATION_REQUEST_WRAPPER_TEMPLATE.format(
        data=registrationRequest, signature=signature)
    registrationRequestWrapper = encode_UTF16_strip_BOM(registrationRequestWrapper) + "\r\n".encode('ascii')
    registrationRequestHeader = SCCM_HEADER_TEMPLATE.format(
        bodylength=len(registrationRequestWrapper) - 2, client=CLIENT_NAME, date=DATE,
        sccmserver=MANAGEMENT_POINT)
    final_body = "--aAbBcCdDv1234567890VxXyYzZ\r\ncontent-type: text/plain; charset=UTF-16\r\n\r\n".encode('ascii')
    final_body += registrationRequestHeader.encode('utf-16') + "\r\n--aAbBcCdDv1234567890VxXyYzZ\r\ncontent-type: application/octet-stream\r\n\r\n".encode('ascii')
    final_body += zlib.compress(registrationRequestWrapper) + "\r\n--aAbBcCdDv1234567890VxXyYzZ--".encode('ascii')
    return final_body


# --- policies_dumper.py generate_policies_request_payload ---
def policy():
    policyRequest = encode_UTF16_strip_BOM(POLICY_REQUEST_TEMPLATE.format(
        clientid=CLIENT_GUID, clientfqdn=CLIENT_NAME, client=CLIENT_NAME.split('.')[0])) + b"\x00\x00\r\n"
    policyRequestCompressed = zlib.compress(policyRequest)
    MSPublicKey = build_MS_public_key_blob(private_key)
    clientID = f"GUID:{CLIENT_GUID.upper()}"
    clientIDSignature = SCCM_sign(private_key, encode_UTF16_strip_BOM(clientID) + "\x00\x00".encode('ascii')).hex().upper()
    policyRequestSignature = SCCM_sign(private_key, policyRequestCompressed).hex().upper()
    policyRequestHeader = POLICY_REQUEST_HEADER_TEMPLATE.format(
        bodylength=len(policyRequest) - 2, sccmserver=MANAGEMENT_POINT,
        client=CLIENT_NAME.split('.')[0], publickey=MSPublicKey,
        clientIDsignature=clientIDSignature, payloadsignature=policyRequestSignature,
        clientid=CLIENT_GUID, date=DATE)
    final_body = "--aAbBcCdDv1234567890VxXyYzZ\r\ncontent-type: text/plain; charset=UTF-16\r\n\r\n".encode('ascii')
    final_body += policyRequestHeader.encode('utf-16') + "\r\n--aAbBcCdDv1234567890VxXyYzZ\r\ncontent-type: application/octet-stream\r\n\r\n".encode('ascii')
    final_body += policyRequestCompressed + "\r\n--aAbBcCdDv1234567890VxXyYzZ--".encode('ascii')
    return final_body


here = os.path.dirname(os.path.abspath(__file__))
for name, body in (("sccmsecrets_registration.hex", registration()),
                   ("sccmsecrets_policy.hex", policy())):
    with open(os.path.join(here, name), "w") as f:
        f.write(body.hex().upper() + "\n")

// A fixed RSA-2048 key, certificate and RS256 signature, produced once with the openssl CLI:
//   openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem
//   openssl req -new -x509 -key key.pem -subj "/O=cmgemu test/CN=crypto-test.cmgemu.test"
//     -days 3650 -set_serial 0x4242
//     -addext "subjectAltName=DNS:crypto-test.cmgemu.test,IP:127.0.0.1" -out cert.pem
//   openssl x509 -in cert.pem -fingerprint -sha1 -noout          -> kThumbprint
//   openssl x509 -in cert.pem -outform DER | openssl dgst -sha1 -binary | base64 |
//     tr '+/' '-_' | tr -d '='                                   -> kX5t
//   printf %s "$kSigningInput" | openssl dgst -sha256 -sign key.pem | base64 -> kSignatureB64
// The key is test-only material; its PEM markers are spelled in pieces.
#pragma once

#include <string>

namespace emu::crypto::testing {

inline const std::string kKeyPem =
    "-----BEGIN "
    "PRIVATE KEY-----\n"
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCvKulZLkCHUOGX\n"
    "VRvf4dcdCkWhb7PiL4DaDEFycmVSa3fbRrJstw+WHxEwuU4TrYuzBxBDspgmEU1H\n"
    "unyoSn3AKxCUyBgfeg+QCGZEAtMQwkkL2ZYeLvSpRdPttxOuR0gs3wqG7XZpiDFk\n"
    "vW+zTgY2NNF2lPnFXyIITnbWRhvFKlg388hAIwXV3c9i4RJ+DdhB8LL97vN9EGvd\n"
    "6sbo0fAXA//0eBKz1SyYR7SfUflPrNXHvCji87A+x7eok84GIJNMf2Oo9c/pPoBl\n"
    "zhjpHyn7+1L/3XRzNeW0+V1aCMHvNYWvAPecP/YEUBbw8ACopBT2JbnBQWmv98Bo\n"
    "vnMmFVx5AgMBAAECggEAPndUDbyDwH2kZT4xmY5FExMVr7NQ98ku7xNNx41p+pFe\n"
    "hbDZchF6GnPrwm9im3vZBLfxIeMvhOvInlqvl6gw3fW9jQEqMRdrM1b7eSd0s1ZF\n"
    "jFdExHDESRUgtXYDK7Q51d6YN3O5NXse+ijgC5Y4et4tEFeiFrONRF8O2+zWfGG7\n"
    "wFnXphXn6vpmqStnElPuyOusEnzOpf6ha7+TGA7WpFuD/7E469mZKb9I7Cm4dhmv\n"
    "YBbAQn6EjHAKwyp79jZlnLPjAN7v4SAtgzOENKDg3OxOTcFhQUTW0/TnyJMX/jcD\n"
    "ACjmP9fV62aCy5epY7E4Uf4ggq+Z2Ra6Rzc1ahnD/QKBgQD04ibxBV8obcdjrg9s\n"
    "tRyyDNfT5/rU4RWcfDTADPG/UdhbZNEWRBMLdyf21i2eUG94fTRFglA6zfERbo9p\n"
    "s71eyny4V9yN15B87AUaRloDldmbBRUPSVqBEZnbZCEC3D03+Jo4XJTflg0663tR\n"
    "1yCIjdMCDfEbNs2CjVfXCJCRFwKBgQC3HpNpBlLM3iHysaytEnam+zOcDttc1CiP\n"
    "MEbesg4Z14Qqxm33EYR+Fw12kgxvxG1sm2EIDEZzNOo+TmChyV/HTEQQ+F+8unnx\n"
    "hLSo+dcsqqreN+4ZDL2sruY7Cm8Vq8kcyovgM0z0J2K+YRyaoHTQx0mFmZ1v3RyU\n"
    "Cq7Mj3JY7wKBgBnjDlrMRpLvh/Rxog/L1Yy87tPn4gw+/xnbx3fF5ohjDowazD+e\n"
    "UqUTo5Xkbk4eEqqaEbyHWhPdUW6WUXLLHWm33hdesmIMN6n9CU0NwtY+MRLCJsfG\n"
    "6VpbkfgvTY4P2ijgju0GXHaGVj+0RQURyM6mr3e4IZTO5kq2xmJk9WNhAoGAcZ7v\n"
    "KENcLPHHbqb/1YOXS5SiOTqescKSSAZUculYBoDK6R+mK58a7oGvQNruDIt8ud7P\n"
    "Hgc/z0wN7AsFul0QqMCRm1YBUUEDWPBWiGI9OOHMk4Vwnupg5jy/bfLTakbkypCC\n"
    "qeIq5XNquWXYMblNwh1laRgfr8EqclEOlK6M7NECgYEAiNp6jDECH2kWRSF/ncu5\n"
    "5Y/1WTNdqB92FE1NZ3kGTRXxNgNaWkI1s1/sdmHc0rPfLkigNo4FlYPQW63YEdB4\n"
    "aPaj2mjafMIFGf+g5ZD1FYKmv2GedjtCtY0FACZAYGFBVMqE+/lRpyOxg+QNtVgL\n"
    "oBeVc/SMo1Qssv63CmrajTI=\n"
    "-----END "
    "PRIVATE KEY-----\n";

inline const std::string kCertPem =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIDaTCCAlGgAwIBAgICQkIwDQYJKoZIhvcNAQELBQAwODEUMBIGA1UECgwLY21n\n"
    "ZW11IHRlc3QxIDAeBgNVBAMMF2NyeXB0by10ZXN0LmNtZ2VtdS50ZXN0MB4XDTI2\n"
    "MTIwMjA5MDQxOVoXDTM2MTEyOTA5MDQxOVowODEUMBIGA1UECgwLY21nZW11IHRl\n"
    "c3QxIDAeBgNVBAMMF2NyeXB0by10ZXN0LmNtZ2VtdS50ZXN0MIIBIjANBgkqhkiG\n"
    "9w0BAQEFAAOCAQ8AMIIBCgKCAQEAryrpWS5Ah1Dhl1Ub3+HXHQpFoW+z4i+A2gxB\n"
    "cnJlUmt320aybLcPlh8RMLlOE62LswcQQ7KYJhFNR7p8qEp9wCsQlMgYH3oPkAhm\n"
    "RALTEMJJC9mWHi70qUXT7bcTrkdILN8Khu12aYgxZL1vs04GNjTRdpT5xV8iCE52\n"
    "1kYbxSpYN/PIQCMF1d3PYuESfg3YQfCy/e7zfRBr3erG6NHwFwP/9HgSs9UsmEe0\n"
    "n1H5T6zVx7wo4vOwPse3qJPOBiCTTH9jqPXP6T6AZc4Y6R8p+/tS/910czXltPld\n"
    "WgjB7zWFrwD3nD/2BFAW8PAAqKQU9iW5wUFpr/fAaL5zJhVceQIDAQABo30wezAd\n"
    "BgNVHQ4EFgQU0rj13VU6/PBxHphHCSZ4cM9ud7gwHwYDVR0jBBgwFoAU0rj13VU6\n"
    "/PBxHphHCSZ4cM9ud7gwDwYDVR0TAQH/BAUwAwEB/zAoBgNVHREEITAfghdjcnlw\n"
    "dG8tdGVzdC5jbWdlbXUudGVzdIcEfwAAATANBgkqhkiG9w0BAQsFAAOCAQEASzck\n"
    "rTNAfUH2cg0DHslJG2S2TuTH8uq8jh7f12i6txW1BjnXAqYjxwFLQ5JFeF1jolxc\n"
    "AkaFAvFd0AaVmNU3cYUH2M2w/UwF7/3fPJvOzUQj4LhWPTMG6saEK29+R78uJTpA\n"
    "mPQthhEzLvC89H2k25cilAXQoFCEIZaiUV5cU/FWhaTXSE2I22Wr3C8SSEHfz2XB\n"
    "S3zz9sF8dAl/3oFTxoAzpZMm8RX5k1d0H7JjNyllbC5437uHrQz9KkLBgqSgLEWM\n"
    "E+9HoivYU8LIB6KV69aBFF6onEcGqpneqroM/7yQek4EVPf4vi7Rxsns1tIvxS2l\n"
    "IisjxiKUBJVTloC6xw==\n"
    "-----END CERTIFICATE-----\n";

inline const std::string kThumbprint = "DF738162B6F64DC00153CB26307F7471D4593EAE";
inline const std::string kX5t = "33OBYrb2TcABU8smMH90cdRZPq4";
inline const std::string kSigningInput = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjbWdlbXUifQ";
inline const std::string kSignatureB64 =
    "JOKwG6ODcaswvZNRbwIUTU8/IshwoeVXLl/pRzsVZgJSVxKlwHXzurZBNuDMXRFWGbbzG5D0hrQEZpje"
    "59jOTHKvWQ38E1XU8ytky9QDffz3LJ/TOkuaf5unLzarIZhgkHdCj0nsGCke+C+fNEJsMVo9gtu6a7Pd"
    "PtNjmEKdj6a/wMG8PoS8X40cRVSF7unz+YeWZJaSv70tOEBEu88hQreQF3Av50+8nZhoVbH2SAanJTXg"
    "eGITQ7WeS9VT/J1Mw9CkjEQ9i9T05lYjsgd8/JJNPwJZ6kNZbMibyZ8tWv4nVC7oWLHhFa9Ntwv35Yc8"
    "rjn8LVsIupkh0Ci/kdgGmA==";

}  // namespace emu::crypto::testing

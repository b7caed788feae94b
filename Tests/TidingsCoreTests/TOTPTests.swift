import Foundation
import Testing
import TidingsCore

/// RFC 6238 codes, base32 secrets and the sealing of stored secrets.
@Suite struct TOTPTests {
    @Test(
        "the RFC 6238 test vectors (SHA-1, eight digits)",
        arguments: [
            (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"), (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
        ] as [(Int64, String)])
    func vectors(time: Int64, expected: String) {
        let secret = Array("12345678901234567890".utf8)
        #expect(TOTP.code(secret: secret, step: time / 30, digits: 8) == expected)
        #expect(TOTP.code(secret: secret, step: time / 30) == String(expected.suffix(6)))
    }

    @Test("a code matches its step and the neighbours, nothing else")
    func matching() {
        let secret = TOTP.generateSecret()
        let now = Date(timeIntervalSince1970: 1_800_000_015)
        let step = TOTP.step(at: now)
        for offset in Int64(-1)...1 {
            #expect(
                TOTP.matchingStep(TOTP.code(secret: secret, step: step + offset), secret: secret, at: now) == step
                    + offset)
        }
        #expect(TOTP.matchingStep(TOTP.code(secret: secret, step: step + 2), secret: secret, at: now) == nil)
        let spaced = TOTP.code(secret: secret, step: step)
        #expect(TOTP.matchingStep(spaced.prefix(3) + " " + spaced.dropFirst(3), secret: secret, at: now) == step)
        for bad in ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦"] {
            #expect(TOTP.matchingStep(bad, secret: secret, at: now) == nil, "\(bad)")
        }
        #expect(
            TOTP.provisioningURL(secret: secret, account: "a b@x.org", issuer: "Tidings").hasPrefix(
                "otpauth://totp/Tidings:a%20b@x.org?secret=\(Base32.encode(secret))&issuer=Tidings"))
    }

    @Test("base32 round-trips and refuses other alphabets")
    func base32() {
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Base32.decode("mzxw6ytboi======") == Array("foobar".utf8))
        for _ in 0..<100 {
            let bytes = TOTP.generateSecret()
            #expect(Base32.decode(Base32.encode(bytes)) == bytes)
        }
        #expect(Base32.decode("MZXW1") == nil)
        #expect(Base32.decode("MZXW!") == nil)
    }

    @Test("sealed secrets open only with the same key and purpose, and not once tampered with")
    func sealing() throws {
        let key = Array(repeating: UInt8(9), count: 32)
        let box = SecretBox(serverKey: key, purpose: "totp")
        let sealed = try box.seal([1, 2, 3])
        #expect(box.open(sealed) == [1, 2, 3])
        #expect(try box.seal([1, 2, 3]) != sealed, "a fresh nonce each time")
        #expect(SecretBox(serverKey: key, purpose: "other").open(sealed) == nil)
        #expect(SecretBox(serverKey: Array(repeating: 8, count: 32), purpose: "totp").open(sealed) == nil)
        var bytes = Array(Data(base64Encoded: sealed)!)
        bytes[bytes.count - 1] ^= 1
        #expect(box.open(Data(bytes).base64EncodedString()) == nil)
        #expect(box.open("not base64") == nil)
    }
}

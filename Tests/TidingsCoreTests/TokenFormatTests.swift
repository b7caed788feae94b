import Crypto
import Foundation
import Testing
import TidingsCore

@Suite struct TokenFormatTests {
    let format = try! TokenFormat(prefix: "tdg_")

    @Test("a generated token parses back to its key id and matches the published expression")
    func roundTrip() throws {
        for _ in 0..<200 {
            let issued = format.generate()
            #expect(issued.token.count == 4 + TokenFormat.bodyLength)
            #expect(try format.parse(issued.token) == issued.keyID)
            #expect(issued.token.range(of: format.regularExpression, options: .regularExpression) != nil)
        }
    }

    @Test("rotation keeps the key id and changes the secret")
    func rotation() throws {
        let first = format.generate()
        let second = format.generate(keyID: first.keyID)
        #expect(second.keyID == first.keyID)
        #expect(second.token != first.token)
        #expect(try format.parse(second.token) == first.keyID)
    }

    @Test("every single-character change is caught by the checksum or the alphabet")
    func typos() {
        let token = Array(format.generate().token)
        for index in 4..<token.count {
            var changed = token
            changed[index] = changed[index] == "x" ? "y" : "x"
            if (try? format.parse(String(changed))) != nil { Issue.record("a typo at \(index) was accepted") }
        }
    }

    @Test("truncated, extended, foreign-prefix and non-base62 tokens are refused with the reason")
    func malformed() {
        let token = format.generate().token
        func reason(_ text: String) -> String {
            do {
                _ = try format.parse(text)
                return "accepted"
            } catch {
                guard case .credentialsMalformed(let why) = error else { return "\(error)" }
                return why
            }
        }
        #expect(reason(String(token.dropLast())).contains("truncated"))
        #expect(reason(token + "a").contains("truncated or extended"))
        #expect(reason("ghp_" + token.dropFirst(4)).contains("does not start with"))
        #expect(reason(String(token.dropLast(6)) + "!!!!!!").contains("outside"))
    }

    @Test("prefixes: letters and digits ending in _, starting with a letter")
    func prefixes() {
        #expect(TokenFormat.isValidPrefix("tdg_"))
        #expect(TokenFormat.isValidPrefix("acme2_"))
        for bad in ["", "_", "tdg", "Tdg_", "1dg_", "t-g_", "abcdefghijklmnopq_"] {
            #expect(!TokenFormat.isValidPrefix(bad), "\(bad)")
        }
        #expect(throws: TidingsError.self) { try TokenFormat(prefix: "bad") }
    }

    @Test("random base62 draws every character of the alphabet")
    func alphabet() {
        let sample = Set(Base62.random(count: 20_000))
        #expect(sample.count == 62)
    }

    @Test("CRC-32 matches the standard check value")
    func crc() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test("the keyed hash is standard HMAC-SHA-256, for short and long keys and secrets")
    func standardHMAC() {
        for keyLength in [1, 32, 64, 65, 200] {
            let key = (0..<keyLength).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            for secret in ["", "secret", String(repeating: "é", count: 300)] {
                let expected = HMAC<SHA256>.authenticationCode(for: Array(secret.utf8), using: SymmetricKey(data: key))
                let hex = expected.map { String(format: "%02x", $0) }.joined()
                let hasher = SecretHasher(key: key)
                #expect(hasher.hash(secret) == hex)
                #expect(hasher.hash("other") != hex || secret == "other")
                #expect(hasher.hash(secret) == hex, "the keyed states must not change between calls")
            }
        }
    }

    @Test("keyed hashes depend on the key and compare in constant time")
    func hashing() {
        let one = SecretHasher(key: Array(repeating: 1, count: 32))
        let two = SecretHasher(key: Array(repeating: 2, count: 32))
        #expect(one.hash("secret") != two.hash("secret"))
        #expect(one.hash("secret").count == 64)
        #expect(one.matches("secret", storedHash: one.hash("secret")))
        #expect(!one.matches("secret", storedHash: two.hash("secret")))
        #expect(!constantTimeEquals([1, 2], [1, 2, 3]))
    }

    @Test("a stored hash is decoded once into a digest that round-trips and compares only equal digests")
    func digests() throws {
        let hasher = SecretHasher(key: Array(repeating: 7, count: 32))
        let hex = hasher.hash("secret")
        let stored = try #require(SecretDigest(hex: hex))
        #expect(stored.hex == hex)
        #expect(SecretDigest(hex: hex.uppercased())?.hex == hex)
        #expect(hasher.matches("secret", digest: stored))
        #expect(!hasher.matches("secret ", digest: stored))
        #expect(!hasher.matches("", digest: stored))
        // Every single-bit difference in any of the 32 bytes is noticed.
        var bytes = Array(hex.utf8)
        for position in bytes.indices {
            let original = bytes[position]
            bytes[position] = original == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
            let changed = try #require(SecretDigest(hex: String(decoding: bytes, as: UTF8.self)))
            #expect(!changed.constantTimeEquals(stored))
            bytes[position] = original
        }
        for malformed in ["", String(hex.dropLast()), hex + "0", String(hex.dropLast()) + "g", hex + "00"] {
            #expect(SecretDigest(hex: malformed) == nil, "\(malformed)")
        }
        #expect(!hasher.matches("secret", storedHash: "not hex"))
    }
}

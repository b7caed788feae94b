import Foundation
import Testing
import TidingsCore

@Suite struct PresentedCredentialTests {
    /// The parse as a `Result`, so that expectations can match on the failure.
    static func parse(_ header: String) -> Result<PresentedCredential, AuthFailure>? {
        do {
            return try PresentedCredential.parse(authorization: header).map { .success($0) }
        } catch {
            return .failure(error)
        }
    }

    @Test("the three forms parse")
    func forms() throws {
        let basic = "Basic " + Data("shop:tdg_x:y".utf8).base64EncodedString()
        #expect(try Self.parse(basic)?.get() == .basic(username: "shop", secret: "tdg_x:y"))
        #expect(try Self.parse("token shop:abc")?.get() == .tokenScheme(username: "shop", secret: "abc"))
        #expect(try Self.parse("  Bearer   abc  ")?.get() == .bearer(secret: "abc"))
        #expect(try Self.parse("bearer abc")?.get() == .bearer(secret: "abc"))
        let unpadded = "Basic " + Data("ab:c".utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
        #expect(try Self.parse(unpadded)?.get() == .basic(username: "ab", secret: "c"))
    }

    @Test("Basic decoding agrees with Foundation's base64 for any username and secret")
    func base64() throws {
        for length in 0..<60 {
            let secret = String((0..<length).map { _ in "aé🔑:x/+=".randomElement()! })
            let header = "Basic " + Data("user:\(secret)x".utf8).base64EncodedString()
            #expect(try Self.parse(header)?.get() == .basic(username: "user", secret: secret + "x"))
        }
        for bad in [
            "Basic a", "Basic ab=c", "Basic ====", "Basic YW*6Yw==",
            "Basic " + Data([0xFF, 0x3A, 0x41]).base64EncodedString(),
        ] {
            guard case .failure(.credentialsMalformed(let why))? = Self.parse(bad) else {
                Issue.record("accepted \(bad)")
                continue
            }
            #expect(why.contains("Base64"), "\(bad): \(why)")
        }
    }

    @Test("an empty header counts as absent")
    func empty() {
        #expect(Self.parse("") == nil)
        #expect(Self.parse("   ") == nil)
    }

    @Test("a huge header is refused without being parsed")
    func huge() {
        let header = "Basic " + String(repeating: "A", count: 100_000)
        guard case .failure(.credentialsMalformed(let why)) = Self.parse(header) else {
            Issue.record("accepted")
            return
        }
        #expect(why.contains("longer than"))
    }

    @Test("random bytes, unicode and many colons never crash and never yield empty parts")
    func fuzz() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["Basic ", "token ", "Bearer ", ":", "::", "é", "🔑", " ", "=", "\u{0}", "tdg_", "YWI6Yw=="]
        for _ in 0..<20_000 {
            var header = ""
            for _ in 0..<Int.random(in: 0...12, using: &generator) {
                if Bool.random(using: &generator) {
                    header += pieces.randomElement(using: &generator)!
                } else {
                    let scalar = Unicode.Scalar(UInt32.random(in: 0x20...0x2FF, using: &generator)) ?? "x"
                    header.unicodeScalars.append(scalar)
                }
            }
            switch Self.parse(header) {
            case .success(let credential)?:
                #expect(!credential.secret.isEmpty)
                if let username = credential.username { #expect(!username.isEmpty) }
            case .failure(let failure)?:
                guard case .credentialsMalformed = failure else {
                    Issue.record("unexpected failure \(failure) for \(header)")
                    continue
                }
            case nil:
                #expect(header.trimmingCharacters(in: .whitespaces).isEmpty)
            }
        }
    }
}

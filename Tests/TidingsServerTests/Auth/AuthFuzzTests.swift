import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsServer
import TidingsTestSupport

/// The whole authentication path under random input: whatever arrives in
/// `Authorization` (random bytes, unicode, many colons, near-miss tokens, huge values), the API
/// answers a 4xx JSON error and never a 5xx, and a real token still works afterwards.
@Suite struct AuthFuzzTests {
    /// A deterministic generator, so that a failure can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// One random header value built from pieces a client might get wrong.
    static func header(_ generator: inout SplitMix, token: String, username: String) -> String {
        let schemes = ["Basic ", "basic ", "Bearer ", "token ", "Token ", "Digest ", "", " ", "Basic  "]
        let near: [String] = [
            token, String(token.dropLast()), token + "x", String(token.reversed()), token.uppercased(),
            "tdg_" + String(repeating: "A", count: 46), String(token.prefix(20)), "\(username):\(token)",
            "\(username)::\(token)", ":\(token)", "\(username):", "é:ü", "🔑:🗝️", String(repeating: ":", count: 40),
        ]
        var value = schemes.randomElement(using: &generator)!
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            switch Int.random(in: 0..<4, using: &generator) {
            case 0: value += near.randomElement(using: &generator)!
            case 1: value += Data("\(username):\(near.randomElement(using: &generator)!)".utf8).base64EncodedString()
            case 2:
                let scalars = (0..<Int.random(in: 1...30, using: &generator)).compactMap { _ in
                    Unicode.Scalar(UInt32.random(in: 0x20...0x2FFF, using: &generator))
                }
                value += String(String.UnicodeScalarView(scalars))
            default:
                value += String(repeating: "A", count: Int.random(in: 0...5_000, using: &generator))
            }
        }
        return value
    }

    @Test("2,000 random Authorization headers: always a 4xx JSON error, never a 5xx", arguments: TestBackend.enabled)
    func randomHeaders(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let (shop, token) = try await app.makeAPIUser("shop")
            var generator = SplitMix(state: 20_261_126)
            var statuses: [Int: Int] = [:]
            for _ in 0..<2_000 {
                let value = Self.header(&generator, token: token, username: shop.username)
                let headers: HTTPFields = [.authorization: value]
                let response = try await app.request(.get, "/api/lists", headers: headers)
                statuses[Int(response.status.code), default: 0] += 1
                #expect(response.status.code < 500, "\(response.status) for \(value.prefix(80))")
                if response.status.code >= 400 {
                    #expect(response.code != nil, "no JSON error for \(value.prefix(80)): \(response.body.prefix(200))")
                }
            }
            #expect(statuses.keys.allSatisfy { [200, 400, 401, 403, 429].contains($0) }, "\(statuses)")
            #expect(try await app.request(.get, "/api/lists", headers: .bearer(token)).status == .ok)
        }
    }
}

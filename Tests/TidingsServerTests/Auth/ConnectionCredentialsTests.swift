import Foundation
import HTTPTypes
import NIOCore
import NIOEmbedded
import Testing
import TidingsCore
import TidingsTestSupport

@testable import TidingsServer

/// A keep-alive connection that sends the same token again is not parsed and hashed again, and
/// every request still answers for its own header and for the token's state now.
@Suite struct ConnectionCredentialsTests {
    @Test(
        "one connection, several tokens: each header speaks for itself, and a revocation counts at once",
        arguments: TestBackend.enabled)
    func oneConnection(backend: TestBackend) async throws {
        // `.live`: a real TCP connection, kept alive across the requests of the test.
        try await TestApp.run(backend, setup: .live) { app in
            let (shop, shopToken) = try await app.makeAPIUser("shop")
            let (_, otherToken) = try await app.makeAPIUser("other")
            func who(_ headers: HTTPFields) async throws -> TestResult {
                try await app.request(.get, "/api/profile", headers: headers)
            }
            #expect(try await who(.basic("shop", shopToken)).dataObject["username"] as? String == "shop")
            #expect(app.services.connectionCredentials.count == 1)
            for _ in 0..<3 {
                #expect(try await who(.basic("shop", shopToken)).dataObject["username"] as? String == "shop")
                #expect(try await who(.bearer(otherToken)).dataObject["username"] as? String == "other")
                // The same token in another header form is another header: verified in full.
                #expect(try await who(.tokenScheme("shop", shopToken)).dataObject["username"] as? String == "shop")
            }
            // A wrong secret after a right one, and the right one's user under another name.
            let keyID = try app.services.tokenFormat.parse(shopToken)
            let wrong = app.services.tokenFormat.generate(keyID: keyID).token
            #expect(try await who(.basic("shop", shopToken)).status == .ok)
            #expect(try await who(.basic("shop", wrong)).code == "invalid_credentials")
            #expect(try await who(.basic("other", shopToken)).code == "invalid_credentials")
            #expect(try await who(.basic("shop", shopToken)).status == .ok)
            // The remembered header with a second one, of any kind: refused, never taken as verified.
            for second in ["Basic junk", HTTPFields.basic("shop", shopToken)[.authorization]!] {
                var twice = HTTPFields.basic("shop", shopToken)
                twice.append(HTTPField(name: .authorization, value: second))
                #expect(try await who(twice).code == "credentials_ambiguous")
            }
            #expect(try await who(.basic("shop", shopToken)).status == .ok)
            // Revoked while the connection remembers it: refused on the very next request.
            _ = try await app.services.tokens.revoke(keyID, of: shop.id, by: nil)
            let revoked = try await who(.basic("shop", shopToken))
            #expect(revoked.status == .unauthorized)
            #expect(revoked.code == "token_revoked")
            #expect(app.services.connectionCredentials.count == 1)
        }
    }

    @Test("a connection's last success or failure is kept until it closes")
    func forgetsClosedConnections() async throws {
        try await TestApp.run(.sqlite) { app in
            let (_, token) = try await app.makeAPIUser("shop")
            let verified = try await app.services.verifier.verify(.bearer(secret: token))
            let credentials = ConnectionCredentials()
            let channel = EmbeddedChannel()
            let header = "Bearer \(token)"
            credentials.remember(header: header, verified: verified, on: channel)
            #expect(credentials.earlier(header: header, on: channel)?.entry.token.keyID == verified.entry.token.keyID)
            #expect(credentials.earlier(header: header + "x", on: channel) == nil)
            #expect(credentials.earlier(header: "Bearer x", on: channel) == nil)
            #expect(credentials.earlier(header: header, on: EmbeddedChannel()) == nil)
            #expect(credentials.count == 1)
            // A counted failure replaces the success, whatever the next header; a success, the failure.
            credentials.rememberFailure(on: channel)
            #expect(credentials.earlier(header: header, on: channel) == nil)
            guard case .failed = credentials.recall(header: header, on: channel) else {
                Issue.record("a failure is remembered")
                return
            }
            guard case .failed = credentials.recall(header: nil, on: channel) else {
                Issue.record("a failure is remembered for a request without a header too")
                return
            }
            credentials.remember(header: header, verified: verified, on: channel)
            #expect(credentials.earlier(header: header, on: channel) != nil)
            #expect(credentials.count == 1)
            try await channel.close()
            channel.embeddedEventLoop.run()  // the close callbacks
            #expect(credentials.count == 0)
            #expect(credentials.earlier(header: header, on: channel) == nil)
        }
    }
}

extension ConnectionCredentials {
    /// What `header` verified as when `channel` last sent it, if `channel` sends the same bytes.
    fileprivate func earlier(header: String, on channel: any Channel) -> Verified? {
        guard case .verified(let verified) = recall(header: header, on: channel) else { return nil }
        return verified
    }
}

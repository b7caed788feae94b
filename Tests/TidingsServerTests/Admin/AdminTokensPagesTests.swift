import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsTestSupport

@testable import TidingsServer

/// The tokens pages: a user's tokens, created, rotated and revoked from the browser.
@Suite struct AdminTokensPagesTests {
    @Test(
        "tokens: create with scopes and networks, rotate with grace, revoke; bad input re-renders the form",
        arguments: TestBackend.enabled)
    func tokens(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice")
            let (shop, first) = try await app.makeAPIUser("shop")
            let browser = try await AdminBrowser.signIn(app, as: "alice")
            let path = "/admin/users/\(shop.id.rawValue)/tokens"

            let bad = try await browser.post(path, [("name", "ci"), ("cidrs", "not-a-network")])
            #expect(bad.status == .badRequest)
            #expect(bad.body.contains("role=\"alert\""))
            #expect(bad.body.contains(">not-a-network</textarea>"))
            let tooLong = try await browser.post(path, [("name", "ci"), ("expires_days", "99999")])
            #expect(tooLong.status == .badRequest)

            let news = try await app.makeList("News")
            let created = try await browser.post(
                path,
                [
                    ("name", "ci"), ("expires_days", "7"), ("cidrs", "10.0.0.0/8\r\n2001:db8::/32"),
                    ("scopes", "lists:get_all"), ("token_lists", "\(news.id.rawValue)"),
                ])
            #expect(created.status == .ok)
            let secret = try #require(AdminBrowser.tokenSecret(in: created.body))
            let token = try #require(
                try await app.services.tokens.tokens(of: shop.id, by: nil).first { $0.name == "ci" })
            #expect(token.scopes == [.listsGetAll])
            #expect(token.allowedCIDRs == ["10.0.0.0/8", "2001:db8::/32"])
            #expect(token.lists == [news.id])
            #expect(abs((token.expiresAt ?? .distantPast).timeIntervalSinceNow - 7 * 86_400) < 120)
            #expect(secret.hasPrefix("tdg_"))
            let listed = try await browser.get(path)
            #expect(!listed.body.contains(secret) && !listed.body.contains(first))
            #expect(listed.body.contains("expires soon"))  // 7 days is inside the warning window

            let rotated = try await browser.post("\(path)/\(token.keyID)/rotate", [("grace_seconds", "3600")])
            #expect(rotated.status == .ok)
            #expect(rotated.body.contains("previous secret keeps working"))
            let badGrace = try await browser.post("\(path)/\(token.keyID)/rotate", [("grace_seconds", "99999999")])
            #expect(badGrace.status == .badRequest)
            let unknown = try await browser.post("\(path)/\(String(repeating: "A", count: 20))/rotate", [])
            #expect(unknown.status == .notFound)

            let revoked = try await browser.post("\(path)/\(token.keyID)/revoke", [])
            #expect(revoked.status == .seeOther)
            #expect(try await app.services.tokens.token(token.keyID, of: shop.id).revokedAt != nil)
            let all = try await browser.post("\(path)/revoke-all", [])
            #expect(all.status == .seeOther)
            #expect(try await app.services.tokens.tokens(of: shop.id, by: nil).allSatisfy { $0.revokedAt != nil })
            let rotateRevoked = try await browser.post("\(path)/\(token.keyID)/rotate", [])
            #expect(rotateRevoked.status == .badRequest)

            // Not an API user, or no user at all: no tokens page.
            let alice = try #require(try await app.services.users.users().first { $0.username == "alice" })
            #expect(try await browser.get("/admin/users/\(alice.id.rawValue)/tokens").status == .notFound)
            #expect(try await browser.get("/admin/users/987654/tokens").status == .notFound)
            #expect(try await browser.get("/admin/users/abc/tokens").status == .notFound)

            // Each form action is in the audit log, without the secret.
            await app.services.audit.flush()
            let events = try await app.services.stores.audit.auditEvents(AuditQuery(action: "admin.")).items
            #expect(events.map(\.action).contains("admin.users.tokens.rotate"))
            #expect(events.allSatisfy { $0.actor.username == "alice" })
        }
    }
}

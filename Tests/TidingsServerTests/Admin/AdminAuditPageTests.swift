import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsTestSupport

@testable import TidingsServer

/// The audit log page.
@Suite struct AdminAuditPageTests {
    @Test("the audit log page filters by actor, action, outcome and day, and links the CSV export")
    func auditPage() async throws {
        try await TestApp.run(.sqlite) { app in
            try await app.makeLoginUser("alice")
            let (shop, _) = try await app.makeAPIUser("shop")
            let browser = try await AdminBrowser.signIn(app, as: "alice")
            #expect(
                try await browser.post("/admin/users/\(shop.id.rawValue)/tokens/revoke-all", []).status == .seeOther)
            _ = try await browser.post("/admin/users/new", [("type", "api"), ("username", "")])  // a failure

            let all = try await browser.get("/admin/audit")
            #expect(all.status == .ok)
            #expect(all.body.contains("admin.users.tokens.revoke-all"))
            let failures = try await browser.get("/admin/audit?outcome=failure&action=admin.")
            #expect(failures.body.contains("admin.users.new") && !failures.body.contains("revoke-all"))
            #expect(failures.body.contains("<option value=\"failure\" selected>"))
            #expect(failures.body.contains("href=\"/api/audit/export?action=admin.&amp;outcome=failure\""))
            let nobody = try await browser.get("/admin/audit?actor=nobody")
            #expect(nobody.body.contains("No events match."))
            let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
            let byDay = try await browser.get("/admin/audit?from=\(today)&to=\(today)&action=admin.")
            #expect(byDay.body.contains("revoke-all"))
            let future = try await browser.get("/admin/audit?from=2999-01-01")
            #expect(future.body.contains("No events match."))
            let bad = try await browser.get("/admin/audit?from=yesterday")
            #expect(bad.status == .badRequest && bad.body.contains("must be a date"))
        }
    }
}

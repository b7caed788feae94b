import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsTestSupport

@testable import TidingsServer

/// The subscriber import page.
@Suite struct AdminImportPageTests {
    @Test(
        "import page: upload with the form's fields and CSRF token, progress and log, one import at a time",
        arguments: TestBackend.enabled)
    func importPage(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice")
            let list = try await app.makeList("News")
            let browser = try await AdminBrowser.signIn(app, as: "alice")
            let csv = Array("email,name\nana@example.com,Ana\nnot-an-email,Bad\n".utf8)
            func upload(
                _ fields: [(String, String)], origin: String = "http://127.0.0.1:9000"
            ) async throws -> TestResult {
                let (contentType, body) = ImportTests.upload(fields: fields, file: ("people.csv", csv))
                var headers: HTTPFields = [.cookie: browser.cookie, .origin: origin]
                for field in contentType { headers.append(field) }
                return try await app.request(.post, "/admin/subscribers/import", headers: headers, bytes: body)
            }
            let form = try await browser.get("/admin/subscribers/import")
            #expect(
                form.body.contains("enctype=\"multipart/form-data\"")
                    && form.body.contains("value=\"\(list.id.rawValue)\""))

            let fields = [
                ("mode", "subscribe"), ("lists", "\(list.id.rawValue)"), ("subscription_status", "confirmed"),
                ("delim", ","),
            ]
            let forged = try await upload(fields)  // no _csrf
            #expect(forged.status == .badRequest && forged.body.contains("This form has expired"))
            let crossSite = try await upload([("_csrf", browser.csrf)] + fields, origin: "https://evil.example")
            #expect(crossSite.status == .forbidden)
            let noLists = try await upload([("_csrf", browser.csrf), ("mode", "subscribe"), ("delim", ",")])
            #expect(noLists.status == .badRequest && noLists.body.contains("Permission denied: lists"))
            #expect(try await app.services.stores.subscribers.subscribers(SubscriberQuery()).total == 0)

            let started = try await upload([("_csrf", browser.csrf)] + fields)
            #expect(started.status == .seeOther)
            await app.services.importer.waitUntilDone()
            let done = try await browser.get("/admin/subscribers/import")
            #expect(done.body.contains(">finished<") && done.body.contains("skipping line 3"))
            let imported = try await app.services.stores.subscribers.subscribers(SubscriberQuery()).items
            #expect(imported.map(\.email) == ["ana@example.com"])
            #expect(imported.first?.subscriptions.map(\.status) == [.confirmed])
        }
    }
}

import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsTestSupport

@testable import TidingsServer

/// The subscribers pages.
@Suite struct AdminSubscribersPagesTests {
    @Test(
        "subscribers: create and edit with JSON attributes, search, SQL box by permission, blocklist, delete",
        arguments: TestBackend.enabled)
    func subscribers(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice")
            let news = try await app.makeList("News")
            let secret = try await app.makeList("Secret")
            let admin = try await AdminBrowser.signIn(app, as: "alice")
            let badJSON = try await admin.post(
                "/admin/subscribers/new",
                [("email", "a@example.com"), ("attribs", "{\"city\": "), ("lists", "\(news.id.rawValue)")])
            #expect(badJSON.status == .badRequest && badJSON.body.contains("id=\"attribs-error\""))
            #expect(badJSON.body.contains("{&quot;city&quot;:</textarea>"))  // kept (trimmed), escaped
            let array = try await admin.post(
                "/admin/subscribers/new", [("email", "a@example.com"), ("attribs", "[1]")])
            #expect(array.status == .badRequest && array.body.contains("id=\"attribs-error\""))
            let badEmail = try await admin.post("/admin/subscribers/new", [("email", "nope"), ("attribs", "{}")])
            #expect(badEmail.status == .badRequest && badEmail.body.contains("id=\"email-error\""))
            #expect(try await app.services.stores.subscribers.subscribers(SubscriberQuery()).total == 0)

            let created = try await admin.post(
                "/admin/subscribers/new",
                [
                    ("email", "Reader@Example.com"), ("name", ""), ("attribs", "{\"city\": \"Bengaluru\", \"n\": 1}"),
                    ("lists", "\(news.id.rawValue)"), ("preconfirm", "true"),
                ])
            #expect(created.status == .seeOther)
            let reader = try #require(
                try await app.services.stores.subscribers.subscribers(SubscriberQuery()).items.first)
            #expect(reader.email == "reader@example.com" && reader.attributes["city"] == .string("Bengaluru"))
            #expect(reader.subscriptions.map(\.status) == [.confirmed])
            let duplicate = try await admin.post(
                "/admin/subscribers/new", [("email", "READER@example.com"), ("attribs", "{}")])
            #expect(duplicate.status == .badRequest && duplicate.body.contains("E-mail already exists."))
            _ = try await app.services.subscribers.create(
                SubscriberInput(email: "hidden@example.com"), lists: [secret.id], preconfirm: true,
                for: try await app.services.sessions.principal(forSessionID: try await app.sessionID("alice")))

            let page = try await admin.get("/admin/subscribers?search=reader")
            #expect(page.body.contains("reader@example.com") && !page.body.contains("hidden@example.com"))
            // The export link carries the same filters and works with the session.
            #expect(page.body.contains("href=\"/api/subscribers/export?search=reader\""))
            let export = try await admin.get("/api/subscribers/export?search=reader")
            #expect(export.status == .ok && export.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(export.body.contains("reader@example.com") && !export.body.contains("hidden@example.com"))
            #expect(page.body.contains("id=\"query\""))
            let sql = try await admin.get(
                "/admin/subscribers?query=" + "subscribers.attribs->>'city' = 'Bengaluru'".addingPercentEncoding(
                    withAllowedCharacters: .alphanumerics)!)
            #expect(sql.status == .ok && sql.body.contains("1 subscriber(s)"))
            let refused = try await admin.get(
                "/admin/subscribers?query=" + "1=1; DELETE FROM users".addingPercentEncoding(
                    withAllowedCharacters: .alphanumerics)!)
            #expect(refused.status == .badRequest && refused.body.contains("role=\"alert\""))

            // Edit: attributes replaced, lists replaced.
            let edit = try await admin.get("/admin/subscribers/\(reader.id.rawValue)/edit")
            #expect(edit.body.contains("Bengaluru") && edit.body.contains("value=\"\(news.id.rawValue)\" checked"))
            let saved = try await admin.post(
                "/admin/subscribers/\(reader.id.rawValue)/edit",
                [
                    ("email", "reader@example.com"), ("name", "Rea Der"), ("status", "enabled"),
                    ("attribs", "{\"city\": \"Pune\"}"), ("lists", "\(secret.id.rawValue)"),
                ])
            #expect(saved.status == .seeOther)
            let edited = try #require(try await app.services.stores.subscribers.subscriber(id: reader.id))
            #expect(edited.name == "Rea Der" && edited.attributes == ["city": .string("Pune")])
            #expect(edited.subscriptions.map(\.list.id) == [secret.id])

            // A reader without sql_query or manage: no SQL box, no forms, and the query is refused.
            let readers = try await app.services.roles.createUserRole(
                name: "Readers", permissions: ["subscribers:get_all"], by: nil)
            try await app.makeLoginUser("reader2", role: readers.id)
            let plain = try await AdminBrowser.signIn(app, as: "reader2")
            let view = try await plain.get("/admin/subscribers")
            #expect(view.status == .ok && !view.body.contains("id=\"query\"") && !view.body.contains("/blocklist"))
            let sneaky = try await plain.get("/admin/subscribers?query=1%3D1")
            #expect(sneaky.status == .badRequest && sneaky.body.contains("subscribers:sql_query"))

            #expect(try await admin.post("/admin/subscribers/\(reader.id.rawValue)/blocklist", []).status == .seeOther)
            #expect(try await app.services.stores.subscribers.subscriber(id: reader.id)?.status == .blocklisted)
            #expect(
                try await admin.get("/admin/subscribers/\(reader.id.rawValue)/delete").body.contains(
                    "Delete reader@example.com?"))
            #expect(try await admin.post("/admin/subscribers/\(reader.id.rawValue)/delete", []).status == .seeOther)
            #expect(try await app.services.stores.subscribers.subscriber(id: reader.id) == nil)
        }
    }
}

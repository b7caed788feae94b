import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsMail
import TidingsServer
import TidingsTestSupport

/// Double opt-in (`POST /api/subscribers/{id}/optin` and the public
/// `/subscription/optin/…`): the mail goes out over real SMTP and its link confirms.
@Suite struct OptinMailTests {
    static func smtp(_ server: SMTPTestServer) -> @Sendable (inout TidingsConfiguration) -> Void {
        { configuration in
            var settings = SMTPSettings(host: "127.0.0.1")
            settings.port = server.port
            settings.security = .none
            configuration.smtp = settings
            configuration.fromEmail = "Tidings Newsletter <news@example.com>"
            configuration.rootURL = "https://news.example.com/"
        }
    }

    /// The confirmation link in a received opt-in mail, as a path with its query.
    static func link(in mail: SMTPTestServer.Mail) throws -> String {
        let line = try #require(
            mail.textBody.split(separator: "\n").first { $0.hasPrefix("https://news.example.com/subscription/optin/") })
        return String(line.dropFirst("https://news.example.com".count))
    }

    @Test(
        "creating a subscriber on a double opt-in list mails the link; re-sending mails it again; the link confirms only after the button",
        arguments: TestBackend.enabled)
    func optinRoundTrip(backend: TestBackend) async throws {
        let smtp = try await SMTPTestServer.start()
        defer { Task { try? await smtp.stop() } }
        try await TestApp.run(backend, configure: Self.smtp(smtp)) { app in
            let admin = try await app.adminHeaders()
            let double = try await app.makeList("Weekly — Ünïcode", optin: .double)
            let single = try await app.makeList("Single", optin: .single)
            let created = try await app.request(
                .post, "/api/subscribers", headers: admin,
                json: [
                    "email": "Reader@Example.com", "name": "Rea Der",
                    "lists": [double.id.rawValue, single.id.rawValue],
                ])
            #expect(created.status == .ok)
            let id = try #require(created.dataObject["id"] as? Int)
            let uuid = try #require(created.dataObject["uuid"] as? String)

            let first = try await smtp.waitForMessages(1)[0]
            #expect(first.sender == "news@example.com")
            #expect(first.recipients == ["reader@example.com"])
            #expect(first.header("From") == "\"Tidings Newsletter\" <news@example.com>")
            #expect(first.header("Subject") == "Confirm your subscription")
            #expect(first.header("Content-Transfer-Encoding") == "quoted-printable")
            #expect(first.textBody.contains("Hello Rea Der"))
            #expect(first.textBody.contains("Weekly — Ünïcode"))
            #expect(!first.textBody.contains("Single"))
            let link = try Self.link(in: first)
            #expect(link == "/subscription/optin/\(uuid)?l=\(double.uuid.uuidString.lowercased())")

            let resent = try await app.request(.post, "/api/subscribers/\(id)/optin", headers: admin)
            #expect(resent.status == .ok)
            #expect(resent.data as? Bool == true)
            #expect(try await smtp.waitForMessages(2)[1].textBody == first.textBody)

            // Following the link (as a mail scanner would) shows the question and changes nothing.
            let page = try await app.request(.get, link)
            #expect(page.status == .ok)
            #expect(page.body.contains("Confirm your subscription"))
            #expect(page.body.contains("Weekly — Ünïcode"))
            #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            #expect(page.headers[HTTPField.Name("X-Robots-Tag")!] == "noindex")
            #expect(try await status(of: id, on: double.id, app) == .unconfirmed)

            // The button confirms the double opt-in list and leaves the single opt-in one alone.
            let confirmed = try await app.request(
                .post, "/subscription/optin/\(uuid)", headers: [.contentType: "application/x-www-form-urlencoded"],
                body: "confirm=true&l=\(double.uuid.uuidString.lowercased())")
            #expect(confirmed.status == .ok)
            #expect(confirmed.body.contains("Subscription confirmed"))
            #expect(try await status(of: id, on: double.id, app) == .confirmed)
            #expect(try await status(of: id, on: single.id, app) == .unconfirmed)
            #expect(try await app.services.stores.lists.list(id: double.id)?.subscriberStatuses == ["confirmed": 1])

            // Now there is nothing to confirm: the route still answers true and sends nothing.
            let again = try await app.request(.post, "/api/subscribers/\(id)/optin", headers: admin)
            #expect(again.data as? Bool == true)
            let used = try await app.request(.get, link)
            #expect(used.body.contains("Nothing to confirm"))
            // A marker mail proves that nothing was queued before it.
            let other = try await app.request(
                .post, "/api/subscribers", headers: admin,
                json: ["email": "marker@example.com", "lists": [double.id.rawValue]])
            #expect(other.status == .ok)
            let all = try await smtp.waitForMessages(3)
            #expect(all.count == 3)
            #expect(all[2].recipients == ["marker@example.com"])
        }
    }

    func status(of id: Int, on list: ListID, _ app: TestApp) async throws -> SubscriptionStatus? {
        try await app.services.stores.subscribers.subscriber(id: SubscriberID(id))?.subscriptions
            .first { $0.list.id == list }?.status
    }

    @Test(
        "no mail for preconfirmed, single opt-in or blocklisted subscribers; GET with confirm=true confirms",
        arguments: TestBackend.enabled)
    func whoGetsMail(backend: TestBackend) async throws {
        let smtp = try await SMTPTestServer.start()
        defer { Task { try? await smtp.stop() } }
        try await TestApp.run(backend, configure: Self.smtp(smtp)) { app in
            let admin = try await app.adminHeaders()
            let double = try await app.makeList("Double", optin: .double)
            let single = try await app.makeList("Single")
            for body: [String: Any] in [
                ["email": "pre@example.com", "lists": [double.id.rawValue], "preconfirm_subscriptions": true],
                ["email": "single@example.com", "lists": [single.id.rawValue]],
                ["email": "blocked@example.com", "lists": [double.id.rawValue], "status": "blocklisted"],
            ] {
                #expect(try await app.request(.post, "/api/subscribers", headers: admin, json: body).status == .ok)
            }
            let wanted = try await app.request(
                .post, "/api/subscribers", headers: admin,
                json: ["email": "wanted@example.com", "lists": [double.id.rawValue]])
            let mails = try await smtp.waitForMessages(1)
            #expect(mails.count == 1)
            #expect(mails[0].recipients == ["wanted@example.com"])

            // The link confirms on GET when it says confirm=true (listmonk's form does this).
            let uuid = try #require(wanted.dataObject["uuid"] as? String)
            let id = try #require(wanted.dataObject["id"] as? Int)
            let confirmed = try await app.request(.get, "/subscription/optin/\(uuid)?confirm=true")
            #expect(confirmed.body.contains("Subscription confirmed"))
            #expect(try await status(of: id, on: double.id, app) == .confirmed)
        }
    }

    @Test("bad links are answered with a page, never a 500", arguments: TestBackend.enabled)
    func badLinks(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let unknown = UUID().uuidString.lowercased()
            for (path, status) in [
                ("/subscription/optin/not-a-uuid", HTTPResponse.Status.notFound),
                ("/subscription/optin/\(unknown)", .notFound),
                ("/subscription/optin/\(unknown)?confirm=true", .notFound),
                ("/subscription/optin/\(unknown)?l=%27%3B--", .badRequest),
            ] {
                let response = try await app.request(.get, path)
                #expect(response.status == status, "\(path)")
                #expect(response.body.contains("Link not valid"), "\(path)")
            }
            let nul = try await app.request(
                .post, "/subscription/optin/\(unknown)", headers: [.contentType: "application/x-www-form-urlencoded"],
                body: "confirm=true&l=%00")
            #expect(nul.status == .badRequest)
        }
    }

    @Test("the opt-in route checks its permission and the caller's lists", arguments: TestBackend.enabled)
    func permissions(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let mine = try await app.makeList("Mine", optin: .double)
            let theirs = try await app.makeList("Theirs", optin: .double)
            let subscriber = try await app.request(
                .post, "/api/subscribers", headers: admin,
                json: ["email": "s@example.com", "lists": [theirs.id.rawValue]])
            let id = try #require(subscriber.dataObject["id"] as? Int)

            let reader = try await app.headers(holding: [.subscribersGetAll])
            let denied = try await app.request(.post, "/api/subscribers/\(id)/optin", headers: reader)
            #expect(denied.status == .forbidden)
            #expect(denied.message == "permission denied: subscribers:manage")

            let role = try await app.makeListRole("mine", [(mine.id, [.get, .manage])])
            let restricted = try await app.headers(holding: [.subscribersManage], listRole: role.id)
            let other = try await app.request(.post, "/api/subscribers/\(id)/optin", headers: restricted)
            #expect(other.status == .forbidden)
            #expect(other.message == "Permission denied: subscriber: \(id)")

            let missing = try await app.request(.post, "/api/subscribers/987654/optin", headers: admin)
            #expect(missing.status == .notFound)
            #expect(missing.message == "Subscriber (987654: ) not found")
            let bad = try await app.request(.post, "/api/subscribers/abc/optin", headers: admin)
            #expect(bad.status == .badRequest)
        }
    }

    @Test(
        "an unreachable SMTP server does not fail the request: the mail is only queued", arguments: TestBackend.enabled)
    func unreachableServer(backend: TestBackend) async throws {
        let closed = try await SMTPTestServer.start()
        let port = closed.port
        try await closed.stop()
        try await TestApp.run(
            backend,
            configure: { configuration in
                var settings = SMTPSettings(host: "127.0.0.1")
                settings.port = port
                settings.security = .none
                configuration.smtp = settings
            }
        ) { app in
            let admin = try await app.adminHeaders()
            let double = try await app.makeList("Double", optin: .double)
            let created = try await app.request(
                .post, "/api/subscribers", headers: admin,
                json: ["email": "x@example.com", "lists": [double.id.rawValue]])
            #expect(created.status == .ok)
            let id = try #require(created.dataObject["id"] as? Int)
            let resent = try await app.request(.post, "/api/subscribers/\(id)/optin", headers: admin)
            #expect(resent.status == .ok)
            #expect(resent.data as? Bool == true)
        }
    }
}

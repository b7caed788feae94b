import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsServer
import TidingsTestSupport

/// listmonk's `query` (a SQL expression over subscribers) in Tidings' sandbox
/// (docs/segmentation.md): the common forms work; everything else is a 400 that says why and
/// changes nothing; the caller's list scope always applies.
@Suite struct SegmentationTests {
    /// Three subscribers in two cities, on list A; one more on list B.
    static func populate(_ app: TestApp, admin: HTTPFields) async throws -> (a: MailingList, b: MailingList) {
        let a = try await app.makeList("A")
        let b = try await app.makeList("B")
        for (email, city, list) in [
            ("ana@example.com", "Bengaluru", a), ("bo@example.com", "Pune", a), ("cy@other.org", "Bengaluru", a),
            ("dee@example.com", "Bengaluru", b),
        ] {
            _ = try await app.request(
                .post, "/api/subscribers", headers: admin,
                json: ["email": email, "attribs": ["city": city], "lists": [list.id.rawValue]])
        }
        return (a, b)
    }

    static func emails(_ app: TestApp, _ headers: HTTPFields, _ query: String) async throws -> [String] {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
        let response = try await app.request(.get, "/api/subscribers?per_page=all&query=\(encoded)", headers: headers)
        #expect(response.status == .ok, "\(query): \(response.body)")
        return (response.dataObject["results"] as? [[String: Any]] ?? []).compactMap { $0["email"] as? String }.sorted()
    }

    @Test("the common forms work, in the listing and the export")
    func commonForms() async throws {
        try await TestApp.run(.sqlite) { app in
            let admin = try await app.adminHeaders()
            _ = try await Self.populate(app, admin: admin)
            #expect(
                try await Self.emails(app, admin, "subscribers.attribs->>'city' = 'Bengaluru'")
                    == ["ana@example.com", "cy@other.org", "dee@example.com"])
            #expect(
                try await Self.emails(app, admin, "subscribers.email LIKE '%@example.com';")
                    == ["ana@example.com", "bo@example.com", "dee@example.com"])
            #expect(try await Self.emails(app, admin, "email = 'bo@example.com'") == ["bo@example.com"])
            #expect(
                try await Self.emails(
                    app, admin, "subscribers.status = 'enabled' AND lower(subscribers.name) LIKE 'c%'")
                    == ["cy@other.org"])
            let echoed = try await app.request(
                .get, "/api/subscribers?query=%20email%20%3D%20%27bo%40example.com%27%20%3B", headers: admin)
            #expect(echoed.dataObject["query"] as? String == "email = 'bo@example.com' ")
            #expect(echoed.dataObject["total"] as? Int == 1)
            let export = try await app.request(
                .get, "/api/subscribers/export?query=subscribers.email%20LIKE%20%27%25other%25%27", headers: admin)
            #expect(export.body.contains("cy@other.org") && !export.body.contains("ana@"))
        }
    }

    @Test(
        "anything but a read of subscribers, lists and subscriptions is refused with a 400 that says why",
        arguments: [
            ("1=1; DELETE FROM subscribers", "only one expression"),
            ("true) OR (1=1", "unbalanced parentheses"),
            ("true -- and the rest", "comments"),
            ("1=1 /* hidden */", "comments"),
            ("subscribers.id IN (SELECT id FROM users)", "prohibited"),
            ("subscribers.id IN (SELECT user_id FROM api_tokens)", "prohibited"),
            ("subscribers.id IN (SELECT user_id FROM sessions)", "prohibited"),
            ("EXISTS (SELECT 1 FROM audit_log)", "prohibited|not authorized"),
            ("(SELECT count(*) FROM sqlite_master) > 0", "prohibited|not authorized"),
            ("EXISTS (SELECT 1 FROM pragma_table_info('users'))", "prohibited|not authorized"),
            ("load_extension('/tmp/x') IS NULL", "function"),
            ("sqlite_version() IS NOT NULL", "not authorized to use function"),
            ("subscribers.email = 'x", "unterminated quote"),
            ("nonsense garbage", "syntax error"),
        ])
    func refused(expression: String, reason: String) async throws {
        try await TestApp.run(.sqlite) { app in
            let admin = try await app.adminHeaders()
            _ = try await Self.populate(app, admin: admin)
            let encoded = expression.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? expression
            let response = try await app.request(.get, "/api/subscribers?query=\(encoded)", headers: admin)
            #expect(response.status == .badRequest, "\(response.body)")
            #expect(response.code == "invalid_query")
            #expect(response.message?.hasPrefix("Error preparing subscriber query: ") == true)
            // SQLite words a denied read "prohibited" or "not authorized", depending on the form.
            let message = response.message ?? ""
            #expect(reason.split(separator: "|").contains { message.contains($0) }, "\(message)")
            #expect(try await app.services.stores.subscribers.subscribers(SubscriberQuery()).total == 4)
        }
    }

    @Test("an endless query is stopped by the time limit, and the sandbox keeps working")
    func endless() async throws {
        try await TestApp.run(.sqlite) { app in
            let admin = try await app.adminHeaders()
            _ = try await Self.populate(app, admin: admin)
            let endless =
                "subscribers.id IN (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c WHERE x < 0)"
            let encoded = endless.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? endless
            let response = try await app.request(.get, "/api/subscribers?query=\(encoded)", headers: admin)
            #expect(response.status == .badRequest)
            #expect(response.code == "query_timeout")
            #expect(try await Self.emails(app, admin, "email = 'bo@example.com'") == ["bo@example.com"])
        }
    }

    @Test("an expression cannot widen a restricted caller's lists, and needs subscribers:sql_query")
    func scope() async throws {
        try await TestApp.run(.sqlite) { app in
            let admin = try await app.adminHeaders()
            let (a, _) = try await Self.populate(app, admin: admin)
            let role = try await app.makeListRole("A", [(a.id, [.get])])
            let analyst = try await app.headers(holding: [.subscribersGet, .subscribersSQLQuery], listRole: role.id)
            let widened = try await Self.emails(app, analyst, "subscribers.id < 0 OR true")
            #expect(widened == ["ana@example.com", "bo@example.com", "cy@other.org"])
            let reader = try await app.headers(holding: [.subscribersGetAll])
            // The permission is checked before the expression is even read.
            let denied = try await app.request(.get, "/api/subscribers?query=%28%28", headers: reader)
            #expect(denied.status == .forbidden)
            #expect(denied.message == "Permission denied: subscribers:sql_query")
        }
    }

    @Test("on PostgreSQL the query is refused until its sandbox role lands", arguments: TestBackend.enabled)
    func postgresPending(backend: TestBackend) async throws {
        guard backend == .postgres else { return }
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let response = try await app.request(.get, "/api/subscribers?query=true", headers: admin)
            #expect(response.status == .badRequest)
            #expect(response.code == "query_not_supported")
        }
    }
}

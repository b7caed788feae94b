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

    @Test("the common forms work, in the listing and the export", arguments: TestBackend.enabled)
    func commonForms(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
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

    /// Expressions that must be refused, and words the reason contains (SQLite and PostgreSQL
    /// word the same refusal differently).
    static let refusals: [(String, String)] = [
        ("1=1; DELETE FROM subscribers", "only one expression"),
        ("true) OR (1=1", "unbalanced parentheses"),
        ("true -- and the rest", "comments"),
        ("1=1 /* hidden */", "comments"),
        ("subscribers.email = 'x", "unterminated quote"),
        ("subscribers.id IN (SELECT id FROM users)", "prohibited|permission denied"),
        ("subscribers.id IN (SELECT user_id FROM api_tokens)", "prohibited|permission denied"),
        ("subscribers.id IN (SELECT user_id FROM sessions)", "prohibited|permission denied"),
        ("EXISTS (SELECT 1 FROM audit_log)", "prohibited|not authorized|permission denied"),
        ("EXISTS (SELECT 1 FROM settings)", "prohibited|not authorized|permission denied"),
        ("nonsense garbage", "syntax error"),
    ]

    static let sqliteRefusals: [(String, String)] = [
        ("(SELECT count(*) FROM sqlite_master) > 0", "prohibited|not authorized"),
        ("EXISTS (SELECT 1 FROM pragma_table_info('users'))", "prohibited|not authorized"),
        ("load_extension('/tmp/x') IS NULL", "function"),
        ("sqlite_version() IS NOT NULL", "not authorized to use function"),
    ]

    static let postgresRefusals: [(String, String)] = [
        ("pg_read_file('/etc/passwd') IS NOT NULL", "not authorized to use function: pg_read_file"),
        (
            "set_config('role', current_user, true) IS NOT NULL AND set_config('role', 'postgres', true) IS NOT NULL",
            "not authorized to use function: set_config"
        ),
        ("(SELECT count(*) FROM pg_authid) > 0", "access to pg_authid is prohibited"),
        ("nextval('subscribers_id_seq') > 0", "not authorized to use function: nextval"),
        ("(SELECT count(*) FROM lo_import('/etc/passwd')) > 0", "not authorized to use function: lo_import"),
    ]

    @Test(
        "anything but a read of subscribers, lists and subscriptions is a 400 that says why",
        arguments: TestBackend.enabled)
    func refused(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            _ = try await Self.populate(app, admin: admin)
            let cases = Self.refusals + (backend == .sqlite ? Self.sqliteRefusals : Self.postgresRefusals)
            for (expression, reason) in cases {
                let encoded = expression.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? expression
                let response = try await app.request(.get, "/api/subscribers?query=\(encoded)", headers: admin)
                #expect(response.status == .badRequest, "\(expression): \(response.body)")
                #expect(response.code == "invalid_query", "\(expression)")
                let message = response.message ?? ""
                #expect(message.hasPrefix("Error preparing subscriber query: "), "\(expression)")
                #expect(reason.split(separator: "|").contains { message.contains($0) }, "\(expression): \(message)")
            }
            #expect(try await app.services.stores.subscribers.subscribers(SubscriberQuery()).total == 4)
        }
    }

    @Test(
        "an endless query is stopped by the time limit, and the sandbox keeps working", arguments: TestBackend.enabled)
    func endless(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
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

    @Test(
        "an expression cannot widen a restricted caller's lists, and needs subscribers:sql_query",
        arguments: TestBackend.enabled)
    func scope(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
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

    @Test(
        "a query login that fails is a 503 that says what to do, and nothing else breaks",
        arguments: TestBackend.enabled)
    func unavailable(backend: TestBackend) async throws {
        guard backend == .postgres, let admin = TestBackend.postgresAdminURL else { return }
        var components = try #require(URLComponents(string: admin))
        components.user = "no_such_role"
        components.password = "wrong"
        let queryURL = try #require(components.string)
        try await TestApp.run(backend, configure: { $0.queryDatabaseURL = queryURL }) { app in
            let headers = try await app.adminHeaders()
            let response = try await app.request(.get, "/api/subscribers?query=true", headers: headers)
            #expect(response.status == .serviceUnavailable)
            #expect(response.code == "query_unavailable")
            #expect(response.message?.contains("TIDINGS_QUERY_DATABASE_URL") == true)
            #expect(try await app.request(.get, "/api/subscribers", headers: headers).status == .ok)
        }
    }
}

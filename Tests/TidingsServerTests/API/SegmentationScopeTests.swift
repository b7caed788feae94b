import Foundation
import HTTPTypes
import SQLKit
import Testing
import TidingsCore
import TidingsServer
import TidingsStore
import TidingsTestSupport

/// A restricted caller's SQL expression reads only its scope — in subqueries, error texts and
/// the order rows are tested in too — and cannot change the sandbox's session
/// (docs/segmentation.md). The world is `SegmentationTests.populate`'s: ana, bo and cy on list
/// A; dee on list B only.
@Suite struct SegmentationScopeTests {
    /// `SegmentationTests.populate`'s subscribers, the admin, and an analyst with `list:get` and
    /// `list:manage` on A only: it may see and act on ana, bo and cy, never dee.
    struct World: Sendable {
        let app: TestApp
        let admin: HTTPFields
        let analyst: HTTPFields
        let a: MailingList
        let b: MailingList

        static func run(_ backend: TestBackend, _ body: @Sendable (World) async throws -> Void) async throws {
            try await TestApp.run(backend) { app in
                let admin = try await app.adminHeaders()
                let (a, b) = try await SegmentationTests.populate(app, admin: admin)
                let role = try await app.makeListRole("A only", [(a.id, [.get, .manage])])
                let analyst = try await app.headers(
                    holding: [.subscribersGet, .subscribersManage, .subscribersSQLQuery], listRole: role.id)
                try await body(World(app: app, admin: admin, analyst: analyst, a: a, b: b))
            }
        }

        /// The e-mail addresses the analyst's listing with `query` answers.
        func emails(_ query: String, as headers: HTTPFields? = nil) async throws -> [String] {
            try await SegmentationTests.emails(app, headers ?? analyst, query)
        }
    }

    static func get(_ app: TestApp, _ headers: HTTPFields, _ path: String, query: String) async throws -> TestResult {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
        return try await app.request(.get, "\(path)\(path.contains("?") ? "&" : "?")query=\(encoded)", headers: headers)
    }

    static let listA = ["ana@example.com", "bo@example.com", "cy@other.org"]
    static let everyone = listA + ["dee@example.com"]
    /// True for every row when dee exists, to whoever can read her row.
    static let deeExists = "EXISTS (SELECT 1 FROM subscribers s2 WHERE s2.email = 'dee@example.com')"

    @Test(
        "subqueries see only the caller's subscribers, subscriptions and lists; B's rows answer like missing ones",
        arguments: TestBackend.enabled)
    func subqueriesSeeTheScope(backend: TestBackend) async throws {
        try await World.run(backend) { world async throws in
            let exists = "EXISTS (SELECT 1 FROM subscribers s2 WHERE s2.email = '%@' AND s2.attribs->>'city' LIKE 'B%')"
            #expect(
                try await world.emails(exists.replacingOccurrences(of: "%@", with: "ana@example.com")) == Self.listA)
            // dee exists, on B, in Bengaluru: the oracle answers as for an address nobody has.
            #expect(try await world.emails(exists.replacingOccurrences(of: "%@", with: "dee@example.com")) == [])
            #expect(try await world.emails(exists.replacingOccurrences(of: "%@", with: "nobody@example.com")) == [])
            #expect(try await world.emails("(SELECT count(*) FROM subscribers) = 3") == Self.listA)
            #expect(try await world.emails("(SELECT count(*) FROM subscriber_lists) = 3") == Self.listA)
            #expect(try await world.emails("(SELECT count(*) FROM lists) = 1") == Self.listA)
            #expect(
                try await world.emails(
                    "EXISTS (SELECT 1 FROM subscriber_lists sl JOIN lists l ON l.id = sl.list_id WHERE l.name = 'B')")
                    == [])
            #expect(
                try await world.emails(
                    "subscribers.id IN (SELECT x.id FROM (SELECT id FROM subscribers UNION SELECT subscriber_id FROM subscriber_lists) x)"
                ) == Self.listA)
        }
    }

    /// An expression that fails on dee's row alone: evaluated there only if the database tests
    /// it before the scope.
    static func failsOnDee(_ backend: TestBackend) -> String {
        backend == .sqlite
            ? "CASE WHEN subscribers.email = 'dee@example.com' THEN json_extract('not json', '$') ELSE 1 END = 1"
            : "CASE WHEN subscribers.email = 'dee@example.com' THEN CAST(subscribers.name AS integer) ELSE 1 END = 1"
    }

    /// Expressions whose error text would carry every address the subquery reads.
    static func leakingErrors(_ backend: TestBackend) -> [String] {
        backend == .sqlite
            ? ["json_extract('{}', (SELECT group_concat(email || attribs, ' | ') FROM subscribers)) IS NULL"]
            : [
                "CAST((SELECT string_agg(email || ':' || attribs::text, ' | ') FROM subscribers) AS integer) > 0",
                "CAST((SELECT string_agg(name, ',') FROM subscribers) AS date) IS NULL",
            ]
    }

    @Test(
        "no error text carries a row, and no row outside the scope is ever tested", arguments: TestBackend.enabled)
    func errorsCarryNoData(backend: TestBackend) async throws {
        try await World.run(backend) { world async throws in
            let (app, admin, analyst) = (world.app, world.admin, world.analyst)
            for expression in Self.leakingErrors(backend) {
                for headers in [analyst, admin] {
                    let response = try await Self.get(app, headers, "/api/subscribers", query: expression)
                    #expect(response.status == .badRequest, "\(expression): \(response.body)")
                    #expect(response.code == "invalid_query")
                    let message = response.message ?? ""
                    #expect(message.hasPrefix("Error preparing subscriber query: "))
                    #expect(!message.contains("@") && !message.contains("Bengaluru"), "\(message)")
                }
            }
            if backend == .postgres {
                let response = try await Self.get(
                    app, analyst, "/api/subscribers", query: Self.leakingErrors(backend)[0])
                #expect(response.message == "Error preparing subscriber query: invalid value for a type conversion")
            }
            #expect(try await world.emails(Self.failsOnDee(backend)) == Self.listA)
            // Syntax and name errors still say what is wrong.
            let typo = try await Self.get(app, analyst, "/api/subscribers", query: "subscribers.emial = 'x'")
            #expect(typo.status == .badRequest)
            #expect(typo.message?.contains("emial") == true)
        }
    }

    @Test("schema-qualified table names are refused, whoever asks", arguments: TestBackend.enabled)
    func qualifiedNamesRefused(backend: TestBackend) async throws {
        try await World.run(backend) { world async throws in
            let (app, admin, analyst) = (world.app, world.admin, world.analyst)
            for table in [
                "main.subscribers", "public.subscribers", "\"public\".\"subscriber_lists\"", "temp.subscribers",
                "MAIN.Subscribers", "\"main\".lists",
            ] {
                for headers in [analyst, admin] {
                    let response = try await Self.get(
                        app, headers, "/api/subscribers", query: "EXISTS (SELECT 1 FROM \(table))")
                    #expect(response.status == .badRequest, "\(table): \(response.body)")
                    let written = table.replacingOccurrences(of: "\"", with: "").lowercased()
                    #expect(
                        response.message
                            == "Error preparing subscriber query: schema-qualified names are not allowed: \(written)")
                }
            }
        }
    }

    @Test(
        "functions that change the session are refused, and the next query still works",
        arguments: TestBackend.enabled)
    func sessionChangesRefused(backend: TestBackend) async throws {
        try await World.run(backend) { world async throws in
            let (app, analyst) = (world.app, world.analyst)
            for (expression, function) in [
                ("set_config('search_path', 'pg_temp', false) <> ''", "set_config"),
                ("\"set_config\"('search_path', 'pg_temp', false) <> ''", "set_config"),
                ("pg_advisory_lock(42) IS NOT NULL", "pg_advisory_lock"),
                ("current_setting('search_path') <> ''", "current_setting"),
                ("EXISTS (SELECT 1 FROM query_to_xml('SELECT 1', true, true, ''))", "query_to_xml"),
            ] {
                let response = try await Self.get(app, analyst, "/api/subscribers", query: expression)
                #expect(response.status == .badRequest, "\(expression): \(response.body)")
                #expect(
                    response.message == "Error preparing subscriber query: not authorized to use function: \(function)")
                #expect(try await world.emails("email LIKE '%example.com'").count == 2)
            }
        }
    }

    @Test(
        "PostgreSQL: whatever a statement leaves in the session is discarded", arguments: TestBackend.enabled)
    func sessionReset(backend: TestBackend) async throws {
        guard backend == .postgres else { return }
        try await TestApp.run(backend) { app in
            let sandbox = try #require(app.services.engine.querySandbox)
            // Straight to the sandbox, past the allowlist, as a function nobody foresaw would be.
            _ = try await sandbox.integers(
                "SELECT CAST(length(set_config('search_path', 'pg_temp', false)) AS bigint)", binds: [])
            _ = try await sandbox.integers("SELECT CAST(pg_advisory_lock(4242) IS NOT NULL AS integer)", binds: [])
            #expect(try await sandbox.integers("SELECT count(*) FROM subscribers", binds: []) == [0])
            let free = try await app.services.engine.read { database in
                try await database.raw(
                    "SELECT CAST(pg_try_advisory_lock(4242) AS integer) AS free, pg_advisory_unlock(4242) AS done"
                ).first()?.decode(column: "free", as: Int.self)
            }
            #expect(free == 1)
        }
    }

    @Test(
        "subscribers:get_all keeps its full reach: subqueries see everyone, even with a list filter",
        arguments: TestBackend.enabled)
    func getAllKeepsFullReach(backend: TestBackend) async throws {
        try await World.run(backend) { world async throws in
            let (app, admin) = (world.app, world.admin)
            let reader = try await app.headers(holding: [.subscribersGetAll, .subscribersSQLQuery])
            for headers in [admin, reader] {
                #expect(try await world.emails(Self.deeExists, as: headers) == Self.everyone)
                #expect(try await world.emails("(SELECT count(*) FROM subscribers) = 4", as: headers) == Self.everyone)
            }
            let filtered = try await Self.get(
                app, admin, "/api/subscribers?per_page=all&list_id=\(world.a.id.rawValue)",
                query: "(SELECT count(*) FROM subscriber_lists) = 4")
            #expect(filtered.dataObject["total"] as? Int == 3)
        }
    }

    @Test(
        "the export and the by-query actions cannot read or touch beyond the scope", arguments: TestBackend.enabled)
    func exportAndActions(backend: TestBackend) async throws {
        try await World.run(backend) { world async throws in
            let (app, analyst) = (world.app, world.analyst)
            let oracle = Self.deeExists
            let exported = try await Self.get(app, analyst, "/api/subscribers/export", query: oracle)
            #expect(exported.status == .ok)
            #expect(exported.body == "uuid,email,name,attributes,status,created_at,updated_at\n")
            let counted = try await Self.get(
                app, analyst, "/api/subscribers/export", query: "(SELECT count(*) FROM subscribers) = 3")
            #expect(Self.listA.allSatisfy { counted.body.contains($0) })

            let deleted = try await app.request(
                .post, "/api/subscribers/query/delete", headers: analyst, json: ["query": oracle])
            #expect(deleted.status == .ok)
            let blocklisted = try await app.request(
                .put, "/api/subscribers/query/blocklist", headers: analyst,
                json: ["query": "NOT EXISTS (SELECT 1 FROM subscriber_lists WHERE list_id = \(world.b.id.rawValue))"])
            #expect(blocklisted.status == .ok)
            let leak = try await app.request(
                .post, "/api/subscribers/query/delete", headers: analyst,
                json: ["query": Self.leakingErrors(backend)[0]])
            #expect(leak.status == .badRequest)
            #expect(leak.message?.contains("@") == false)

            let all = try await SubscriberQueryActionTests.emails(app)
            #expect(all == Self.everyone)  // the oracle matched no one: nothing was deleted
            let statuses = try await app.services.stores.subscribers.subscribers(SubscriberQuery()).items
            // B's subscription is invisible to the analyst, so "not on B" held for all of A's.
            #expect(statuses.filter { $0.status == .blocklisted }.map(\.email).sorted() == Self.listA)
        }
    }

    @Test(
        "a search longer than 1,000 bytes is a 400, in the listing, the export and the actions",
        arguments: TestBackend.enabled)
    func longSearch(backend: TestBackend) async throws {
        try await World.run(backend) { world async throws in
            let (app, admin) = (world.app, world.admin)
            let long = String(repeating: "a", count: 60_000)
            for path in ["/api/subscribers?search=\(long)", "/api/subscribers/export?search=\(long)"] {
                let response = try await app.request(.get, path, headers: admin)
                #expect(response.status == .badRequest)
                #expect(response.code == "invalid_search")
                #expect(response.message == "The search is longer than 1000 bytes.")
            }
            let action = try await app.request(
                .put, "/api/subscribers/query/blocklist", headers: admin, json: ["search": long])
            #expect(action.code == "invalid_search")
            let edge = String(repeating: "é", count: 500)  // 1,000 bytes
            let encoded = edge.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? edge
            #expect(try await app.request(.get, "/api/subscribers?search=\(encoded)", headers: admin).status == .ok)
            #expect(try await SubscriberQueryActionTests.emails(app).count == 4)
        }
    }
}

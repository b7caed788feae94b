import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsServer
import TidingsTestSupport

/// `POST /api/subscribers/query/delete`, `PUT /api/subscribers/query/blocklist` and
/// `PUT /api/subscribers/query/lists`.
@Suite struct SubscriberQueryActionTests {
    static func emails(_ app: TestApp) async throws -> [String] {
        var query = SubscriberQuery()
        query.page = Pagination(page: 1, perPage: nil)
        return try await app.services.stores.subscribers.subscribers(query).items.map(\.email).sorted()
    }

    @Test("delete and blocklist by query or search; their checks in listmonk's words", arguments: TestBackend.enabled)
    func deleteAndBlocklist(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            _ = try await SegmentationTests.populate(app, admin: admin)
            let none = try await app.request(.post, "/api/subscribers/query/delete", headers: admin, json: [:])
            #expect(none.status == .badRequest)
            #expect(none.message == "Invalid fields: query")
            let blank = try await app.request(
                .post, "/api/subscribers/query/delete", headers: admin, json: ["query": "  ;"])
            #expect(blank.message == "Invalid fields: query")
            let escape = try await app.request(
                .post, "/api/subscribers/query/delete", headers: admin,
                json: ["query": "subscribers.id IN (SELECT id FROM users)"])
            #expect(escape.status == .badRequest)
            #expect(try await Self.emails(app).count == 4)

            let deleted = try await app.request(
                .post, "/api/subscribers/query/delete", headers: admin,
                json: ["query": "subscribers.email = 'bo@example.com'"])
            #expect(deleted.status == .ok)
            #expect(try await Self.emails(app) == ["ana@example.com", "cy@other.org", "dee@example.com"])

            let blocklisted = try await app.request(
                .put, "/api/subscribers/query/blocklist", headers: admin, json: ["search": "other.org"])
            #expect(blocklisted.status == .ok)
            let cy = try await app.services.stores.subscribers.subscribers(SubscriberQuery()).items.first {
                $0.email == "cy@other.org"
            }
            #expect(cy?.status == .blocklisted)
            #expect(cy?.subscriptions.allSatisfy { $0.status == .unsubscribed } == true)

            // `all` ignores query and search: everything in scope.
            let all = try await app.request(
                .post, "/api/subscribers/query/delete", headers: admin, json: ["all": true, "query": "false"])
            #expect(all.status == .ok)
            #expect(try await Self.emails(app).isEmpty)
        }
    }

    @Test("a restricted caller acts only on its lists' subscribers", arguments: TestBackend.enabled)
    func restricted(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let (a, _) = try await SegmentationTests.populate(app, admin: admin)
            let role = try await app.makeListRole("A", [(a.id, [.get, .manage])])
            let manager = try await app.headers(
                holding: [.subscribersManage, .subscribersSQLQuery], listRole: role.id)
            let response = try await app.request(
                .post, "/api/subscribers/query/delete", headers: manager,
                json: ["query": "subscribers.attribs->>'city' = 'Bengaluru' OR true"])
            #expect(response.status == .ok)
            // Everyone on A went; dee (on B only) stayed, whatever the expression said.
            #expect(try await Self.emails(app) == ["dee@example.com"])
            let noSQL = try await app.headers(holding: [.subscribersManage], listRole: role.id)
            let denied = try await app.request(
                .put, "/api/subscribers/query/blocklist", headers: noSQL, json: ["query": "true"])
            #expect(denied.status == .forbidden)
            #expect(denied.message == "Permission denied: subscribers:sql_query")
        }
    }

    @Test(
        "change subscriptions by query: add never touches existing ones; checks in order",
        arguments: TestBackend.enabled)
    func lists(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let (a, b) = try await SegmentationTests.populate(app, admin: admin)
            func put(_ body: [String: any Sendable]) async throws -> TestResult {
                try await app.request(.put, "/api/subscribers/query/lists", headers: admin, json: body)
            }
            #expect(try await put(["action": "add"]).message == "No lists given.")
            #expect(try await put(["target_list_ids": [b.id.rawValue], "action": "copy"]).message == "Invalid action.")
            let added = try await put([
                "query": "subscribers.email LIKE '%@example.com'", "list_ids": [a.id.rawValue], "action": "add",
                "target_list_ids": [b.id.rawValue], "status": "confirmed",
            ])
            #expect(added.status == .ok)
            // ana and bo (on A, at example.com) were added as confirmed; dee was already on B.
            #expect(
                try await app.services.stores.lists.list(id: b.id)?.subscriberStatuses == [
                    "confirmed": 2, "unconfirmed": 1,
                ])
            // Everyone: cy is added; dee's existing subscription is left unconfirmed.
            _ = try await put([
                "query": "true", "action": "add", "target_list_ids": [b.id.rawValue], "status": "confirmed",
            ])
            #expect(
                try await app.services.stores.lists.list(id: b.id)?.subscriberStatuses == [
                    "confirmed": 3, "unconfirmed": 1,
                ])
            _ = try await put(["action": "remove", "target_list_ids": [b.id.rawValue], "search": "ana"])
            #expect(try await app.services.stores.lists.list(id: b.id)?.subscriberCount == 3)
        }
    }
}

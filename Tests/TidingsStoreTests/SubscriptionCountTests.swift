import Foundation
import SQLKit
import Testing
import TidingsCore
import TidingsStoreTestSupport

@testable import TidingsStore

/// The per-list subscription counts that migration 4's triggers keep: after every kind of write
/// to `subscriber_lists` they must equal a fresh count, on both databases.
@Suite struct SubscriptionCountTests {
    @Test("counts follow inserts, bulk inserts, status changes, deletes and cascades", arguments: TestBackend.enabled)
    func followEveryWrite(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let lists = stores.lists
            let a = try await lists.createList(Drafts.list("A"), at: Date())
            let b = try await lists.createList(Drafts.list("B"), at: Date())
            let engine = stores.engine
            let now = Date()

            // 30 subscribers; one bulk INSERT … SELECT subscribes all of them to A at once.
            try await engine.write { database in
                for index in 0..<30 {
                    try await SubscriberRows.insertSubscriber("s\(index)@example.com", at: now, in: database)
                }
                try await database.raw(
                    """
                    INSERT INTO subscriber_lists (subscriber_id, list_id, status, created_at, updated_at)
                    SELECT id, \(bind: a.id.rawValue), 'unconfirmed', \(bind: now), \(bind: now) FROM subscribers
                    """
                ).run()
            }
            try await expectCounts(stores, [a.id: ["unconfirmed": 30], b.id: [:]])

            // One by one into B, then a bulk status change on A and a single one on B.
            try await engine.write { database in
                for index in 0..<5 {
                    try await SubscriberRows.subscribe(
                        "s\(index)@example.com", to: b.id.rawValue, status: "confirmed", at: now, in: database)
                }
                try await database.raw(
                    """
                    UPDATE subscriber_lists SET status = 'confirmed'
                    WHERE list_id = \(bind: a.id.rawValue) AND subscriber_id IN
                        (SELECT id FROM subscribers WHERE email LIKE 's1%')
                    """
                ).run()
                try await database.raw(
                    """
                    UPDATE subscriber_lists SET status = 'unsubscribed' WHERE list_id = \(bind: b.id.rawValue)
                    AND subscriber_id = (SELECT id FROM subscribers WHERE email = 's0@example.com')
                    """
                ).run()
                // An update that changes no counted column leaves the counts alone.
                try await database.raw("UPDATE subscriber_lists SET updated_at = \(bind: now)").run()
            }
            try await expectCounts(
                stores,
                [a.id: ["unconfirmed": 19, "confirmed": 11], b.id: ["confirmed": 4, "unsubscribed": 1]])

            // Deleting subscriptions, then subscribers (the cascade removes their subscriptions).
            try await engine.write { database in
                try await database.raw(
                    "DELETE FROM subscriber_lists WHERE list_id = \(bind: a.id.rawValue) AND status = 'confirmed'"
                ).run()
                try await database.raw("DELETE FROM subscribers WHERE email IN ('s2@example.com', 's25@example.com')")
                    .run()
            }
            try await expectCounts(
                stores,
                [a.id: ["unconfirmed": 17], b.id: ["confirmed": 3, "unsubscribed": 1]])

            // A rolled-back write leaves no trace in the counts.
            await #expect(throws: (any Error).self) {
                try await engine.write { database in
                    try await database.raw("DELETE FROM subscriber_lists WHERE list_id = \(bind: a.id.rawValue)").run()
                    throw TidingsError.badRequest("roll back")
                }
            }
            try await expectCounts(
                stores,
                [a.id: ["unconfirmed": 17], b.id: ["confirmed": 3, "unsubscribed": 1]])

            // Deleting a list takes its counts with it.
            try await lists.deleteLists(ids: [b.id])
            let orphans = try await engine.read { database in
                try await database.raw(
                    "SELECT COUNT(*) AS n FROM list_subscription_counts WHERE list_id = \(bind: b.id.rawValue)"
                ).first()?.int("n")
            }
            #expect(orphans == 0)
        }
    }

    /// Each list's count and statuses, read the way the API reads them, against `expected` and
    /// against a fresh COUNT over `subscriber_lists`.
    private func expectCounts(_ stores: TestStores, _ expected: [ListID: [String: Int]]) async throws {
        for (id, statuses) in expected {
            let list = try #require(try await stores.lists.list(id: id))
            #expect(list.subscriberStatuses == statuses, "list \(id)")
            #expect(list.subscriberCount == statuses.values.reduce(0, +), "list \(id)")
            let fresh = try await stores.engine.read { database in
                try await database.raw(
                    "SELECT status, COUNT(*) AS n FROM subscriber_lists WHERE list_id = \(bind: id.rawValue) GROUP BY status"
                ).all()
            }
            var counted: [String: Int] = [:]
            for row in fresh { counted[try row.string("status")] = try row.int("n") }
            #expect(counted == statuses, "list \(id): a fresh count")
        }
    }
}

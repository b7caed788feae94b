import Foundation
import SQLKit

/// Subscriber and subscription rows written straight into the tables, for store tests that need
/// subscribers before the subscriber store is involved.
enum SubscriberRows {
    static func insertSubscriber(_ email: String, at now: Date, in database: any SQLDatabase) async throws {
        try await database.raw(
            """
            INSERT INTO subscribers (uuid, email, name, status, created_at, updated_at)
            VALUES (\(bind: UUID()), \(bind: email), 'S', 'enabled', \(bind: now), \(bind: now))
            """
        ).run()
    }

    static func subscribe(
        _ email: String, to list: Int, status: String, at now: Date, in database: any SQLDatabase
    ) async throws {
        try await database.raw(
            """
            INSERT INTO subscriber_lists (subscriber_id, list_id, status, created_at, updated_at)
            VALUES ((SELECT id FROM subscribers WHERE email = \(bind: email)), \(bind: list), \(bind: status),
                \(bind: now), \(bind: now))
            """
        ).run()
    }
}

import Foundation
import SQLKit
import TidingsCore

extension SQLStore: SubscriberImportStore {
    /// Writes one batch of an import in one transaction: it is either all in or not at all, so a
    /// stopped or killed import never leaves half a batch.
    public func importSubscribers(_ rows: [ImportRow], options: ImportOptions, at now: Date) async throws {
        guard !rows.isEmpty else { return }
        let blocklist = options.mode == .blocklist
        let status = blocklist ? SubscriberStatus.blocklisted : .enabled
        var values: [SQLQueryString] = []
        values.reserveCapacity(rows.count)
        for row in rows {
            values.append(
                """
                (\(bind: UUID()), \(bind: row.email), \(bind: row.name), \(jsonText(bound: row.attributesJSON)),
                \(bind: status.rawValue), \(bind: now), \(bind: now))
                """)
        }
        var updates: [String] = []
        if options.overwriteUserInfo { updates += ["name = excluded.name", "attribs = excluded.attribs"] }
        if blocklist { updates.append("status = 'blocklisted'") }
        let onConflict: SQLQueryString =
            updates.isEmpty
            ? "DO NOTHING"
            : "DO UPDATE SET \(unsafeRaw: (updates + ["updated_at = excluded.updated_at"]).joined(separator: ", "))"
        let emails = SQLBind.group(rows.map(\.email))
        let newRows = SQLList(values)
        let lists = options.lists
        let subscriptionConflict: SQLQueryString =
            options.overwriteSubscriptionStatus
            ? "DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at" : "DO NOTHING"
        try await engine.write { database in
            try await database.raw(
                """
                INSERT INTO subscribers (uuid, email, name, attribs, status, created_at, updated_at)
                VALUES \(newRows) ON CONFLICT (email) \(onConflict)
                """
            ).run()
            if blocklist {
                try await database.raw(
                    """
                    UPDATE subscriber_lists SET status = 'unsubscribed', updated_at = \(bind: now)
                    WHERE status <> 'unsubscribed' AND subscriber_id IN (SELECT id FROM subscribers WHERE email IN \(emails))
                    """
                ).run()
            }
            guard !lists.isEmpty else { return }
            try await database.raw(
                """
                INSERT INTO subscriber_lists (subscriber_id, list_id, status, created_at, updated_at)
                SELECT s.id, l.id,
                    CASE WHEN s.status = 'blocklisted' THEN 'unsubscribed' ELSE \(bind: options.subscriptionStatus.rawValue) END,
                    \(bind: now), \(bind: now)
                FROM subscribers s JOIN lists l ON l.id IN \(SQLBind.group(lists.map(\.rawValue).sorted()))
                WHERE s.email IN \(emails)
                ON CONFLICT (subscriber_id, list_id) \(subscriptionConflict)
                """
            ).run()
        }
    }
}

import Foundation
import SQLKit
import TidingsCore

extension SQLStore: SubscriberImportStore {
    /// Writes one batch of an import in one transaction: it is either all in or not at all, so a
    /// stopped or killed import never leaves half a batch.
    ///
    /// The batch travels as one bound JSON array of `[uuid, email, name, attributes]` rows that
    /// the database unpacks itself (`json_each` / `jsonb_array_elements`): a few bound values
    /// instead of seven per row, no limit on bound parameters, and a statement that is the same
    /// text every time.
    @discardableResult
    public func importSubscribers(_ rows: [ImportRow], options: ImportOptions, at now: Date) async throws -> [Int] {
        guard !rows.isEmpty else { return [] }
        return try await engine.write { database in
            var rows = rows
            var skipped: [Int] = []
            if let scope = options.scope {
                let outside = try await outOfScope(rows.map(\.email), scope: scope, in: database)
                skipped = rows.filter { outside.contains($0.email) }.map(\.line)
                rows.removeAll { outside.contains($0.email) }
            }
            if !rows.isEmpty { try await write(rows, options: options, at: now, in: database) }
            return skipped
        }
    }

    /// The e-mail addresses among `emails` whose subscribers are on none of `scope`'s lists.
    private func outOfScope(
        _ emails: [String], scope: Set<ListID>, in database: any SQLDatabase
    ) async throws -> Set<String> {
        let lists = SQLBind.group(scope.isEmpty ? [0] : scope.map(\.rawValue).sorted())
        let array = jsonText(bound: JSONValue.array(emails.map(JSONValue.string)).text)
        let addresses: SQLQueryString =
            flavor == .postgres
            ? "SELECT r.value FROM jsonb_array_elements_text(\(array)) AS r(value)"
            : "SELECT r.value FROM json_each(\(array)) AS r"
        let rows = try await database.raw(
            """
            SELECT s.email FROM subscribers s WHERE s.email IN (\(addresses)) AND NOT EXISTS (
                SELECT 1 FROM subscriber_lists sl WHERE sl.subscriber_id = s.id AND sl.list_id IN \(lists))
            """
        ).all()
        return Set(try rows.map { try $0.string("email") })
    }

    private func write(
        _ rows: [ImportRow], options: ImportOptions, at now: Date, in database: any SQLDatabase
    )
        async throws
    {
        let batch = Self.batchJSON(rows)
        let blocklist = options.mode == .blocklist
        let status = blocklist ? SubscriberStatus.blocklisted : .enabled
        var updates: [String] = []
        if options.overwriteUserInfo { updates += ["name = excluded.name", "attribs = excluded.attribs"] }
        if blocklist { updates.append("status = 'blocklisted'") }
        let onConflict: SQLQueryString =
            updates.isEmpty
            ? "DO NOTHING"
            : "DO UPDATE SET \(unsafeRaw: (updates + ["updated_at = excluded.updated_at"]).joined(separator: ", "))"
        let lists = options.lists
        let subscriptionConflict: SQLQueryString =
            options.overwriteSubscriptionStatus
            ? "DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at" : "DO NOTHING"
        let postgres = flavor == .postgres
        let elements: SQLQueryString =
            postgres
            ? "jsonb_array_elements(\(jsonText(bound: batch))) AS r(value)"
            : "json_each(\(jsonText(bound: batch))) AS r"
        let emails: SQLQueryString = "SELECT r.value->>1 FROM \(elements)"
        // `WHERE true` lets SQLite tell the upsert's ON CONFLICT from a join condition.
        try await database.raw(
            """
            INSERT INTO subscribers (uuid, email, name, attribs, status, created_at, updated_at)
            SELECT \(unsafeRaw: postgres ? "CAST(r.value->>0 AS UUID)" : "r.value->>0"), r.value->>1, r.value->>2,
                \(unsafeRaw: postgres ? "r.value->3" : "r.value->>3"), \(bind: status.rawValue), \(bind: now), \(bind: now)
            FROM \(elements) WHERE true
            ON CONFLICT (email) \(onConflict)
            """
        ).run()
        if blocklist {
            try await database.raw(
                """
                UPDATE subscriber_lists SET status = 'unsubscribed', updated_at = \(bind: now)
                WHERE status <> 'unsubscribed' AND subscriber_id IN (SELECT id FROM subscribers WHERE email IN (\(emails)))
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
            WHERE s.email IN (\(emails))
            ON CONFLICT (subscriber_id, list_id) \(subscriptionConflict)
            """
        ).run()
    }

    /// The batch as a JSON array of `[uuid, email, name, attributes]` (UUIDs in lower case, as
    /// `uuidBind` writes them), in e-mail order with
    /// the batch's new UUIDs in their own order, so that each page of the e-mail and UUID
    /// indexes the batch touches is visited once, not again after the page cache has let it go
    /// (both kinds of key land all over their index).
    static func batchJSON(_ rows: [ImportRow]) -> String {
        let rows = rows.sorted { $0.email.utf8.lexicographicallyPrecedes($1.email.utf8) }
        let uuids = (0..<rows.count).map { _ in UUID() }.sorted { $0.precedes($1) }
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(rows.count * 128)
        for (index, (row, uuid)) in zip(rows, uuids).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "["))
            JSONString.append(uuid.lowercasedText, to: &out)
            out.append(UInt8(ascii: ","))
            JSONString.append(row.email, to: &out)
            out.append(UInt8(ascii: ","))
            JSONString.append(row.name, to: &out)
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: row.attributesJSON.utf8)  // a JSON object, checked by the importer
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }
}

extension UUID {
    /// Byte order, which is the order of the UUID's text and of its bytes in an index.
    fileprivate func precedes(_ other: UUID) -> Bool {
        withUnsafeBytes(of: uuid) { mine in
            withUnsafeBytes(of: other.uuid) { theirs in mine.lexicographicallyPrecedes(theirs) }
        }
    }
}

import Foundation
import SQLKit
import TidingsCore

/// A page too large to read at once, read a batch at a time by keyset: each batch resumes just
/// past the last row of the one before, by the listing's order column and then id, so no batch
/// skips over the rows before it, and each is one short read that holds no connection afterwards.
extension SQLStore {
    public func subscribers(
        _ query: SubscriberQuery, after cursor: SubscriberCursor?, limit: Int
    ) async throws -> (subscribers: [Subscriber], next: SubscriberCursor?) {
        let order = ListingOrder(column: query.orderBy, direction: query.direction, flavor: flavor)
        // The first batch starts where the page does; the others where their cursor says.
        let paging: SQLQueryString =
            cursor == nil ? " LIMIT \(bind: limit) OFFSET \(bind: query.page.offset)" : " LIMIT \(bind: limit)"
        if let expression = query.expression {
            let ids = try await sandboxedIDs(query, expression, order: order, after: cursor, limit: limit)
            // A subscriber deleted since the sandbox saw it is missing here; when the whole batch
            // was, there is no cursor to go on from and the page ends early.
            let batch = try await subscribers(ids: ids, keyedBy: order)
            return (batch.map(\.subscriber), ids.count < limit ? nil : batch.last?.cursor)
        }
        guard let clause = whereClause(query) else { return ([], nil) }
        let columns = subscriberColumns
        return try await engine.read { database in
            let rows = try await database.raw(
                """
                SELECT \(columns), \(order.key(in: "s")) AS sort_key FROM subscribers s
                WHERE \(clause)\(order.resuming(after: cursor, in: "s")) ORDER BY \(order.sequence(in: "s"))\(paging)
                """
            ).all()
            var subscribers = try rows.map(Self.subscriber(from:))
            try await attachSubscriptions(to: &subscribers, in: database)
            let next = try rows.last.map { try order.cursor(from: $0) }
            return (subscribers, rows.count < limit ? nil : next)
        }
    }

    /// Subscribers by id, in the order given, each with where a batch ending on it resumes.
    func subscribers(
        ids: [Int], keyedBy order: ListingOrder
    ) async throws -> [(subscriber: Subscriber, cursor: SubscriberCursor)] {
        guard !ids.isEmpty else { return [] }
        let columns = subscriberColumns
        return try await engine.read { database in
            let rows = try await database.raw(
                "SELECT \(columns), \(order.key(in: "s")) AS sort_key FROM subscribers s WHERE s.id IN \(SQLBind.group(ids))"
            ).all()
            var byID: [Int: (subscriber: Subscriber, cursor: SubscriberCursor)] = [:]
            for row in rows {
                let subscriber = try Self.subscriber(from: row)
                byID[subscriber.id.rawValue] = (subscriber, try order.cursor(from: row))
            }
            let ordered = ids.compactMap { byID[$0] }
            var subscribers = ordered.map(\.subscriber)
            try await attachSubscriptions(to: &subscribers, in: database)
            return zip(subscribers, ordered).map { ($0, $1.cursor) }
        }
    }
}

/// A listing's order as SQL: the order column, then id, both in the listing's direction; the
/// column's value as the database compares it (read into a cursor, bound again to resume).
struct ListingOrder {
    let column: SubscriberOrder
    let direction: SortDirection
    let flavor: SQLFlavor

    /// PostgreSQL's `timestamptz` is read and bound as ISO 8601 text in UTC, exact to the
    /// microsecond (a `Date` is not) and read back the same under any `DateStyle` (the sandbox
    /// logs in as another role); SQLite keeps times as `REAL`, exact as a `Double`.
    private var isPostgresTime: Bool {
        flavor == .postgres && (column == .createdAt || column == .updatedAt)
    }

    private func columnName(in table: String) -> SQLQueryString { "\(unsafeRaw: table).\(unsafeRaw: column.rawValue)" }

    /// `ORDER BY`'s terms.
    func sequence(in table: String) -> SQLQueryString {
        let way: SQLQueryString = direction == .asc ? "ASC" : "DESC"
        let id: SQLQueryString = "\(unsafeRaw: table).id \(way)"
        return column == .id ? id : "\(columnName(in: table)) \(way), \(id)"
    }

    /// The order column's value, to select as `sort_key`.
    func key(in table: String) -> SQLQueryString {
        guard isPostgresTime else { return columnName(in: table) }
        return "to_char(\(columnName(in: table)) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    }

    /// ` AND <the row comes after cursor>`, or nothing without one.
    func resuming(after cursor: SubscriberCursor?, in table: String) -> SQLQueryString {
        guard let cursor else { return "" }
        let comparison: SQLQueryString = direction == .asc ? ">" : "<"
        let id: SQLQueryString = "\(bind: cursor.id.rawValue)"
        if column == .id { return " AND \(unsafeRaw: table).id \(comparison) \(id)" }
        let key: SQLQueryString
        switch cursor.key {
        case .integer(let value): key = "\(bind: value)"
        case .real(let value): key = "\(bind: value)"
        case .text(let value): key = isPostgresTime ? "CAST(\(bind: value) AS TIMESTAMPTZ)" : "\(bind: value)"
        }
        return " AND (\(columnName(in: table)), \(unsafeRaw: table).id) \(comparison) (\(key), \(id))"
    }

    /// Where a batch that ends on `row` (selected with `sort_key`) resumes.
    func cursor(from row: any SQLRow) throws -> SubscriberCursor {
        let key: SubscriberCursor.Key
        switch column {
        case .id: key = .integer(try row.int("sort_key"))
        case .email, .name, .status: key = .text(try row.string("sort_key"))
        case .createdAt, .updatedAt:
            key =
                isPostgresTime
                ? .text(try row.string("sort_key")) : .real(try row.decode(column: "sort_key", as: Double.self))
        }
        return SubscriberCursor(id: SubscriberID(try row.int("id")), key: key)
    }
}

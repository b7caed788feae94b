import Foundation
import SQLKit
import TidingsCore

extension SQLStore: ListStore {
    /// A list's columns, in the order `list(from:counted:)` reads them.
    static let listColumnNames = [
        "id", "uuid", "name", "type", "optin", "status", "tags", "description", "created_at", "updated_at",
    ]
    static let listColumns = listColumnNames.map { "l.\($0)" }.joined(separator: ", ")
    /// `listColumnNames` and then the one of `countedColumn()`.
    static let countedListColumnNames = listColumnNames + ["subscriber_statuses"]

    /// A list from a row of `listColumns` (from column `first` on); `counted` rows have
    /// `countedColumn()` right after them, and the list's subscriber count is the sum of its
    /// statuses' counts.
    static func list(from row: any RowColumns, counted: Bool, first: Int = 0) throws -> MailingList {
        let statuses = counted ? Self.statuses(from: try row.optionalString(first + 10)) : [:]
        return MailingList(
            id: ListID(try row.int(first)), uuid: try row.uuid(first + 1), name: try row.string(first + 2),
            type: ListType(rawValue: try row.string(first + 3)) ?? .private,
            optin: ListOptin(rawValue: try row.string(first + 4)) ?? .single,
            status: ListStatus(rawValue: try row.string(first + 5)) ?? .active,
            tags: JSONColumn.strings(from: try row.string(first + 6)) ?? [],
            description: try row.string(first + 7),
            subscriberCount: statuses.values.reduce(0, +), subscriberStatuses: statuses,
            createdAt: try row.date(first + 8), updatedAt: try row.date(first + 9))
    }

    /// A list from an SQLKit row (reads inside a write transaction).
    static func list(from row: any SQLRow, counted: Bool) throws -> MailingList {
        let names = counted ? countedListColumnNames : listColumnNames
        return try list(from: NamedRowColumns(row: row, names: names), counted: counted)
    }

    /// A list's subscriptions by status, from the counts the triggers of migration 4 keep (never a
    /// count over `subscriber_lists`, which would grow with the subscribers), as one text,
    /// `status:count,…`, so that a page of lists is one statement with one subquery per row.
    private func countedColumn() -> String {
        let concatenation = flavor == .postgres ? "string_agg" : "group_concat"
        return """
            (SELECT \(concatenation)(c.status || ':' || c.subscribers, ',') FROM list_subscription_counts c
                WHERE c.list_id = l.id AND c.subscribers > 0) AS subscriber_statuses
            """
    }

    /// A list's subscriptions in all, for ordering by it.
    private static let subscriberCountExpression = """
        (SELECT COALESCE(SUM(c.subscribers), 0) FROM list_subscription_counts c WHERE c.list_id = l.id)
        """

    /// `status:count,…` as a dictionary (an entry without a count is skipped), read byte by byte:
    /// a page of lists parses one per row.
    static func statuses(from text: String?) -> [String: Int] {
        guard var text, !text.isEmpty else { return [:] }
        return text.withUTF8 { bytes in
            var statuses: [String: Int] = [:]
            var entryStart = 0
            var lastColon: Int?
            for index in 0...bytes.count {
                guard index == bytes.count || bytes[index] == UInt8(ascii: ",") else {
                    if bytes[index] == UInt8(ascii: ":") { lastColon = index }
                    continue
                }
                if let colon = lastColon, colon + 1 < index, let count = decimal(bytes[(colon + 1)..<index]) {
                    statuses[String(decoding: bytes[entryStart..<colon], as: UTF8.self)] = count
                }
                entryStart = index + 1
                lastColon = nil
            }
            return statuses
        }
    }

    /// A non-negative decimal number of at most 18 digits, `nil` for anything else.
    private static func decimal(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return value
    }

    /// The WHERE clause of a list query (always at least `1 = 1`).
    private func whereClause(_ query: ListQuery) -> SQLQueryString {
        var clause: SQLQueryString = "1 = 1"
        if let search = query.search, !search.isEmpty {
            clause = clause + " AND LOWER(l.name) LIKE \(bind: Self.likePattern(search)) ESCAPE '\\'"
        }
        for tag in query.tags {
            switch flavor {
            case .sqlite:
                clause = clause + " AND EXISTS (SELECT 1 FROM json_each(l.tags) t WHERE t.value = \(bind: tag))"
            case .postgres:
                clause = clause + " AND (l.tags::jsonb) ? \(bind: tag)"
            }
        }
        if let type = query.type { clause = clause + " AND l.type = \(bind: type.rawValue)" }
        if let optin = query.optin { clause = clause + " AND l.optin = \(bind: optin.rawValue)" }
        if let status = query.status { clause = clause + " AND l.status = \(bind: status.rawValue)" }
        if let ids = query.onlyIDs {
            clause = clause + " AND l.id IN \(SQLBind.group(ids.map(\.rawValue).sorted()))"
        }
        return clause
    }

    /// `%text%` for a case-insensitive LIKE, with `%`, `_` and `\` taken literally.
    static func likePattern(_ text: String) -> String {
        var escaped = ""
        for character in text.lowercased() {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%\(escaped)%"
    }

    public func lists(_ query: ListQuery) async throws -> Page<MailingList> {
        if let ids = query.onlyIDs, ids.isEmpty { return Page(items: [], total: 0) }
        let clause = whereClause(query)
        let direction: SQLQueryString = query.direction == .asc ? "ASC" : "DESC"
        let paging: SQLQueryString =
            query.page.perPage.map { " LIMIT \(bind: $0) OFFSET \(bind: query.page.offset)" } ?? ""
        let sortColumn =
            query.orderBy == .subscriberCount ? Self.subscriberCountExpression : "l.\(query.orderBy.rawValue)"
        let counted = countedColumn()
        // One statement on the row path: the page, each list's counts, and the total on every row.
        let rows = try await engine.rows(
            SQLQueryString(
                """
                SELECT \(unsafeRaw: Self.listColumns), \(unsafeRaw: counted),
                    (SELECT COUNT(*) FROM lists l WHERE \(clause)) AS total
                FROM lists l WHERE \(clause)
                ORDER BY \(unsafeRaw: sortColumn) \(direction), l.id \(direction)\(paging)
                """)
        ) { row in (list: try Self.list(from: row, counted: true), total: try row.int(11)) }
        if let first = rows.first { return Page(items: rows.map(\.list), total: first.total) }
        guard query.page.offset > 0 else { return Page(items: [], total: 0) }
        // A page past the end has no row to carry the total.
        let total = try await engine.rows(SQLQueryString("SELECT COUNT(*) FROM lists l WHERE \(clause)")) {
            try $0.int(0)
        }
        return Page(items: [], total: total.first ?? 0)
    }

    public func minimalLists(status: ListStatus?, onlyIDs: Set<ListID>?) async throws -> [MailingList] {
        if let onlyIDs, onlyIDs.isEmpty { return [] }
        var query = ListQuery()
        query.status = status
        query.onlyIDs = onlyIDs
        let clause = whereClause(query)
        return try await engine.read { database in
            try await database.raw("SELECT \(unsafeRaw: Self.listColumns) FROM lists l WHERE \(clause) ORDER BY l.id")
                .all().map { try Self.list(from: $0, counted: false) }
        }
    }

    public func list(id: ListID) async throws -> MailingList? {
        try await engine.read { database in try await list(id: id, in: database) }
    }

    private func list(id: ListID, in database: any SQLDatabase) async throws -> MailingList? {
        let row = try await database.raw(
            """
            SELECT \(unsafeRaw: Self.listColumns), \(unsafeRaw: countedColumn())
            FROM lists l WHERE l.id = \(bind: id.rawValue)
            """
        ).first()
        return try row.map { try Self.list(from: $0, counted: true) }
    }

    public func createList(_ draft: ListDraft, at now: Date) async throws -> MailingList {
        try await engine.write { database in
            let row = try await database.raw(
                """
                INSERT INTO lists (uuid, name, type, optin, status, tags, description, created_at, updated_at)
                VALUES (\(bind: uuidBind(UUID())), \(bind: draft.name), \(bind: draft.type.rawValue), \(bind: draft.optin.rawValue),
                    \(bind: draft.status.rawValue), \(bind: JSONColumn.encode(draft.tags)), \(bind: draft.description),
                    \(bind: now), \(bind: now))
                RETURNING id
                """
            ).first()
            guard let row, let created = try await list(id: ListID(try row.int("id")), in: database) else {
                throw StoreFailure.notFound
            }
            return created
        }
    }

    public func updateList(id: ListID, draft: ListDraft, at now: Date) async throws -> MailingList {
        try await engine.write { database in
            let updated = try await database.raw(
                """
                UPDATE lists SET name = \(bind: draft.name), type = \(bind: draft.type.rawValue),
                    optin = \(bind: draft.optin.rawValue), status = \(bind: draft.status.rawValue),
                    tags = \(bind: JSONColumn.encode(draft.tags)), description = \(bind: draft.description),
                    updated_at = \(bind: now)
                WHERE id = \(bind: id.rawValue) RETURNING id
                """
            ).first()
            guard updated != nil, let list = try await list(id: id, in: database) else {
                throw StoreFailure.notFound
            }
            return list
        }
    }

    public func deleteLists(ids: [ListID]) async throws {
        guard !ids.isEmpty else { return }
        try await engine.write { database in
            try await database.delete(from: "lists").where("id", .in, ids.map(\.rawValue)).run()
        }
    }

    public func listIDs(matching search: String, onlyIDs: Set<ListID>?) async throws -> [ListID] {
        var query = ListQuery()
        query.search = search
        query.onlyIDs = onlyIDs
        if let onlyIDs, onlyIDs.isEmpty { return [] }
        let clause = whereClause(query)
        return try await engine.read { database in
            try await database.raw("SELECT l.id FROM lists l WHERE \(clause) ORDER BY l.id").all()
                .map { ListID(try $0.int("id")) }
        }
    }
}

import Foundation
import SQLKit
import TidingsCore

extension SQLStore: ListStore {
    static let listColumns = """
        l.id, l.uuid, l.name, l.type, l.optin, l.status, l.tags, l.description, l.created_at, l.updated_at
        """

    static func list(from row: any SQLRow, counted: Bool) throws -> MailingList {
        MailingList(
            id: ListID(try row.int("id")), uuid: try row.uuid("uuid"), name: try row.string("name"),
            type: ListType(rawValue: try row.string("type")) ?? .private,
            optin: ListOptin(rawValue: try row.string("optin")) ?? .single,
            status: ListStatus(rawValue: try row.string("status")) ?? .active,
            tags: JSONColumn.decode([String].self, from: try row.string("tags")) ?? [],
            description: try row.string("description"),
            subscriberCount: counted ? try row.int("subscriber_count") : 0,
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }

    /// A list's subscriptions of every status, from the counts the triggers of migration 4 keep
    /// (never a count over `subscriber_lists`, which would grow with the subscribers).
    private static let subscriberCount =
        "(SELECT CAST(COALESCE(SUM(c.subscribers), 0) AS BIGINT) FROM list_subscription_counts c WHERE c.list_id = l.id)"

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
        let sortColumn = query.orderBy == .subscriberCount ? "subscriber_count" : "l.\(query.orderBy.rawValue)"
        return try await engine.read { database in
            let total =
                try await database.raw("SELECT COUNT(*) AS n FROM lists l WHERE \(clause)").first()?
                .int("n") ?? 0
            let rows = try await database.raw(
                """
                SELECT \(unsafeRaw: Self.listColumns),
                    \(unsafeRaw: Self.subscriberCount) AS subscriber_count
                FROM lists l WHERE \(clause)
                ORDER BY \(unsafeRaw: sortColumn) \(direction), l.id \(direction)\(paging)
                """
            ).all()
            var lists = try rows.map { try Self.list(from: $0, counted: true) }
            try await Self.attachStatuses(to: &lists, in: database)
            return Page(items: lists, total: total)
        }
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
        try await engine.read { database in try await Self.list(id: id, in: database) }
    }

    private static func list(id: ListID, in database: any SQLDatabase) async throws -> MailingList? {
        let row = try await database.raw(
            """
            SELECT \(unsafeRaw: listColumns),
                \(unsafeRaw: Self.subscriberCount) AS subscriber_count
            FROM lists l WHERE l.id = \(bind: id.rawValue)
            """
        ).first()
        guard let row else { return nil }
        var lists = [try list(from: row, counted: true)]
        try await attachStatuses(to: &lists, in: database)
        return lists.first
    }

    /// Fills `subscriberStatuses` with one grouped query for the whole page.
    private static func attachStatuses(to lists: inout [MailingList], in database: any SQLDatabase) async throws {
        guard !lists.isEmpty else { return }
        let rows = try await database.raw(
            """
            SELECT list_id, status, subscribers AS n FROM list_subscription_counts
            WHERE list_id IN \(SQLBind.group(lists.map(\.id.rawValue))) AND subscribers > 0
            """
        ).all()
        var statuses: [ListID: [String: Int]] = [:]
        for row in rows {
            statuses[ListID(try row.int("list_id")), default: [:]][try row.string("status")] = try row.int("n")
        }
        for index in lists.indices { lists[index].subscriberStatuses = statuses[lists[index].id] ?? [:] }
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
            guard let row, let list = try await Self.list(id: ListID(try row.int("id")), in: database) else {
                throw StoreFailure.notFound
            }
            return list
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
            guard updated != nil, let list = try await Self.list(id: id, in: database) else {
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

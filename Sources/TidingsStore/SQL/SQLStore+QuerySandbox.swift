import SQLKit
import TidingsCore

/// A SELECT that applies a caller's SQL expression to the subscribers it may read: `with`, then
/// `SELECT … FROM <from> WHERE <condition>`, where `from` is named `subscribers`, as listmonk's
/// expressions call it.
private struct SandboxedSelect {
    var with: SQLQueryString?
    var from: SQLQueryString
    var condition: SQLQueryString

    func select(_ columns: SQLQueryString, _ rest: SQLQueryString = "") -> SQLQueryString {
        let prefix: SQLQueryString = with.map { $0 + " " } ?? ""
        return prefix + "SELECT \(columns) FROM \(from) WHERE \(condition)\(rest)"
    }
}

extension SQLStore {
    /// A page of the subscribers matching a query with a SQL expression: the count and the ids
    /// come from the sandbox, the rows are then read normally.
    func sandboxedPage(_ query: SubscriberQuery, _ expression: FilterExpression) async throws -> Page<Subscriber> {
        let sandbox = try sandbox(admitting: expression)
        guard let select = sandboxedSelect(query, expression) else { return Page(items: [], total: 0) }
        let direction: SQLQueryString = query.direction == .asc ? "ASC" : "DESC"
        let paging: SQLQueryString =
            query.page.perPage.map { " LIMIT \(bind: $0) OFFSET \(bind: query.page.offset)" } ?? ""
        let total = try await run(select.select("COUNT(*)"), in: sandbox).first ?? 0
        let ids = try await run(
            select.select(
                "subscribers.id",
                """
                 ORDER BY subscribers.\(unsafeRaw: query.orderBy.rawValue) \(direction), \
                subscribers.id \(direction)\(paging)
                """), in: sandbox)
        return Page(items: try await subscribers(ids: ids), total: total)
    }

    /// The ids, in order, of the next `limit` subscribers after `after` that match a query with a
    /// SQL expression.
    func sandboxedIDs(
        _ query: SubscriberQuery, _ expression: FilterExpression, after: Int, limit: Int
    ) async throws -> [Int] {
        let sandbox = try sandbox(admitting: expression)
        guard let select = sandboxedSelect(query, expression, after: after) else { return [] }
        return try await run(
            select.select("subscribers.id", " ORDER BY subscribers.id LIMIT \(bind: limit)"), in: sandbox)
    }

    /// The ids, in the listing's order, of the next `limit` subscribers after `cursor` that match
    /// a query with a SQL expression; the first batch (no cursor) starts at the page's offset.
    func sandboxedIDs(
        _ query: SubscriberQuery, _ expression: FilterExpression, order: ListingOrder, after cursor: SubscriberCursor?,
        limit: Int
    ) async throws -> [Int] {
        let sandbox = try sandbox(admitting: expression)
        guard let select = sandboxedSelect(query, expression) else { return [] }
        let paging: SQLQueryString =
            cursor == nil ? " LIMIT \(bind: limit) OFFSET \(bind: query.page.offset)" : " LIMIT \(bind: limit)"
        return try await run(
            select.select(
                "subscribers.id",
                "\(order.resuming(after: cursor, in: "subscribers")) ORDER BY \(order.sequence(in: "subscribers"))\(paging)"
            ), in: sandbox)
    }

    private func sandbox(admitting expression: FilterExpression) throws -> any QuerySandbox {
        guard let sandbox = engine.querySandbox else {
            throw TidingsError.badRequest("SQL queries are not available on this database", code: "query_not_supported")
        }
        try sandbox.admit(expression)
        return sandbox
    }

    /// Runs a statement in the sandbox: serialised here, bound and executed there.
    private func run(_ statement: SQLQueryString, in sandbox: any QuerySandbox) async throws -> [Int] {
        let (sql, binds) = try await engine.read { database in database.serialize(statement) }
        return try await sandbox.integers(sql, binds: try binds.map(QueryBind.init))
    }

    /// The statement for `query`'s expression; `nil` when nothing can match. `after`: only ids
    /// above it (for batches in id order).
    ///
    /// With no scope (`subscribers:get_all`), the expression runs over the real tables, as
    /// `(<expression>) AND <filters>`. With a scope, common table expressions named
    /// `subscribers`, `subscriber_lists` and `lists` hold only the scope's rows, so every
    /// unqualified mention of those tables — in subqueries too — reads only them
    /// (`FilterExpression` refuses qualified ones), and the rows the expression filters come
    /// from a subquery of the same kind that also applies the filters. Each of those subqueries
    /// ends in an empty `OFFSET`, which neither database looks through: otherwise either may
    /// evaluate the expression on a row before the scope test turns it away, and an error
    /// raised for that row (`CAST(email AS integer)`) would tell it apart.
    private func sandboxedSelect(
        _ query: SubscriberQuery, _ expression: FilterExpression, after: Int? = nil
    ) -> SandboxedSelect? {
        let condition: SQLQueryString = "(\(unsafeRaw: expression.text))"
        guard let scope = query.scope else {
            guard let filters = whereClause(query, table: "subscribers") else { return nil }
            let above: SQLQueryString = after.map { " AND subscribers.id > \(bind: $0)" } ?? ""
            return SandboxedSelect(with: nil, from: "subscribers", condition: condition + " AND \(filters)\(above)")
        }
        var narrowed = query
        narrowed.lists = query.lists.map { $0.intersection(scope) } ?? scope
        var everyone = SubscriberQuery()
        everyone.lists = scope
        let schema = flavor == .postgres ? "public" : "main"
        guard
            let filters = whereClause(narrowed, table: "s", subscriptions: "\(schema).subscriber_lists"),
            let inScope = whereClause(everyone, table: "s", subscriptions: "\(schema).subscriber_lists")
        else { return nil }
        let fence: SQLQueryString = flavor == .postgres ? " OFFSET 0" : " LIMIT -1 OFFSET 0"
        let lists = SQLBind.group(scope.map(\.rawValue).sorted())
        let resume: SQLQueryString = after.map { " AND s.id > \(bind: $0) ORDER BY s.id" } ?? ""
        return SandboxedSelect(
            with: """
                WITH subscribers AS (SELECT s.* FROM \(unsafeRaw: schema).subscribers s WHERE \(inScope)\(fence)), \
                subscriber_lists AS (SELECT sl.* FROM \(unsafeRaw: schema).subscriber_lists sl \
                WHERE sl.list_id IN \(lists)\(fence)), \
                lists AS (SELECT l.* FROM \(unsafeRaw: schema).lists l WHERE l.id IN \(lists)\(fence))
                """,
            from:
                "(SELECT s.* FROM \(unsafeRaw: schema).subscribers s WHERE \(filters)\(resume)\(fence)) AS subscribers",
            condition: condition)
    }
}

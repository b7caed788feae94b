import Foundation
import SQLKit
import TidingsCore

extension SQLStore: SubscriberStore {
    /// The subscriber columns, with JSON read as text on both databases.
    var subscriberColumns: SQLQueryString {
        "s.id, s.uuid, s.email, s.name, \(unsafeRaw: jsonText("s.attribs")) AS attribs, s.status, s.created_at, s.updated_at"
    }

    /// A JSON column as text (PostgreSQL keeps it as `jsonb`).
    func jsonText(_ column: String) -> String { flavor == .postgres ? "\(column)::text" : column }

    /// JSON text bound for a JSON column.
    func jsonValue(_ value: JSONValue) -> SQLQueryString { jsonText(bound: value.text) }

    /// Valid JSON text bound for a JSON column.
    func jsonText(bound text: String) -> SQLQueryString {
        flavor == .postgres ? "CAST(\(bind: text) AS JSONB)" : "\(bind: text)"
    }

    private static func subscriberRow(from row: any SQLRow) throws -> SubscriberRow {
        SubscriberRow(
            id: SubscriberID(try row.int("id")), uuid: try row.uuid("uuid"), email: try row.string("email"),
            name: try row.string("name"), attributesJSON: try row.string("attribs"),
            status: SubscriberStatus(rawValue: try row.string("status")) ?? .enabled,
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }

    static func subscriber(from row: any SQLRow) throws -> Subscriber {
        let attributes = (try? JSONValue.parse(try row.string("attribs")))?.objectMembers ?? [:]
        return Subscriber(
            id: SubscriberID(try row.int("id")), uuid: try row.uuid("uuid"), email: try row.string("email"),
            name: try row.string("name"), attributes: attributes,
            status: SubscriberStatus(rawValue: try row.string("status")) ?? .enabled, subscriptions: [],
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }

    /// The WHERE clause of a subscriber query over `table` (the alias or name subscribers go by;
    /// the caller's SQL expression is not part of it). `nil`: it can match nothing.
    /// `withLists: false` leaves the list filter out, for a query that joins the subscriptions;
    /// `subscriptions` names the subscriptions table (qualified where a sandboxed statement
    /// shadows it).
    func whereClause(
        _ query: SubscriberQuery, table: String = "s", withLists: Bool = true,
        subscriptions: String = "subscriber_lists"
    ) -> SQLQueryString? {
        let t = SQLQueryString(stringLiteral: table)
        var clause: SQLQueryString = "1 = 1"
        if withLists, let lists = query.lists {
            guard !lists.isEmpty else { return nil }
            var membership: SQLQueryString =
                "sl.subscriber_id = \(t).id AND sl.list_id IN \(SQLBind.group(lists.map(\.rawValue).sorted()))"
            if let status = query.subscriptionStatus {
                membership = membership + " AND sl.status = \(bind: status.rawValue)"
            }
            clause = clause + " AND EXISTS (SELECT 1 FROM \(unsafeRaw: subscriptions) sl WHERE \(membership))"
        }
        if let ids = query.ids {
            guard !ids.isEmpty else { return nil }
            clause = clause + " AND \(t).id IN \(SQLBind.group(ids.map(\.rawValue).sorted()))"
        }
        if !query.search.isEmpty {
            let pattern = Self.likePattern(query.search)
            clause =
                clause
                + " AND (LOWER(\(t).email) LIKE \(bind: pattern) ESCAPE '\\' OR LOWER(\(t).name) LIKE \(bind: pattern) ESCAPE '\\')"
        }
        return clause
    }

    public func subscribers(_ query: SubscriberQuery) async throws -> Page<Subscriber> {
        if let expression = query.expression { return try await sandboxedPage(query, expression) }
        if let list = query.lists?.first, query.lists?.count == 1 { return try await subscribers(query, onList: list) }
        guard let clause = whereClause(query) else { return Page(items: [], total: 0) }
        let direction: SQLQueryString = query.direction == .asc ? "ASC" : "DESC"
        let paging: SQLQueryString =
            query.page.perPage.map { " LIMIT \(bind: $0) OFFSET \(bind: query.page.offset)" } ?? ""
        let columns = subscriberColumns
        return try await engine.read { database in
            let total =
                try await database.raw("SELECT COUNT(*) AS n FROM subscribers s WHERE \(clause)").first()?.int("n") ?? 0
            var subscribers = try await database.raw(
                """
                SELECT \(columns) FROM subscribers s WHERE \(clause)
                ORDER BY s.\(unsafeRaw: query.orderBy.rawValue) \(direction), s.id \(direction)\(paging)
                """
            ).all().map(Self.subscriber(from:))
            try await attachSubscriptions(to: &subscribers, in: database)
            return Page(items: subscribers, total: total)
        }
    }

    public func subscriberBatch(
        _ query: SubscriberQuery, after: SubscriberID?, limit: Int
    ) async throws
        -> [SubscriberRow]
    {
        let columns = subscriberColumns
        if let expression = query.expression {
            let ids = try await sandboxedIDs(query, expression, after: after?.rawValue ?? 0, limit: limit)
            guard !ids.isEmpty else { return [] }
            return try await engine.read { database in
                try await database.raw(
                    "SELECT \(columns) FROM subscribers s WHERE s.id IN \(SQLBind.group(ids)) ORDER BY s.id"
                ).all().map(Self.subscriberRow(from:))
            }
        }
        guard let clause = whereClause(query) else { return [] }
        return try await engine.read { database in
            try await database.raw(
                """
                SELECT \(columns) FROM subscribers s WHERE \(clause) AND s.id > \(bind: after?.rawValue ?? 0)
                ORDER BY s.id LIMIT \(bind: limit)
                """
            ).all().map(Self.subscriberRow(from:))
        }
    }

    /// Subscribers by id, in the order given.
    func subscribers(ids: [Int]) async throws -> [Subscriber] {
        let order = ListingOrder(column: .id, direction: .asc, flavor: flavor)
        return try await subscribers(ids: ids, keyedBy: order).map(\.subscriber)
    }

    /// The listing of one list's subscribers, the common case at any size: the page comes from
    /// the (list, subscriber) index, and the total from the kept counts when nothing else filters.
    private func subscribers(_ query: SubscriberQuery, onList list: ListID) async throws -> Page<Subscriber> {
        guard let clause = whereClause(query, withLists: false) else { return Page(items: [], total: 0) }
        let membership: SQLQueryString =
            "sl.list_id = \(bind: list.rawValue)"
            + (query.subscriptionStatus.map { " AND sl.status = \(bind: $0.rawValue)" } ?? "")
        let direction: SQLQueryString = query.direction == .asc ? "ASC" : "DESC"
        let order: SQLQueryString =
            query.orderBy == .id
            ? "sl.subscriber_id \(direction)" : "s.\(unsafeRaw: query.orderBy.rawValue) \(direction), s.id \(direction)"
        let paging: SQLQueryString =
            query.page.perPage.map { " LIMIT \(bind: $0) OFFSET \(bind: query.page.offset)" } ?? ""
        let countsSuffice = query.ids == nil && query.search.isEmpty
        let statusFilter: SQLQueryString = query.subscriptionStatus.map { " AND status = \(bind: $0.rawValue)" } ?? ""
        let columns = subscriberColumns
        return try await engine.read { database in
            let total: Int
            if countsSuffice {
                total =
                    try await database.raw(
                        """
                        SELECT CAST(COALESCE(SUM(subscribers), 0) AS BIGINT) AS n FROM list_subscription_counts
                        WHERE list_id = \(bind: list.rawValue)\(statusFilter)
                        """
                    ).first()?.int("n") ?? 0
            } else {
                total =
                    try await database.raw(
                        """
                        SELECT COUNT(*) AS n FROM subscriber_lists sl JOIN subscribers s ON s.id = sl.subscriber_id
                        WHERE \(membership) AND \(clause)
                        """
                    ).first()?.int("n") ?? 0
            }
            let page: SQLQueryString
            if countsSuffice, query.orderBy == .id {
                // Only the subscriptions decide the page: skip through the index alone, then join
                // the page's twenty subscribers (PostgreSQL would otherwise join every skipped row).
                page = """
                    SELECT \(columns) FROM subscribers s JOIN (
                        SELECT sl.subscriber_id FROM subscriber_lists sl WHERE \(membership)
                        ORDER BY sl.subscriber_id \(direction)\(paging)
                    ) p ON p.subscriber_id = s.id
                    ORDER BY s.id \(direction)
                    """
            } else {
                page = """
                    SELECT \(columns) FROM subscriber_lists sl JOIN subscribers s ON s.id = sl.subscriber_id
                    WHERE \(membership) AND \(clause) ORDER BY \(order)\(paging)
                    """
            }
            var subscribers = try await database.raw(page).all().map(Self.subscriber(from:))
            try await attachSubscriptions(to: &subscribers, in: database)
            return Page(items: subscribers, total: total)
        }
    }

    public func subscriber(id: SubscriberID) async throws -> Subscriber? {
        try await engine.read { database in try await subscriber(id: id, in: database) }
    }

    public func subscriber(uuid: UUID) async throws -> Subscriber? {
        try await engine.read { database in
            try await subscriber(where: "s.uuid = \(bind: uuidBind(uuid))", in: database)
        }
    }

    private func subscriber(id: SubscriberID, in database: any SQLDatabase) async throws -> Subscriber? {
        try await subscriber(where: "s.id = \(bind: id.rawValue)", in: database)
    }

    private func subscriber(where condition: SQLQueryString, in database: any SQLDatabase) async throws -> Subscriber? {
        guard
            let row = try await database.raw("SELECT \(subscriberColumns) FROM subscribers s WHERE \(condition)")
                .first()
        else { return nil }
        var subscribers = [try Self.subscriber(from: row)]
        try await attachSubscriptions(to: &subscribers, in: database)
        return subscribers.first
    }

    /// Fills in the subscriptions of a page of subscribers with one query.
    func attachSubscriptions(to subscribers: inout [Subscriber], in database: any SQLDatabase) async throws {
        guard !subscribers.isEmpty else { return }
        let rows = try await database.raw(
            """
            SELECT sl.subscriber_id, sl.status AS subscription_status, \(unsafeRaw: jsonText("sl.meta")) AS meta,
                sl.created_at AS subscribed_at, sl.updated_at AS subscription_updated_at, \(unsafeRaw: Self.listColumns)
            FROM subscriber_lists sl JOIN lists l ON l.id = sl.list_id
            WHERE sl.subscriber_id IN \(SQLBind.group(subscribers.map(\.id.rawValue)))
            ORDER BY sl.subscriber_id, l.id
            """
        ).all()
        var bySubscriber: [SubscriberID: [Subscription]] = [:]
        for row in rows {
            let subscription = Subscription(
                list: try Self.list(from: row, counted: false),
                status: SubscriptionStatus(rawValue: try row.string("subscription_status")) ?? .unconfirmed,
                meta: (try? JSONValue.parse(try row.string("meta"))) ?? .object([:]),
                createdAt: try row.date("subscribed_at"), updatedAt: try row.date("subscription_updated_at"))
            bySubscriber[SubscriberID(try row.int("subscriber_id")), default: []].append(subscription)
        }
        for index in subscribers.indices {
            subscribers[index].subscriptions = bySubscriber[subscribers[index].id] ?? []
        }
    }

    public func createSubscriber(
        _ draft: SubscriberDraft, lists: [ListID], status: SubscriptionStatus, at now: Date
    ) async throws -> Subscriber {
        try await writeRefusingTakenEmail { database in
            try await refuseTaken(email: draft.email, except: nil, in: database)
            let row = try await database.raw(
                """
                INSERT INTO subscribers (uuid, email, name, attribs, status, created_at, updated_at)
                VALUES (\(bind: uuidBind(UUID())), \(bind: draft.email), \(bind: draft.name),
                    \(jsonValue(.object(draft.attributes))), \(bind: draft.status.rawValue), \(bind: now), \(bind: now))
                RETURNING id
                """
            ).first()
            let id = SubscriberID(try row?.int("id") ?? 0)
            let effective = draft.status == .blocklisted ? .unsubscribed : status
            try await insertSubscriptions(
                subscribers: [id], lists: lists, status: effective, at: now, in: database)
            guard let subscriber = try await subscriber(id: id, in: database) else {
                throw StoreFailure.notFound
            }
            return subscriber
        }
    }

    public func updateSubscriber(
        id: SubscriberID, draft: SubscriberDraft, subscriptions: SubscriptionReplacement?, at now: Date
    ) async throws -> Subscriber {
        try await writeRefusingTakenEmail { database in
            try await refuseTaken(email: draft.email, except: id, in: database)
            let updated = try await database.raw(
                """
                UPDATE subscribers SET email = \(bind: draft.email), name = \(bind: draft.name),
                    attribs = \(jsonValue(.object(draft.attributes))), status = \(bind: draft.status.rawValue),
                    updated_at = \(bind: now)
                WHERE id = \(bind: id.rawValue) RETURNING id
                """
            ).first()
            guard updated != nil else { throw StoreFailure.notFound }
            if let subscriptions {
                try await replaceSubscriptions(of: id, with: subscriptions, at: now, in: database)
            }
            if draft.status == .blocklisted {
                try await unsubscribeEverywhere([id], at: now, in: database)
            }
            guard let subscriber = try await subscriber(id: id, in: database) else { throw StoreFailure.notFound }
            return subscriber
        }
    }

    private func replaceSubscriptions(
        of id: SubscriberID, with replacement: SubscriptionReplacement, at now: Date, in database: any SQLDatabase
    ) async throws {
        let keep = SQLBind.group(([0] + replacement.lists.map(\.rawValue)).sorted())
        let scope: SQLQueryString =
            replacement.scope.map { " AND list_id IN \(SQLBind.group(([0] + $0.map(\.rawValue)).sorted()))" } ?? ""
        try await database.raw(
            "DELETE FROM subscriber_lists WHERE subscriber_id = \(bind: id.rawValue) AND list_id NOT IN \(keep)\(scope)"
        ).run()
        guard !replacement.lists.isEmpty else { return }
        try await database.raw(
            """
            UPDATE subscriber_lists SET status = \(bind: replacement.status.rawValue), updated_at = \(bind: now)
            WHERE subscriber_id = \(bind: id.rawValue) AND list_id IN \(keep)
                AND status NOT IN ('confirmed', 'unsubscribed') AND status <> \(bind: replacement.status.rawValue)
            """
        ).run()
        try await insertSubscriptions(
            subscribers: [id], lists: replacement.lists, status: replacement.status, at: now, in: database)
    }

    /// Subscribes each of `subscribers` to each existing list of `lists` it is not yet on.
    /// Blocklisted subscribers are subscribed as `unsubscribed`.
    private func insertSubscriptions(
        subscribers: [SubscriberID], lists: [ListID], status: SubscriptionStatus, at now: Date,
        in database: any SQLDatabase
    ) async throws {
        guard !subscribers.isEmpty, !lists.isEmpty else { return }
        try await database.raw(
            """
            INSERT INTO subscriber_lists (subscriber_id, list_id, status, created_at, updated_at)
            SELECT s.id, l.id, CASE WHEN s.status = 'blocklisted' THEN 'unsubscribed' ELSE \(bind: status.rawValue) END,
                \(bind: now), \(bind: now)
            FROM subscribers s JOIN lists l ON l.id IN \(SQLBind.group(lists.map(\.rawValue).sorted()))
            WHERE s.id IN \(SQLBind.group(subscribers.map(\.rawValue).sorted()))
                AND NOT EXISTS (SELECT 1 FROM subscriber_lists x WHERE x.subscriber_id = s.id AND x.list_id = l.id)
            """
        ).run()
    }

    private func unsubscribeEverywhere(_ ids: [SubscriberID], at now: Date, in database: any SQLDatabase) async throws {
        try await database.raw(
            """
            UPDATE subscriber_lists SET status = 'unsubscribed', updated_at = \(bind: now)
            WHERE subscriber_id IN \(SQLBind.group(ids.map(\.rawValue))) AND status <> 'unsubscribed'
            """
        ).run()
    }

    public func deleteSubscribers(ids: [SubscriberID]) async throws {
        guard !ids.isEmpty else { return }
        try await engine.write { database in
            try await database.raw("DELETE FROM subscribers WHERE id IN \(SQLBind.group(ids.map(\.rawValue)))").run()
        }
    }

    public func blocklistSubscribers(ids: [SubscriberID], at now: Date) async throws {
        guard !ids.isEmpty else { return }
        try await engine.write { database in
            try await database.raw(
                """
                UPDATE subscribers SET status = 'blocklisted', updated_at = \(bind: now)
                WHERE id IN \(SQLBind.group(ids.map(\.rawValue)))
                """
            ).run()
            try await unsubscribeEverywhere(ids, at: now, in: database)
        }
    }

    public func changeSubscriptions(
        ids: [SubscriberID], action: SubscriptionAction, lists: [ListID], status: SubscriptionStatus?,
        overwrite: Bool, at now: Date
    ) async throws {
        guard !ids.isEmpty, !lists.isEmpty else { return }
        let subscribers = SQLBind.group(ids.map(\.rawValue).sorted())
        let targets = SQLBind.group(lists.map(\.rawValue).sorted())
        try await engine.write { database in
            switch action {
            case .add:
                try await insertSubscriptions(
                    subscribers: ids, lists: lists, status: status ?? .unconfirmed, at: now, in: database)
                guard overwrite, let status else { return }
                try await database.raw(
                    """
                    UPDATE subscriber_lists SET status = \(bind: status.rawValue), updated_at = \(bind: now)
                    WHERE subscriber_id IN \(subscribers) AND list_id IN \(targets) AND status <> \(bind: status.rawValue)
                        AND subscriber_id NOT IN (SELECT id FROM subscribers WHERE status = 'blocklisted')
                    """
                ).run()
            case .remove:
                try await database.raw(
                    "DELETE FROM subscriber_lists WHERE subscriber_id IN \(subscribers) AND list_id IN \(targets)"
                ).run()
            case .unsubscribe:
                try await database.raw(
                    """
                    UPDATE subscriber_lists SET status = 'unsubscribed', updated_at = \(bind: now)
                    WHERE subscriber_id IN \(subscribers) AND list_id IN \(targets) AND status <> 'unsubscribed'
                    """
                ).run()
            }
        }
    }

    public func confirmSubscriptions(of id: SubscriberID, lists: [ListID], at now: Date) async throws -> Int {
        guard !lists.isEmpty else { return 0 }
        return try await engine.write { database in
            try await database.raw(
                """
                UPDATE subscriber_lists SET status = 'confirmed', updated_at = \(bind: now)
                WHERE subscriber_id = \(bind: id.rawValue) AND list_id IN \(SQLBind.group(lists.map(\.rawValue).sorted()))
                    AND status = 'unconfirmed'
                    AND subscriber_id NOT IN (SELECT id FROM subscribers WHERE status = 'blocklisted')
                RETURNING list_id
                """
            ).all().count
        }
    }

    public func subscribedLists(of ids: [SubscriberID]) async throws -> [SubscriberID: Set<ListID>] {
        guard !ids.isEmpty else { return [:] }
        return try await engine.read { database in
            let rows = try await database.raw(
                """
                SELECT s.id, sl.list_id FROM subscribers s LEFT JOIN subscriber_lists sl ON sl.subscriber_id = s.id
                WHERE s.id IN \(SQLBind.group(ids.map(\.rawValue)))
                """
            ).all()
            var lists: [SubscriberID: Set<ListID>] = [:]
            for row in rows {
                let id = SubscriberID(try row.int("id"))
                lists[id, default: []].formUnion(try row.optionalInt("list_id").map { [ListID($0)] } ?? [])
            }
            return lists
        }
    }

    /// A write in which a unique violation on the e-mail address (a concurrent insert that the
    /// check inside the transaction could not see) becomes the same `conflict` as the check.
    private func writeRefusingTakenEmail<T: Sendable>(
        _ body: @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        do {
            return try await engine.write(body)
        } catch let error where ConstraintViolation.isUnique(error) {
            throw StoreFailure.taken(field: "email", value: "")
        }
    }

    private func refuseTaken(email: String, except id: SubscriberID?, in database: any SQLDatabase) async throws {
        let taken = try await database.raw(
            "SELECT 1 AS taken FROM subscribers WHERE email = \(bind: email) AND id <> \(bind: id?.rawValue ?? 0)"
        ).first()
        if taken != nil { throw StoreFailure.taken(field: "email", value: email) }
    }
}

import Foundation
import SQLKit
import TidingsCore

extension SQLStore: AuditStore {
    private static let auditColumns = """
        id, at, action, outcome, actor_type, actor_user_id, actor_username, actor_token, client_ip, user_agent, \
        method, route, status, target_type, target_id, code, details
        """

    private static func auditEvent(from row: any SQLRow) throws -> AuditEvent {
        AuditEvent(
            id: try row.int("id"), at: try row.date("at"), action: try row.string("action"),
            outcome: AuditEvent.Outcome(rawValue: try row.string("outcome")) ?? .failure,
            actor: AuditEvent.Actor(
                kind: AuditEvent.Actor.Kind(rawValue: try row.string("actor_type")) ?? .anonymous,
                userID: (try row.optionalInt("actor_user_id")).map { UserID($0) },
                username: try row.optionalString("actor_username"), tokenKeyID: try row.optionalString("actor_token")),
            clientIP: try row.optionalString("client_ip"), userAgent: try row.optionalString("user_agent"),
            method: try row.optionalString("method"), route: try row.optionalString("route"),
            status: try row.optionalInt("status"), targetType: try row.optionalString("target_type"),
            targetID: try row.optionalString("target_id"), code: try row.optionalString("code"),
            details: JSONColumn.decode([String: String].self, from: try row.string("details")) ?? [:])
    }

    /// Rows per `INSERT`: 16 bound values each stay far below both databases' limits on bound
    /// parameters (SQLite 32,766, PostgreSQL 65,535).
    static let auditRowsPerStatement = 500

    /// Writes the events in one transaction, as multi-row `INSERT`s: a flood of refused requests
    /// makes thousands of events a second, and one statement per event kept the writer busy
    /// long enough to delay everyone else's writes.
    public func appendAuditEvents(_ events: [AuditEvent]) async throws {
        guard !events.isEmpty else { return }
        try await engine.write { database in
            var start = 0
            while start < events.count {
                let chunk = events[start..<min(start + Self.auditRowsPerStatement, events.count)]
                var values: SQLQueryString = ""
                for (offset, event) in chunk.enumerated() {
                    if offset > 0 { values = values + ", " }
                    values =
                        values
                            + """
                            (\(bind: event.at), \(bind: event.action), \(bind: event.outcome.rawValue),
                                \(bind: event.actor.kind.rawValue), \(bind: event.actor.userID?.rawValue),
                                \(bind: event.actor.username), \(bind: event.actor.tokenKeyID), \(bind: event.clientIP),
                                \(bind: event.userAgent), \(bind: event.method), \(bind: event.route), \(bind: event.status),
                                \(bind: event.targetType), \(bind: event.targetID), \(bind: event.code),
                                \(bind: JSONColumn.encode(event.details)))
                            """
                }
                try await database.raw(
                    """
                    INSERT INTO audit_log (at, action, outcome, actor_type, actor_user_id, actor_username, actor_token,
                        client_ip, user_agent, method, route, status, target_type, target_id, code, details)
                    VALUES \(values)
                    """
                ).run()
                start += chunk.count
            }
        }
    }

    public func auditEvents(_ query: AuditQuery) async throws -> Page<AuditEvent> {
        var clause: SQLQueryString = "1 = 1"
        if let actor = query.actor, !actor.isEmpty {
            if let id = Int(actor) {
                clause = clause + " AND actor_user_id = \(bind: id)"
            } else {
                clause = clause + " AND actor_username = \(bind: actor)"
            }
        }
        if let action = query.action, !action.isEmpty {
            if action.hasSuffix(".") {
                clause = clause + " AND action LIKE \(bind: Self.prefixPattern(action)) ESCAPE '\\'"
            } else {
                clause = clause + " AND action = \(bind: action)"
            }
        }
        if let outcome = query.outcome { clause = clause + " AND outcome = \(bind: outcome.rawValue)" }
        if let from = query.from { clause = clause + " AND at >= \(bind: from)" }
        if let until = query.until { clause = clause + " AND at < \(bind: until)" }
        if let beforeID = query.beforeID { clause = clause + " AND id < \(bind: beforeID)" }
        let order: SQLQueryString = query.beforeID == nil ? "at DESC, id DESC" : "id DESC"
        let paging: SQLQueryString =
            query.pagination.perPage.map { " LIMIT \(bind: $0) OFFSET \(bind: query.pagination.offset)" } ?? ""
        let filter = clause
        return try await engine.read { database in
            let total =
                try await database.raw("SELECT COUNT(*) AS n FROM audit_log WHERE \(filter)").first()?
                .int("n") ?? 0
            let rows = try await database.raw(
                """
                SELECT \(unsafeRaw: Self.auditColumns) FROM audit_log WHERE \(filter)
                ORDER BY \(order)\(paging)
                """
            ).all()
            return Page(items: try rows.map(Self.auditEvent(from:)), total: total)
        }
    }

    /// `text%` for LIKE, with `%`, `_` and `\` taken literally.
    private static func prefixPattern(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped + "%"
    }
}

import Foundation
import Hummingbird
import TidingsCore

/// Admin → Audit log: the events, filtered by actor, action, outcome and day, newest first, with
/// the CSV export of the same filters (`/api/audit/export`, which a session may call).
struct AuditPages {
    let audit: AuditLog

    var routes: [AdminRoute] { [AdminRoute(.get, "audit", [.auditGet], list)] }

    @Sendable func list(_ request: Request, context: AdminContext) async throws -> Response {
        let filters = AdminFilters(request, path: "/admin/audit", names: ["actor", "action", "outcome", "from", "to"])
        let page = filters.page
        var query = AuditQuery(pagination: Pagination(page: page, perPage: 50))
        query.actor = filters["actor"].isEmpty ? nil : String(filters["actor"].prefix(256))
        query.action = filters["action"].isEmpty ? nil : String(filters["action"].prefix(128))
        query.outcome = AuditEvent.Outcome(rawValue: filters["outcome"])
        var error: String?
        for (name, keyPath) in [("from", \AuditQuery.from), ("to", \AuditQuery.until)] {
            let value = filters[name]
            guard !value.isEmpty else { continue }
            guard let day = Self.day(value) else {
                error = "“\(name == "from" ? "From" : "Until")” must be a date (YYYY-MM-DD)."
                continue
            }
            // `to` is inclusive on the page: events of that whole day.
            query[keyPath: keyPath] = name == "to" ? day.addingTimeInterval(86_400) : day
        }
        await audit.flush()
        let events = error == nil ? try await audit.events(query) : Page(items: [], total: 0)
        let rows: [[String: Any]] = events.items.map { event in
            [
                "at": AdminFormat.time(event.at), "action": event.action, "ok": event.outcome == .success,
                "outcome": event.outcome.rawValue,
                "actor": event.actor.username ?? event.actor.kind.rawValue, "kind": event.actor.kind.rawValue,
                "ip": event.clientIP ?? "—", "target": event.targetType.map { "\($0) \(event.targetID ?? "")" } ?? "",
                "code": event.code as Any,
            ]
        }
        var data = filters.paging(total: events.total, perPage: 50)
        data["events"] = rows
        data["filters"] = filters.values.merging(["outcome-\(filters["outcome"])": "selected"]) { $1 }
        data["export"] = filters.link("/api/audit/export")
        return context.page("audit", title: "Audit log", data, status: error == nil ? .ok : .badRequest, error: error)
    }

    /// Midnight UTC of a `YYYY-MM-DD` date.
    static func day(_ text: String) -> Date? {
        guard text.utf8.count == 10 else { return nil }
        return Timestamp.parse(text + "T00:00:00Z")
    }
}

import Foundation
import Hummingbird
import TidingsCore

/// Admin → Audit log: the events, filtered by actor, action, outcome and day, newest first, with
/// the CSV export of the same filters (`/api/audit/export`, which a session may call).
struct AuditPages {
    let services: AppServices

    var routes: [AdminRoute] { [AdminRoute(.get, "audit", [.auditGet], list)] }

    @Sendable func list(_ request: Request, context: AdminContext) async throws -> Response {
        let parameters = request.uri.queryParameters
        let text: (String) -> String = {
            parameters[$0[...]].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        }
        let filters = [
            "actor": text("actor"), "action": text("action"), "outcome": text("outcome"),
            "from": text("from"), "to": text("to"),
        ]
        let page = max(1, Int(text("page")) ?? 1)
        var query = AuditQuery(pagination: Pagination(page: page, perPage: 50))
        query.actor = filters["actor"].flatMap { $0.isEmpty ? nil : String($0.prefix(256)) }
        query.action = filters["action"].flatMap { $0.isEmpty ? nil : String($0.prefix(128)) }
        query.outcome = AuditEvent.Outcome(rawValue: filters["outcome"] ?? "")
        var error: String?
        for (name, keyPath) in [("from", \AuditQuery.from), ("to", \AuditQuery.until)] {
            guard let value = filters[name], !value.isEmpty else { continue }
            guard let day = Self.day(value) else {
                error = "“\(name == "from" ? "From" : "Until")” must be a date (YYYY-MM-DD)."
                continue
            }
            // `to` is inclusive on the page: events of that whole day.
            query[keyPath: keyPath] = name == "to" ? day.addingTimeInterval(86_400) : day
        }
        await services.audit.flush()
        let events = error == nil ? try await services.audit.events(query) : Page(items: [], total: 0)
        let rows: [[String: Any]] = events.items.map { event in
            [
                "at": AdminFormat.time(event.at), "action": event.action, "ok": event.outcome == .success,
                "outcome": event.outcome.rawValue,
                "actor": event.actor.username ?? event.actor.kind.rawValue, "kind": event.actor.kind.rawValue,
                "ip": event.clientIP ?? "—", "target": event.targetType.map { "\($0) \(event.targetID ?? "")" } ?? "",
                "code": event.code as Any,
            ]
        }
        let filterQuery = filters.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? "")" }
        let base = "/admin/audit?" + filterQuery.map { $0 + "&" }.joined()
        let pages = max(1, (events.total + 49) / 50)
        var data: [String: Any] = ["events": rows, "total": events.total, "page": page, "pages": pages]
        data["filters"] = filters.merging(["outcome-\(filters["outcome"] ?? "")": "selected"]) { $1 }
        if page > 1 { data["previous"] = base + "page=\(page - 1)" }
        if page < pages { data["next"] = base + "page=\(page + 1)" }
        data["export"] = "/api/audit/export" + (filterQuery.isEmpty ? "" : "?" + filterQuery.joined(separator: "&"))
        return context.page("audit", title: "Audit log", data, status: error == nil ? .ok : .badRequest, error: error)
    }

    /// RFC 3986's unreserved characters: all that a query value needs unescaped.
    static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// Midnight UTC of a `YYYY-MM-DD` date.
    static func day(_ text: String) -> Date? {
        guard text.utf8.count == 10 else { return nil }
        return Timestamp.parse(text + "T00:00:00Z")
    }
}

import Foundation
import Hummingbird
import NIOCore
import TidingsCore

/// `/api/audit`: the audit log, filtered and paginated, and its CSV export.
/// Both need `audit:get`.
struct AuditController {
    let audit: AuditLog

    var routes: [APIRoute] {
        [
            APIRoute(.get, "audit", .anyOf([.auditGet]), list),
            APIRoute(.get, "audit/export", .anyOf([.auditGet]), export),
        ]
    }

    /// The filters shared by both routes: `actor` (username or user id), `action` (exact, or a
    /// prefix ending in `.`), `outcome`, and `from`/`to` (RFC 3339; `to` is exclusive).
    static func query(_ request: Request) throws -> AuditQuery {
        func time(_ name: String) throws -> Date? {
            guard let text = request.param(name), !text.isEmpty else { return nil }
            guard let date = Timestamp.parse(text) else {
                throw TidingsError.invalidField(name, "Invalid fields: \(name) (an RFC 3339 time)")
            }
            return date
        }
        let query = AuditQuery(
            actor: request.param("actor").map { String($0.prefix(256)) },
            action: request.param("action").map { String($0.prefix(128)) },
            outcome: try request.option("outcome", as: AuditEvent.Outcome.self), from: try time("from"),
            until: try time("to"), pagination: request.pagination)
        if let from = query.from, let until = query.until, from >= until {
            throw TidingsError.invalidField("from", "Invalid fields: from (must be before to)")
        }
        return query
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let query = try Self.query(request)
        let page = try await audit.events(query)
        return try ok(
            PageJSON(
                results: page.items.map(AuditEventJSON.init), total: page.total,
                per_page: query.pagination.perPage ?? 0, page: query.pagination.page), request)
    }

    /// Streams every matching event as CSV, newest first, a thousand rows per database read.
    @Sendable func export(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        var first = try Self.query(request)
        first.pagination = Pagination(page: 1, perPage: 1_000)
        first.beforeID = Int.max
        await audit.flush()
        let audit = audit
        let start = first
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: AuditCSV.line(AuditCSV.header)))
            var page = start
            while true {
                let events = try await audit.events(page).items
                if events.isEmpty { break }
                try await writer.write(ByteBuffer(string: events.map(AuditCSV.row).joined()))
                guard events.count == 1_000, let last = events.last?.id else { break }
                page.beforeID = last
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"tidings-audit.csv\"",
            ], body: body)
    }
}

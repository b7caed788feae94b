import Foundation
import Hummingbird
import TidingsCore

/// `/api/lists`. Per-list access is checked by `ListService`.
struct ListsController {
    let lists: ListService

    var routes: [APIRoute] {
        [
            APIRoute(.get, "lists", .authenticated, query),
            APIRoute(.get, "lists/:id", .authenticated, get),
            APIRoute(.post, "lists", .anyOf([.listsManageAll]), create),
            APIRoute(.put, "lists/:id", .authenticated, update),
            APIRoute(.delete, "lists/:id", .authenticated, deleteOne),
            APIRoute(.delete, "lists", .authenticated, deleteMany),
        ]
    }

    struct ListBody: Decodable {
        var name: String?
        var type: String?
        var optin: String?
        var status: String?
        var tags: [String]?
        var description: String?

        func parse<T: RawRepresentable>(_ value: String?, _ field: String, as: T.Type) throws -> T?
        where T.RawValue == String {
            guard let value, !value.isEmpty else { return nil }
            guard let parsed = T(rawValue: value) else { throw TidingsError.invalidField(field) }
            return parsed
        }

        /// The draft this body describes over `current` (empty fields keep its values; tags are
        /// always replaced), or over listmonk's defaults when creating.
        func draft(over current: MailingList?) throws -> ListDraft {
            ListDraft(
                name: name ?? "", type: try parse(type, "type", as: ListType.self) ?? current?.type ?? .private,
                optin: try parse(optin, "optin", as: ListOptin.self) ?? current?.optin ?? .single,
                status: try parse(status, "status", as: ListStatus.self) ?? current?.status ?? .active,
                tags: tags ?? [],
                description: description.flatMap { $0.isEmpty ? nil : $0 } ?? current?.description ?? "")
        }
    }

    @Sendable func query(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let status = try request.option("status", as: ListStatus.self)
        if request.flag("minimal") {
            let lists = try await lists.minimalLists(status: status, for: context.principal)
            guard !lists.isEmpty else { return try ok([ListJSON](), request) }
            let results = lists.map { ListJSON(list: $0, minimal: true) }
            return try ok(
                WrittenPageJSON(results: results, total: results.count, per_page: results.count, page: 1), request)
        }
        var query = ListQuery()
        let search = (request.param("query") ?? "").trimmingCharacters(in: .whitespaces)
        query.search = search
        query.tags = request.query.getAll("tag")
        query.type = try request.option("type", as: ListType.self)
        query.optin = try request.option("optin", as: ListOptin.self)
        query.status = status
        query.orderBy = request.param("order_by").flatMap { ListOrder(rawValue: String($0)) } ?? .createdAt
        query.direction = request.param("order") == "asc" ? .asc : .desc
        query.page = request.pagination
        let page = try await lists.lists(query, for: context.principal)
        return try ok(
            WrittenPageJSON(
                results: page.items.map { ListJSON(list: $0) }, query: search, total: page.total,
                per_page: query.page.perPage ?? 0, page: query.page.page), request)
    }

    @Sendable func get(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let list = try await lists.list(ListID(try context.id()), for: context.principal)
        return try ok(ListJSON(list: list), request)
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try await request.decode(as: ListBody.self, context: context)
        let list = try await lists.create(try body.draft(over: nil))
        context.audit?.target = ("list", "\(list.id.rawValue)")
        return try ok(ListJSON(list: list), request)
    }

    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = ListID(try context.id())
        guard context.principal.lists.canManage(id) else { throw TidingsError.listPermissionDenied(.manage, list: id) }
        let body = try await request.decode(as: ListBody.self, context: context)
        let list = try await lists.update(id, for: context.principal) { try body.draft(over: $0) }
        return try ok(ListJSON(list: list), request)
    }

    @Sendable func deleteOne(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await lists.delete([ListID(try context.id())], for: context.principal)
        return try ok(true, request)
    }

    /// `?id=…` (repeatable), or `?query=…`, or `?all=true`, all in the URL.
    @Sendable func deleteMany(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let ids = try request.ids()
        let search = request.param("query")?.trimmingCharacters(in: .whitespaces) ?? ""
        if !ids.isEmpty {
            try await lists.delete(ids.map { ListID($0) }, for: context.principal)
        } else if !search.isEmpty || request.flag("all") {
            try await lists.delete(matching: search, for: context.principal)
        } else {
            throw TidingsError.badRequest("One or more IDs are invalid: id or query required", code: "invalid_id")
        }
        return try ok(true, request)
    }
}

import Foundation
import Hummingbird
import TidingsCore

/// Admin → Lists: the lists the user may see (search, filters, pages), and create, edit and
/// delete where the user may manage them. `ListService` applies the per-list permissions, as it
/// does for `/api/lists`.
struct ListsPages {
    let lists: ListService

    static let perPage = 20

    var routes: [AdminRoute] {
        [
            AdminRoute(.get, "lists", [], list),
            AdminRoute(.get, "lists/new", [.listsManageAll], newForm),
            AdminRoute(.post, "lists/new", [.listsManageAll], create),
            AdminRoute(.get, "lists/:id/edit", [], editForm),
            AdminRoute(.post, "lists/:id/edit", [], update),
            AdminRoute(.get, "lists/:id/delete", [], confirmDelete),
            AdminRoute(.post, "lists/:id/delete", [], delete),
        ]
    }

    @Sendable func list(_ request: Request, context: AdminContext) async throws -> Response {
        let filters = AdminFilters(request, path: "/admin/lists", names: ["search", "type", "optin", "status"])
        var query = ListQuery()
        let search = filters["search"]
        query.search = search.isEmpty ? nil : String(search.prefix(200))
        query.type = ListType(rawValue: filters["type"])
        query.optin = ListOptin(rawValue: filters["optin"])
        query.status = ListStatus(rawValue: filters["status"])
        query.orderBy = .name
        query.direction = .asc
        query.page = Pagination(page: filters.page, perPage: Self.perPage)
        let lists = try await lists.lists(query, for: context.principal)
        let access = context.principal.lists
        let rows: [[String: Any]] = lists.items.map { list in
            [
                "id": list.id.rawValue, "name": list.name, "type": list.type.rawValue, "optin": list.optin.rawValue,
                "archived": list.status == .archived, "tags": list.tags.joined(separator: ", "),
                "count": list.subscriberCount,
                "statuses": list.subscriberStatuses.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                    .joined(separator: ", "),
                "canManage": access.canManage(list.id),
            ]
        }
        var data = filters.paging(total: lists.total, perPage: Self.perPage)
        data["lists"] = rows
        data["search"] = search
        data["canCreate"] = context.has(.listsManageAll)
        data["selected"] = Dictionary(uniqueKeysWithValues: filters.values.map { ("\($0.key)-\($0.value)", true) })
        return context.page(
            "lists", title: "Lists", data, notice: request.param("notice"))
    }

    /// Every list `context`'s user may see, by name, without counts: the choices of the forms
    /// (subscriber lists, import, list roles, token restrictions).
    static func visibleLists(_ lists: ListService, _ context: AdminContext) async throws -> [MailingList] {
        try await lists.minimalLists(status: nil, for: context.principal).sorted {
            $0.name.localizedStandardCompare($1.name) == .orderedAscending
        }
    }

    @Sendable func newForm(_ request: Request, context: AdminContext) async throws -> Response {
        form(context, id: nil, values: ["type": "private", "optin": "single", "status": "active"], error: nil)
    }

    private func form(_ context: AdminContext, id: ListID?, values: [String: String], error: String?) -> Response {
        var data: [String: Any] = values
        data["selected"] = Dictionary(
            uniqueKeysWithValues: ["type", "optin", "status"].map { ("\($0)-\(values[$0] ?? "")", true) })
        if let id { data["id"] = id.rawValue }
        return context.page(
            "list-form", title: id == nil ? "Lists · New" : "Lists · Edit", data,
            status: error == nil ? .ok : .badRequest, error: error)
    }

    /// The posted form as a draft; an unknown choice is refused rather than defaulted.
    private func draft(_ context: AdminContext) throws -> (ListDraft, [String: String]) {
        var values: [String: String] = [:]
        for name in ["name", "type", "optin", "status", "tags", "description"] { values[name] = context.field(name) }
        guard let type = ListType(rawValue: values["type"] ?? ""),
            let optin = ListOptin(rawValue: values["optin"] ?? ""),
            let status = ListStatus(rawValue: values["status"] ?? "")
        else { throw TidingsError.badRequest("Choose a type, an opt-in and a status.", code: "invalid_fields") }
        let tags = (values["tags"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let draft = ListDraft(
            name: values["name"] ?? "", type: type, optin: optin, status: status, tags: tags,
            description: values["description"] ?? "")
        return (draft, values)
    }

    @Sendable func create(_ request: Request, context: AdminContext) async throws -> Response {
        do {
            let (draft, _) = try draft(context)
            let list = try await lists.create(draft)
            return context.redirect("/admin/lists", notice: "Created the list \(list.name).")
        } catch let error as TidingsError where error.kind == .badRequest {
            return form(
                context, id: nil, values: context.form.reduce(into: [:]) { $0[$1.0] = $1.1 }, error: error.message)
        }
    }

    @Sendable func editForm(_ request: Request, context: AdminContext) async throws -> Response {
        let id = ListID(try context.id())
        let list = try await lists.list(id, for: context.principal)
        guard context.principal.lists.canManage(id) else { throw TidingsError.listPermissionDenied(.manage, list: id) }
        return form(
            context, id: id,
            values: [
                "name": list.name, "type": list.type.rawValue, "optin": list.optin.rawValue,
                "status": list.status.rawValue,
                "tags": list.tags.joined(separator: ", "), "description": list.description,
            ], error: nil)
    }

    @Sendable func update(_ request: Request, context: AdminContext) async throws -> Response {
        let id = ListID(try context.id())
        do {
            let (draft, _) = try draft(context)
            let list = try await lists.update(id, for: context.principal) { _ in draft }
            return context.redirect("/admin/lists", notice: "Saved the list \(list.name).")
        } catch let error as TidingsError where error.kind == .badRequest {
            return form(
                context, id: id, values: context.form.reduce(into: [:]) { $0[$1.0] = $1.1 }, error: error.message)
        }
    }

    @Sendable func confirmDelete(_ request: Request, context: AdminContext) async throws -> Response {
        let id = ListID(try context.id())
        let list = try await lists.list(id, for: context.principal)
        guard context.principal.lists.canManage(id) else { throw TidingsError.listPermissionDenied(.manage, list: id) }
        return context.page(
            "list-delete", title: "Lists · Delete",
            ["id": id.rawValue, "name": list.name, "count": list.subscriberCount])
    }

    @Sendable func delete(_ request: Request, context: AdminContext) async throws -> Response {
        let id = ListID(try context.id())
        let list = try await lists.list(id, for: context.principal)
        try await lists.delete([id], for: context.principal)
        return context.redirect("/admin/lists", notice: "Deleted the list \(list.name).")
    }
}

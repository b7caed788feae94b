import Foundation
import Hummingbird
import TidingsCore

/// Admin → Subscribers: search, list and status filters, the SQL query box (only with
/// `subscribers:sql_query`), pages, the CSV export of the same filters; create and edit with
/// attributes as JSON, blocklist, delete. `SubscriberService` applies the per-list rules
/// (`ListAccess`), exactly as for `/api/subscribers`.
struct SubscribersPages {
    let subscribers: SubscriberService
    let lists: ListService

    static let perPage = 20

    var routes: [AdminRoute] {
        let read: [Permission] = [.subscribersGetAll, .subscribersGet]
        return [
            AdminRoute(.get, "subscribers", read, list),
            AdminRoute(.get, "subscribers/new", [.subscribersManage], newForm),
            AdminRoute(.post, "subscribers/new", [.subscribersManage], create),
            AdminRoute(.get, "subscribers/:id/edit", [.subscribersManage], editForm),
            AdminRoute(.post, "subscribers/:id/edit", [.subscribersManage], update),
            AdminRoute(.post, "subscribers/:id/blocklist", [.subscribersManage], blocklist),
            AdminRoute(.get, "subscribers/:id/delete", [.subscribersManage], confirmDelete),
            AdminRoute(.post, "subscribers/:id/delete", [.subscribersManage], delete),
        ]
    }

    @Sendable func list(_ request: Request, context: AdminContext) async throws -> Response {
        let filters = AdminFilters(
            request, path: "/admin/subscribers", names: ["search", "list_id", "subscription_status", "query"])
        var query = SubscriberQuery()
        query.search = String(filters["search"].prefix(200))
        query.subscriptionStatus = SubscriptionStatus(rawValue: filters["subscription_status"])
        query.page = Pagination(page: filters.page, perPage: Self.perPage)
        let requested = Int(filters["list_id"]).map { [ListID($0)] } ?? []
        var error: String?
        var result = Page<Subscriber>(items: [], total: 0)
        do {
            query.expression = try SubscribersController.expression(filters["query"], for: context.principal)
            result = try await subscribers.subscribers(
                query, requestedLists: requested, for: context.principal)
        } catch let failure as TidingsError where failure.kind == .badRequest || failure.kind == .forbidden {
            error = failure.message
        }
        let manage = context.has(.subscribersManage)
        let rows: [[String: Any]] = result.items.map { subscriber in
            [
                "id": subscriber.id.rawValue, "email": subscriber.email, "name": subscriber.name,
                "status": subscriber.status.rawValue, "blocklisted": subscriber.status == .blocklisted,
                "lists": subscriber.subscriptions.map { "\($0.list.name) (\($0.status.rawValue))" }.joined(
                    separator: ", "),
                "created": AdminFormat.time(subscriber.createdAt), "canManage": manage,
            ]
        }
        var data = filters.paging(total: result.total, perPage: Self.perPage)
        data["subscribers"] = rows
        data["filters"] = filters.values
        data["lists"] = try await visibleLists(context, selected: Set(requested))
        data["canManage"] = manage
        data["canQuery"] = context.has(.subscribersSQLQuery)
        data["canImport"] = context.has(.subscribersImport)
        data["statusSelected"] = [filters["subscription_status"]: true]
        data["export"] = filters.link("/api/subscribers/export")
        return context.page(
            "subscribers", title: "Subscribers", data, status: error == nil ? .ok : .badRequest,
            notice: request.param("notice"), error: error)
    }

    /// The lists the user may see, for the filter and the form, with `manage` where it may write.
    private func visibleLists(_ context: AdminContext, selected: Set<ListID>) async throws -> [[String: Any]] {
        let access = context.principal.lists
        return try await ListsPages.visibleLists(lists, context).map { list in
            [
                "id": list.id.rawValue, "name": list.name, "selected": selected.contains(list.id),
                "manage": access.canManage(list.id), "double": list.optin == .double,
            ]
        }
    }

    @Sendable func newForm(_ request: Request, context: AdminContext) async throws -> Response {
        try await form(context, id: nil, values: ["status": "enabled", "attribs": "{}"], lists: [], errors: [:])
    }

    private func form(
        _ context: AdminContext, id: SubscriberID?, values: [String: String], lists: Set<ListID>,
        errors: [String: String], message: String? = nil
    ) async throws -> Response {
        var data: [String: Any] = values
        data["errors"] = errors
        data["lists"] = try await visibleLists(context, selected: lists).filter { $0["manage"] as? Bool == true }
        data["statusSelected"] = ["\(values["status"] ?? "")": true]
        if let id { data["id"] = id.rawValue }
        let failed = !errors.isEmpty || message != nil
        return context.page(
            "subscriber-form", title: id == nil ? "Subscribers · New" : "Subscribers · Edit", data,
            status: failed ? .badRequest : .ok,
            error: message ?? (errors.isEmpty ? nil : "Please correct the marked fields."))
    }

    /// The posted form: the input, the chosen lists, and the raw values to show again.
    private func posted(_ context: AdminContext) throws -> (SubscriberInput, [ListID], [String: String]) {
        var values: [String: String] = [:]
        for name in ["email", "name", "status", "attribs"] { values[name] = context.field(name) }
        let lists = context.fields("lists").compactMap(Int.init).filter { $0 > 0 }.map { ListID($0) }
        let text = values["attribs"].flatMap { $0.isEmpty ? nil : $0 } ?? "{}"
        guard let parsed = try? JSONValue.parse(text), case .object(let attributes) = parsed else {
            throw TidingsError.invalidField(
                "attribs", "Attributes must be a JSON object, e.g. {\"city\": \"Bengaluru\"}.")
        }
        let input = SubscriberInput(
            email: values["email"], name: values["name"], status: values["status"], attributes: attributes)
        return (input, lists, values)
    }

    @Sendable func create(_ request: Request, context: AdminContext) async throws -> Response {
        var values: [String: String] = [:]
        var lists: [ListID] = []
        do {
            let (input, chosen, raw) = try posted(context)
            (values, lists) = (raw, chosen)
            let subscriber = try await subscribers.create(
                input, lists: chosen, preconfirm: context.field("preconfirm") == "true", for: context.principal)
            return context.redirect("/admin/subscribers", notice: "Created \(subscriber.email).")
        } catch let error as TidingsError where error.kind == .badRequest || error.kind == .conflict {
            if values.isEmpty {
                for name in ["email", "name", "status", "attribs"] { values[name] = context.field(name) }
            }
            return try await failed(context, id: nil, values: values, lists: Set(lists), error: error)
        }
    }

    /// A refused form, shown again with the error at its field.
    private func failed(
        _ context: AdminContext, id: SubscriberID?, values: [String: String], lists: Set<ListID>, error: TidingsError
    ) async throws -> Response {
        let field = error.details["field"] ?? (error.kind == .conflict ? "email" : nil)
        guard let field, ["email", "name", "status", "attribs"].contains(field) else {
            return try await form(context, id: id, values: values, lists: lists, errors: [:], message: error.message)
        }
        return try await form(context, id: id, values: values, lists: lists, errors: [field: error.message])
    }

    @Sendable func editForm(_ request: Request, context: AdminContext) async throws -> Response {
        let id = SubscriberID(try context.id())
        let subscriber = try await subscribers.subscriber(id, for: context.principal)
        return try await form(
            context, id: id,
            values: [
                "email": subscriber.email, "name": subscriber.name, "status": subscriber.status.rawValue,
                "attribs": JSONValue.object(subscriber.attributes).text,
            ],
            lists: Set(subscriber.subscriptions.filter { $0.status != .unsubscribed }.map(\.list.id)), errors: [:])
    }

    @Sendable func update(_ request: Request, context: AdminContext) async throws -> Response {
        let id = SubscriberID(try context.id())
        var values: [String: String] = [:]
        var lists: [ListID] = []
        do {
            let (input, chosen, raw) = try posted(context)
            (values, lists) = (raw, chosen)
            let subscriber = try await subscribers.update(
                id, lists: chosen, preconfirm: context.field("preconfirm") == "true", for: context.principal
            ) { _ in input }
            return context.redirect("/admin/subscribers", notice: "Saved \(subscriber.email).")
        } catch let error as TidingsError where error.kind == .badRequest || error.kind == .conflict {
            if values.isEmpty {
                for name in ["email", "name", "status", "attribs"] { values[name] = context.field(name) }
            }
            return try await failed(context, id: id, values: values, lists: Set(lists), error: error)
        }
    }

    @Sendable func blocklist(_ request: Request, context: AdminContext) async throws -> Response {
        let id = SubscriberID(try context.id())
        let subscriber = try await subscribers.subscriber(id, for: context.principal)
        try await subscribers.blocklist([id], for: context.principal)
        return context.redirect(
            "/admin/subscribers", notice: "Blocklisted \(subscriber.email): unsubscribed from every list.")
    }

    @Sendable func confirmDelete(_ request: Request, context: AdminContext) async throws -> Response {
        let subscriber = try await subscribers.subscriber(
            SubscriberID(try context.id()), for: context.principal)
        return context.page(
            "subscriber-delete", title: "Subscribers · Delete",
            ["id": subscriber.id.rawValue, "email": subscriber.email])
    }

    @Sendable func delete(_ request: Request, context: AdminContext) async throws -> Response {
        let id = SubscriberID(try context.id())
        let subscriber = try await subscribers.subscriber(id, for: context.principal)
        try await subscribers.delete([id], for: context.principal)
        return context.redirect("/admin/subscribers", notice: "Deleted \(subscriber.email).")
    }
}

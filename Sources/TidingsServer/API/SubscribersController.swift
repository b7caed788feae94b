import Foundation
import Hummingbird
import TidingsCore

/// `/api/subscribers`. List access is checked by `SubscriberService`.
struct SubscribersController {
    let subscribers: SubscriberService

    var routes: [APIRoute] {
        let read = APIRoute.Requirement.anyOf([.subscribersGetAll, .subscribersGet])
        let manage = APIRoute.Requirement.anyOf([.subscribersManage])
        return [
            APIRoute(.get, "subscribers", read, query),
            APIRoute(.get, "subscribers/:id", read, get),
            APIRoute(.get, "subscribers/:id/activity", read, activity),
            APIRoute(.get, "subscribers/:id/bounces", .anyOf([.bouncesGet]), bounces),
            APIRoute(.post, "subscribers", manage, create),
            APIRoute(.put, "subscribers/:id", manage, replace),
            APIRoute(.patch, "subscribers/:id", manage, patch),
            APIRoute(.delete, "subscribers/:id", manage, deleteOne),
            APIRoute(.delete, "subscribers", manage, deleteMany),
            APIRoute(.post, "subscribers/:id/optin", manage, sendOptin),
            APIRoute(.put, "subscribers/:id/blocklist", manage, blocklistOne),
            APIRoute(.put, "subscribers/blocklist", manage, blocklistMany),
            APIRoute(.put, "subscribers/lists", manage, changeLists),
            APIRoute(.put, "subscribers/lists/:id", manage, changeLists),
        ]
    }

    /// The body of `POST`, `PUT` and `PATCH`.
    struct SubscriberBody: Decodable {
        var email: String?
        var name: String?
        var status: String?
        var lists: [Int]?
        var attribs: JSONValue?
        var preconfirm_subscriptions: Bool?

        /// `attribs` must be an object; `null` counts as absent.
        func attributes() throws -> [String: JSONValue]? {
            switch attribs {
            case nil, .null?: return nil
            case .object(let members)?: return members
            default: throw TidingsError.invalidField("attribs", "Invalid fields: attribs (must be a JSON object)")
            }
        }

        var listIDs: [ListID]? { lists.map { $0.map { ListID($0) } } }
    }

    /// The filters shared by the listing and the export: `search`, `subscription_status`,
    /// repeated `list_id`s (returned apart: the service narrows them to the caller's lists), and
    /// `query`, which needs `subscribers:sql_query`.
    static func filters(of request: Request, context: AuthenticatedContext) throws -> (SubscriberQuery, [ListID]) {
        var query = SubscriberQuery()
        query.expression = try Self.expression(request.param("query") ?? "", for: context.principal)
        query.search = (request.param("search") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        try query.checkSearch()  // here too, so that the export refuses before its body starts
        query.subscriptionStatus = try request.option("subscription_status", as: SubscriptionStatus.self)
        let lists = try request.query.getAll("list_id").map { raw -> ListID in
            guard let id = Int(raw) else { throw TidingsError.badRequest("Invalid ID(s)", code: "invalid_id") }
            return ListID(id)
        }
        return (query, lists)
    }

    /// A caller's SQL expression (listmonk's `query`): a non-empty one needs
    /// `subscribers:sql_query`, checked before the text is even read.
    static func expression(_ raw: String, for principal: Principal) throws -> FilterExpression? {
        if !raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, !principal.has(.subscribersSQLQuery) {
            throw TidingsError(
                .forbidden, code: "permission_denied", message: "Permission denied: subscribers:sql_query",
                details: ["permission": Permission.subscribersSQLQuery.rawValue])
        }
        return try FilterExpression(raw)
    }

    /// Pages larger than this are read and written a batch of this many at a time.
    static let batchSize = 1_000

    @Sendable func query(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        var (query, lists) = try Self.filters(of: request, context: context)
        query.orderBy = request.param("order_by").flatMap { SubscriberOrder(rawValue: $0) } ?? .id
        query.direction = request.param("order") == "asc" ? .asc : .desc
        query.page = request.pagination
        if query.page.perPage.map({ $0 > Self.batchSize }) ?? true {
            return try await largePage(query, lists, request, context)
        }
        let page = try await subscribers.subscribers(query, requestedLists: lists, for: context.principal)
        let access = context.principal.lists
        return try ok(
            Self.page(page.items.map { SubscriberJSON(subscriber: $0, access: access) }, query, total: page.total),
            request)
    }

    /// listmonk's page of `results` for `query`.
    static func page<Item>(_ results: [Item], _ query: SubscriberQuery, total: Int) -> PageJSON<Item> {
        PageJSON(
            results: results, search: query.search, query: query.expression?.text ?? "", total: total,
            per_page: query.page.perPage ?? 0, page: query.page.page)
    }

    /// A page too large to hold (`per_page=all`), streamed: the total and the first batch are
    /// read before the response starts, so a refused or timed-out query is still a 4xx; then
    /// each batch is read as the client takes the one before.
    private func largePage(
        _ query: SubscriberQuery, _ lists: [ListID], _ request: Request, _ context: AuthenticatedContext
    ) async throws -> Response {
        var (total, reader) = try await subscribers.largePage(
            query, requestedLists: lists, for: context.principal, batchSize: Self.batchSize)
        guard let first = try await reader.next() else {
            return try ok(Self.page([SubscriberJSON](), query, total: total), request)
        }
        let document = Envelope(Self.page([StreamedJSONArray.Slot()], query, total: total))
        let access = context.principal.lists
        return try StreamedJSONArray(document: document, pretty: request.param("pretty") != nil).response(
            first: first, rest: reader, logger: context.logger
        ) { SubscriberJSON(subscriber: $0, access: access) }
    }

    @Sendable func get(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let subscriber = try await subscribers.subscriber(
            SubscriberID(try context.id()), for: context.principal)
        return try respond(subscriber, request, context)
    }

    /// listmonk's campaign views and link clicks of a subscriber. Campaigns do not exist yet, so
    /// both are empty; the subscriber must exist and be visible to the caller (listmonk answers
    /// `200` for any id).
    @Sendable func activity(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        _ = try await subscribers.subscriber(SubscriberID(try context.id()), for: context.principal)
        return try ok(ActivityJSON(), request)
    }

    struct ActivityJSON: Encodable, Sendable {
        let campaign_views: [JSONValue] = []
        let link_clicks: [JSONValue] = []
    }

    /// A subscriber's bounces; none are recorded until bounce processing exists.
    @Sendable func bounces(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        _ = try await subscribers.subscriber(SubscriberID(try context.id()), for: context.principal)
        return try ok([JSONValue](), request)
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try await request.decode(as: SubscriberBody.self, context: context)
        let input = SubscriberInput(
            email: body.email ?? "", name: body.name, status: body.status, attributes: try body.attributes())
        let subscriber = try await subscribers.create(
            input, lists: body.listIDs ?? [], preconfirm: body.preconfirm_subscriptions ?? false,
            for: context.principal)
        context.audit?.target = ("subscriber", subscriber.id.description)
        return try respond(subscriber, request, context)
    }

    /// `PUT`: the body replaces the subscriber (e-mail required; empty name and status keep
    /// theirs; attributes and the caller's subscriptions are replaced, absent meaning none).
    @Sendable func replace(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try await request.decode(as: SubscriberBody.self, context: context)
        let attributes = try body.attributes() ?? [:]
        let subscriber = try await subscribers.update(
            SubscriberID(try context.id()), lists: body.listIDs ?? [],
            preconfirm: body.preconfirm_subscriptions ?? false, for: context.principal
        ) { _ in
            SubscriberInput(email: body.email ?? "", name: body.name, status: body.status, attributes: attributes)
        }
        return try respond(subscriber, request, context)
    }

    /// `PATCH`: only what the body names changes; attributes are merged at the top level, and
    /// `lists` replaces the caller's subscriptions only when present and not null.
    @Sendable func patch(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try await request.decode(as: SubscriberBody.self, context: context)
        let attributes = try body.attributes()
        let subscriber = try await subscribers.update(
            SubscriberID(try context.id()), lists: body.listIDs, preconfirm: body.preconfirm_subscriptions ?? false,
            for: context.principal
        ) { current in
            SubscriberInput(
                email: body.email, name: body.name, status: body.status,
                attributes: current.attributes.merging(attributes ?? [:]) { _, new in new })
        }
        return try respond(subscriber, request, context)
    }

    @Sendable func deleteOne(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await subscribers.delete([SubscriberID(try context.id())], for: context.principal)
        return try ok(true, request)
    }

    @Sendable func deleteMany(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let ids = try request.ids()
        guard !ids.isEmpty else { throw Self.noIDs }
        try await subscribers.delete(ids.map { SubscriberID($0) }, for: context.principal)
        return try ok(true, request)
    }

    @Sendable func blocklistOne(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await subscribers.blocklist([SubscriberID(try context.id())], for: context.principal)
        return try ok(true, request)
    }

    /// Queues the double opt-in mail again; `true` also when there was nothing to confirm, as in listmonk.
    @Sendable func sendOptin(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await subscribers.sendOptin(SubscriberID(try context.id()), for: context.principal)
        return try ok(true, request)
    }

    struct IDsBody: Decodable {
        var ids: [Int]?
    }

    @Sendable func blocklistMany(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try await request.decode(as: IDsBody.self, context: context)
        let ids = try Self.positive(body.ids ?? [])
        guard !ids.isEmpty else { throw Self.noIDs }
        try await subscribers.blocklist(ids, for: context.principal)
        return try ok(true, request)
    }

    struct ListsBody: Decodable {
        var ids: [Int]?
        var action: String?
        var target_list_ids: [Int]?
        var status: String?
    }

    /// `PUT /api/subscribers/lists[/{id}]`, checked in listmonk's order: ids (always required in
    /// the body; the path id then replaces them), targets, access, action, status.
    @Sendable func changeLists(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try await request.decode(as: ListsBody.self, context: context)
        guard let bodyIDs = body.ids, !bodyIDs.isEmpty else {
            throw TidingsError.badRequest("No IDs given.", code: "invalid_id")
        }
        var ids = try Self.positive(bodyIDs)
        if let raw = context.parameters.get("id") {
            guard let id = Int(raw), id > 0 else { throw TidingsError.badRequest("Invalid ID(s)", code: "invalid_id") }
            ids = [SubscriberID(id)]
        }
        let targets = (body.target_list_ids ?? []).map { ListID($0) }
        guard !targets.isEmpty else { throw TidingsError.badRequest("No lists given.", code: "invalid_fields") }
        guard let action = body.action.flatMap(SubscriptionAction.init(rawValue:)) else {
            throw TidingsError.badRequest("Invalid action.", code: "invalid_fields")
        }
        var status: SubscriptionStatus?
        if let raw = body.status, !raw.isEmpty {
            guard let parsed = SubscriptionStatus(rawValue: raw) else { throw TidingsError.invalidField("status") }
            status = parsed
        }
        try await subscribers.changeSubscriptions(
            ids, action: action, lists: targets, status: status, for: context.principal)
        return try ok(true, request)
    }

    private func respond(
        _ subscriber: Subscriber, _ request: Request, _ context: AuthenticatedContext
    ) throws
        -> Response
    {
        try ok(SubscriberJSON(subscriber: subscriber, access: context.principal.lists), request)
    }

    private static let noIDs = TidingsError.badRequest("One or more IDs are invalid: ids", code: "invalid_id")

    private static func positive(_ ids: [Int]) throws -> [SubscriberID] {
        try ids.map { id in
            guard id > 0 else {
                throw TidingsError.badRequest(
                    "One or more IDs are invalid: \(id) is not a valid ID", code: "invalid_id")
            }
            return SubscriberID(id)
        }
    }
}

import Foundation
import Hummingbird
import TidingsCore

/// The by-query bulk endpoints: delete, blocklist, or change the
/// subscriptions of every subscriber the caller may see that matches a SQL expression and/or a
/// search, within a list filter. They work through the matches in batches, so a million
/// subscribers take many small transactions rather than one huge one.
struct SubscriberQueryController {
    let subscribers: SubscriberService

    var routes: [APIRoute] {
        let manage = APIRoute.Requirement.anyOf([.subscribersManage])
        return [
            APIRoute(.post, "subscribers/query/delete", manage, delete),
            APIRoute(.put, "subscribers/query/blocklist", manage, blocklist),
            APIRoute(.put, "subscribers/query/lists", manage, changeLists),
        ]
    }

    /// The JSON body (listmonk reads neither the URL nor form bodies here).
    struct Body: Decodable {
        var query: String?
        var search: String?
        var list_ids: [Int]?
        var subscription_status: String?
        var all: Bool?
        var action: String?
        var target_list_ids: [Int]?
        var status: String?
    }

    @Sendable func delete(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let (query, lists) = try await selection(request, context: context, requireFilter: true)
        try await subscribers.deleteMatching(query, requestedLists: lists, for: context.principal)
        return try ok(true, request)
    }

    @Sendable func blocklist(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let (query, lists) = try await selection(request, context: context, requireFilter: true)
        try await subscribers.blocklistMatching(query, requestedLists: lists, for: context.principal)
        return try ok(true, request)
    }

    /// No `all` flag here: an empty query and search mean everything in the caller's scope.
    @Sendable func changeLists(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try await request.decode(as: Body.self, context: context)
        let targets = (body.target_list_ids ?? []).map { ListID($0) }
        guard !targets.isEmpty else { throw TidingsError.badRequest("No lists given.", code: "invalid_fields") }
        guard let action = body.action.flatMap(SubscriptionAction.init(rawValue:)) else {
            throw TidingsError.badRequest("Invalid action.", code: "invalid_fields")
        }
        let status = try Self.status(body.status, field: "status")
        let (query, lists) = try Self.selection(body, context: context, requireFilter: false)
        try await subscribers.changeSubscriptionsMatching(
            query, requestedLists: lists, action: action, lists: targets, status: status, for: context.principal)
        return try ok(true, request)
    }

    private func selection(
        _ request: Request, context: AuthenticatedContext, requireFilter: Bool
    ) async throws
        -> (SubscriberQuery, [ListID])
    {
        try Self.selection(
            try await request.decode(as: Body.self, context: context), context: context, requireFilter: requireFilter)
    }

    /// The subscribers a body selects. With `requireFilter`, a query or a search is needed
    /// unless `all` is true (which ignores both), as in listmonk.
    static func selection(
        _ body: Body, context: AuthenticatedContext, requireFilter: Bool
    ) throws
        -> (SubscriberQuery, [ListID])
    {
        var query = SubscriberQuery()
        let all = body.all ?? false
        if !(requireFilter && all) {
            query.expression = try SubscribersController.expression(body.query ?? "", for: context.principal)
            query.search = (body.search ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if requireFilter, query.expression == nil, query.search.isEmpty { throw TidingsError.invalidField("query") }
        }
        query.subscriptionStatus = try status(body.subscription_status, field: "subscription_status")
        return (query, (body.list_ids ?? []).map { ListID($0) })
    }

    private static func status(_ raw: String?, field: String) throws -> SubscriptionStatus? {
        guard let raw, !raw.isEmpty else { return nil }
        guard let status = SubscriptionStatus(rawValue: raw) else { throw TidingsError.invalidField(field) }
        return status
    }
}

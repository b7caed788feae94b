import Foundation
import HTTPTypes
import Hummingbird
import TidingsCore

/// `/subscription/optin/<subscriber uuid>?l=<list uuid>…`: the link in the double opt-in mail.
/// `GET` shows what is to be confirmed and a button; `POST` (or either
/// with `confirm=true`, as listmonk accepts) confirms. Public: the subscriber's UUID is the secret.
/// Mail scanners that follow links only ever `GET` the page, so they confirm nothing.
struct OptinPage {
    let subscribers: SubscriberService

    var routes: [PublicRoute] {
        [
            PublicRoute(
                .get, "subscription/optin/:subscriber", "the double opt-in page (asks before it confirms)", show),
            PublicRoute(
                .post, "subscription/optin/:subscriber", "confirms a subscriber's pending subscriptions", submit),
        ]
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let confirm = request.param("confirm") == "true"
        return try await respond(
            context: context, lists: request.query.getAll("l").map { String($0) }, confirm: confirm)
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let fields = try await FormBody.pairs(of: request)
        let lists = fields.filter { $0.0 == "l" }.map(\.1) + request.query.getAll("l").map { String($0) }
        let confirm = fields.first { $0.0 == "confirm" }?.1 ?? request.param("confirm")
        return try await respond(context: context, lists: lists, confirm: confirm == "true")
    }

    private func respond(context: AppRequestContext, lists rawLists: [String], confirm: Bool) async throws -> Response {
        guard let raw = context.parameters.get("subscriber"), let uuid = UUID(text: raw) else {
            return Self.page(title: "Link not valid", body: Self.invalidLink, status: .notFound)
        }
        let lists = rawLists.compactMap(UUID.init(uuidString:))
        guard lists.count == rawLists.count else {
            return Self.page(title: "Link not valid", body: Self.invalidLink, status: .badRequest)
        }
        let subscriptions = subscribers
        let pending =
            confirm
            ? try await subscriptions.confirmOptin(subscriber: uuid, lists: lists)
            : try await subscriptions.pendingOptin(subscriber: uuid, lists: lists)
        guard let pending else { return Self.page(title: "Link not valid", body: Self.invalidLink, status: .notFound) }
        if pending.lists.isEmpty {
            return Self.page(
                title: "Nothing to confirm",
                body: "<h1>Nothing to confirm</h1><p>There is no subscription waiting for your confirmation.</p>")
        }
        let names = pending.lists.map { "<li>\(HTMLPage.escape($0.name))</li>" }.joined()
        if confirm {
            return Self.page(
                title: "Subscription confirmed",
                body: "<h1>Subscription confirmed</h1><p>You are now subscribed to:</p><ul>\(names)</ul>")
        }
        let hidden = pending.lists.map {
            "<input type=\"hidden\" name=\"l\" value=\"\($0.uuid.lowercasedText)\">"
        }.joined()
        return Self.page(
            title: "Confirm your subscription",
            body: """
                <h1>Confirm your subscription</h1>
                <p>Confirm that you want to receive e-mail from:</p><ul>\(names)</ul>
                <form method="post"><input type="hidden" name="confirm" value="true">\(hidden)
                <button type="submit">Confirm subscription</button></form>
                """)
    }

    private static let invalidLink =
        "<h1>Link not valid</h1><p>This confirmation link is not valid. Check that it was copied whole.</p>"

    /// A public page, kept out of search engines.
    private static func page(title: String, body: String, status: HTTPResponse.Status = .ok) -> Response {
        var response = HTMLPage.response(title: title, body: body, status: status)
        response.headers[HTTPField.Name("X-Robots-Tag")!] = "noindex"
        return response
    }
}

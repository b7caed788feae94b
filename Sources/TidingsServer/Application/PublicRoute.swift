import HTTPTypes
import Hummingbird

/// One route anyone may call, without a session or a token: health, the login form, the admin
/// UI's assets, the opt-in page, the leaked-token report. Like `APIRoute` and `AdminRoute`, each
/// area lists its public routes as values, so the whole surface can be read (and documented) from
/// the tables.
struct PublicRoute: Sendable {
    typealias Handler = @Sendable (Request, AppRequestContext) async throws -> Response

    let method: HTTPRequest.Method
    /// From the root, in Hummingbird's syntax (`subscription/optin/:subscriber`).
    let path: String
    /// What it is for, in a few words (docs/routes.md).
    let purpose: String
    let handler: Handler

    init(_ method: HTTPRequest.Method, _ path: String, _ purpose: String, _ handler: @escaping Handler) {
        self.method = method
        self.path = path
        self.purpose = purpose
        self.handler = handler
    }
}

extension Router where Context == AppRequestContext {
    /// Registers public routes as they are.
    func mount(_ routes: [PublicRoute]) {
        for route in routes { on(RouterPath(route.path), method: route.method, use: route.handler) }
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import TidingsCore

/// One page or form action of the admin UI: method, path, the permission it needs, its handler.
/// Like `APIRoute`, every area lists its routes as values, and one `mount` puts each behind the
/// session, CSRF and permission checks, so no page can forget them.
struct AdminRoute: Sendable {
    typealias Handler = @Sendable (Request, AdminContext) async throws -> Response

    let method: HTTPRequest.Method
    /// Relative to `/admin`, in Hummingbird's syntax (`users/:id/tokens`).
    let path: String
    /// The permissions of which the signed-in user needs at least one; empty: any signed-in user.
    let anyOf: [Permission]
    let handler: Handler
    /// A file upload: the gate checks the origin but leaves the body to the handler, which must
    /// check the CSRF token among the parts it reads (`AdminContext.isValidCSRF`).
    let multipart: Bool

    init(
        _ method: HTTPRequest.Method, _ path: String, _ anyOf: [Permission], multipart: Bool = false,
        _ handler: @escaping Handler
    ) {
        self.method = method
        self.path = path
        self.anyOf = anyOf
        self.multipart = multipart
        self.handler = handler
    }

    /// The audit log's name for a form action (`admin.users.tokens.rotate`); `nil` for pages.
    var action: String? {
        guard method == .post else { return nil }
        let parts = path.split(separator: "/").filter { !$0.hasPrefix(":") }
        return "admin." + parts.joined(separator: ".")
    }
}

/// What a handler of the admin UI gets: the signed-in user, the form it posted, and the
/// renderer that frames its page.
struct AdminContext: Sendable {
    let principal: Principal
    /// The (hashed) id of the session behind this request.
    let sessionHash: String
    /// The CSRF token every form of this session carries.
    let csrf: String
    let parameters: Parameters
    let clientIP: String?
    /// The posted form, in order (`[]` for a `GET`).
    let form: [(String, String)]
    let renderer: AdminRenderer
    let now: Date

    /// The first value of a form field, trimmed.
    func field(_ name: String) -> String { form.first { $0.0 == name }?.1.trimmingCharacters(in: .whitespaces) ?? "" }

    /// Every value of a repeated form field (checkboxes).
    func fields(_ name: String) -> [String] { form.filter { $0.0 == name }.map(\.1) }

    /// An integer path parameter; a malformed one is the page-not-found it would be anyway.
    func id(_ name: String = "id") throws -> Int {
        guard let raw = parameters.get(name), let id = Int(raw), id > 0 else { throw TidingsError.notFound("Page") }
        return id
    }

    func has(_ permission: Permission) -> Bool { principal.has(permission) }

    /// Whether `presented` is this session's CSRF token (constant time). The gate checks it for
    /// ordinary forms; a multipart handler checks it itself.
    func isValidCSRF(_ presented: String) -> Bool { AdminGate.matches(csrf, presented) }

    /// `template` in the admin frame.
    func page(
        _ template: String, title: String, _ data: [String: Any] = [:], status: HTTPResponse.Status = .ok,
        notice: String? = nil, error: String? = nil
    ) -> Response {
        renderer.page(
            template, title: title, data: data, frame: self, status: status, notice: notice, error: error)
    }

    /// A redirect after a successful form (post/redirect/get), with a notice for the next page.
    func redirect(_ location: String, notice: String? = nil) -> Response {
        var target = location
        if let notice {
            let escaped = notice.addingPercentEncoding(
                withAllowedCharacters: .urlQueryAllowed.subtracting(["&", "+", "=", ";"]))
            target += (location.contains("?") ? "&" : "?") + "notice=" + (escaped ?? "")
        }
        return Response(status: .seeOther, headers: [.location: target])
    }
}

extension RouterMethods where Context == AppRequestContext {
    /// Registers each admin route behind the session, the CSRF check and its permission.
    func mount(_ routes: [AdminRoute], gate: AdminGate, renderer: AdminRenderer, audit: AuditLog) {
        for route in routes {
            let path = route.path.isEmpty ? "admin" : "admin/\(route.path)"
            on(RouterPath(path), method: route.method) { request, context in
                try await gate.run(route, request: request, context: context, renderer: renderer, audit: audit)
            }
        }
    }
}

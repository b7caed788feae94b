import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore
import TidingsCore

/// Renders the admin UI's Mustache templates (compiled once, from `AdminTemplates`) inside the
/// frame every page shares, with the headers every page carries: a Content-Security-Policy that
/// allows no inline script or style, no framing, `nosniff`, a referrer policy and `no-store`.
struct AdminRenderer: Sendable {
    private let library: MustacheLibrary

    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    init() {
        var library = MustacheLibrary()
        for (name, text) in AdminTemplates.all {
            // The templates are constants of this file's module: a broken one is a programming
            // error that every admin test would show at once.
            try! library.register(text, named: name)
        }
        self.library = library
    }

    /// `template` rendered with `data`, inside the frame (navigation for what `frame`'s user
    /// may reach, the logout form, a notice or error).
    func page(
        _ template: String, title: String, data: [String: Any], frame: AdminContext, status: HTTPResponse.Status,
        notice: String?, error: String?
    ) -> Response {
        var data = data
        data["csrf"] = frame.csrf
        guard let body = library.render(Self.withoutNils(data), withTemplate: template) else {
            preconditionFailure("no admin template named \(template)")
        }
        let layout: [String: Any] = [
            "title": title, "body": body, "csrf": frame.csrf, "username": frame.principal.user.username,
            "nav": AdminNavigation.items(for: frame.principal, current: title),
            "notice": notice as Any, "error": error as Any,
        ]
        return Self.html(library.render(Self.withoutNils(layout), withTemplate: "layout") ?? "", status: status)
    }

    /// A page that explains why the request was refused: framed when the user is known.
    func problem(_ status: HTTPResponse.Status, _ message: String, frame: AdminContext? = nil) -> Response {
        guard let frame else {
            let body = library.render(["message": message, "title": status.reasonPhrase], withTemplate: "bare") ?? ""
            return Self.html(body, status: status)
        }
        return page(
            "problem", title: status.reasonPhrase, data: ["message": message], frame: frame, status: status,
            notice: nil, error: nil)
    }

    /// `data` without its `nil` values, at every depth: Mustache would print an absent optional
    /// as "nil" and count it as present in a `{{#section}}`.
    static func withoutNils(_ data: [String: Any]) -> [String: Any] {
        data.compactMapValues(withoutNils)
    }

    private static func withoutNils(_ value: Any) -> Any? {
        switch value {
        case let optional as any OptionalValue: return optional.wrapped.flatMap(withoutNils)
        case let dictionary as [String: Any]: return withoutNils(dictionary)
        case let array as [Any]: return array.compactMap(withoutNils)
        default: return value
        }
    }

    static func html(_ text: String, status: HTTPResponse.Status) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[.referrerPolicy] = "same-origin"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// The main navigation: only the areas the user may open.
enum AdminNavigation {
    struct Area {
        let label: String
        let href: String
        /// The permissions of which one opens the area; empty: any signed-in user.
        let anyOf: [Permission]
        /// What the dashboard says the area is for.
        let summary: String
    }

    static let areas = [
        Area(label: "Dashboard", href: "/admin", anyOf: [], summary: ""),
        Area(label: "Lists", href: "/admin/lists", anyOf: [], summary: "Mailing lists, their subscribers and opt-in."),
        Area(
            label: "Subscribers", href: "/admin/subscribers", anyOf: [.subscribersGetAll, .subscribersGet],
            summary: "Search, segment, edit, import and export subscribers."),
        Area(
            label: "Users", href: "/admin/users", anyOf: [.usersGet],
            summary: "Who may sign in, API users and the tokens programs use."),
        Area(label: "Roles", href: "/admin/roles", anyOf: [.rolesGet], summary: "What each user and list role may do."),
        Area(
            label: "Audit log", href: "/admin/audit", anyOf: [.auditGet],
            summary: "Every sign-in and change, who made it and from where."),
        Area(
            label: "Profile", href: "/admin/profile", anyOf: [],
            summary: "Your password, two-factor authentication and sessions."),
    ]

    /// The areas `principal` may open.
    static func open(to principal: Principal) -> [Area] {
        areas.filter { $0.anyOf.isEmpty || $0.anyOf.contains(where: principal.has) }
    }

    static func items(for principal: Principal, current: String) -> [[String: Any]] {
        open(to: principal).map {
            ["label": $0.label, "href": $0.href, "current": $0.label == current || current.hasPrefix($0.label + " ")]
        }
    }
}

/// Lets `AdminRenderer` see through an `Optional` stored as `Any`.
private protocol OptionalValue {
    var wrapped: Any? { get }
}

extension Optional: OptionalValue {
    var wrapped: Any? { self.map { $0 as Any } }
}

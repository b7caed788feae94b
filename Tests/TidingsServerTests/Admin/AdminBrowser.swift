import Foundation
import HTTPTypes
import Testing
import TidingsTestSupport

/// A signed-in browser on the admin pages: its cookie, and the CSRF token its pages carry.
struct AdminBrowser {
    let app: TestApp
    let cookie: String
    let csrf: String

    static func signIn(
        _ app: TestApp, as username: String, password: String = "password-123"
    ) async throws -> AdminBrowser {
        let session = try await app.sessionID(username, password: password)
        let home = try await app.request(.get, "/admin/profile", headers: [.cookie: "session=\(session)"])
        let csrf = try #require(
            home.body.components(separatedBy: "name=\"_csrf\" value=\"").dropFirst().first?.prefix { $0 != "\"" })
        return AdminBrowser(app: app, cookie: "session=\(session)", csrf: String(csrf))
    }

    func get(_ path: String) async throws -> TestResult {
        try await app.request(.get, path, headers: [.cookie: cookie])
    }

    /// A form post from our own origin; `csrf: nil` leaves the token out.
    func post(
        _ path: String, _ fields: [(String, String)], csrf: String? = "", origin: String = "http://127.0.0.1:9000"
    )
        async throws -> TestResult
    {
        var all = fields
        if let csrf { all.append(("_csrf", csrf.isEmpty ? self.csrf : csrf)) }
        let body = all.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            .joined(separator: "&")
        return try await app.request(
            .post, path,
            headers: [.cookie: cookie, .origin: origin, .contentType: "application/x-www-form-urlencoded"],
            body: body)
    }

    /// The ids of the inputs, selects and textareas a person fills in.
    static func inputIDs(_ html: String) -> [String] {
        html.components(separatedBy: " id=\"").dropFirst().compactMap { rest -> String? in
            let id = String(rest.prefix { $0 != "\"" })
            let before = html.components(separatedBy: " id=\"\(id)\"").first ?? ""
            let tag = before.components(separatedBy: "<").last ?? ""
            return ["input", "select", "textarea"].contains { tag.hasPrefix($0) } ? id : nil
        }
    }

    /// The new token's secret, shown once on the page that created or rotated it.
    static func tokenSecret(in html: String) -> String? {
        html.components(separatedBy: "<code id=\"token-secret\">").dropFirst().first.map {
            String($0.prefix { $0 != "<" })
        }
    }
}

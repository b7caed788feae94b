import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsTestSupport

@testable import TidingsServer

/// Browser login (`/admin/login`), sessions on the API, logout and profile.
@Suite struct SessionLoginTests {
    /// Fetches the login page and returns its nonce (cookie and form field).
    static func nonce(_ app: TestApp, path: String = "/admin/login") async throws -> String {
        let page = try await app.request(.get, path)
        #expect(page.status == .ok)
        let cookie = page.headers[values: .setCookie].first { $0.hasPrefix("tidings_nonce=") } ?? ""
        let value = cookie.dropFirst("tidings_nonce=".count).prefix { $0 != ";" }
        #expect(page.body.contains("value=\"\(value)\""))
        return String(value)
    }

    static func form(_ fields: [String: String]) -> String {
        fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }
            .joined(separator: "&")
    }

    /// Posts the login form with a fresh nonce read from `page`.
    static func login(
        _ app: TestApp, _ username: String, password: String, next: String, page: String = "/admin/login"
    ) async throws -> TestResult {
        let nonce = try await Self.nonce(app, path: page)
        return try await app.request(
            .post, "/admin/login",
            headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "tidings_nonce=\(nonce)"],
            body: Self.form(["username": username, "password": password, "nonce": nonce, "next": next]))
    }

    static func sessionCookie(_ response: TestResult) -> String? {
        guard let header = response.headers[values: .setCookie].first(where: { $0.hasPrefix("session=") }) else {
            return nil
        }
        return String(header.dropFirst("session=".count).prefix { $0 != ";" })
    }

    @Test("login sets a session cookie with the right flags and redirects to next", arguments: TestBackend.enabled)
    func login(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice", password: "correct horse")
            let response = try await Self.login(app, "alice", password: "correct horse", next: "/admin/lists")
            #expect(response.status == .found)
            #expect(response.headers[.location] == "/admin/lists")
            let setCookie = response.headers[values: .setCookie].first { $0.hasPrefix("session=") } ?? ""
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Lax"))
            #expect(setCookie.contains("Path=/"))
            #expect(!setCookie.contains("Secure"))
            let session = try #require(Self.sessionCookie(response))
            #expect(session.count == 32)
            let profile = try await app.request(.get, "/api/profile", headers: .session(session))
            #expect(profile.status == .ok)
            #expect(profile.dataObject["username"] as? String == "alice")
            #expect(profile.dataObject["loggedin_at"] is String)
        }
    }

    @Test("an https root URL gives a Secure __Host- cookie")
    func secureCookie() async throws {
        try await TestApp.run(.sqlite, configure: { $0.rootURL = "https://news.example.com" }) { app in
            try await app.makeLoginUser("alice")
            let nonce = try await Self.nonce(app)
            let response = try await app.request(
                .post, "/admin/login",
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "tidings_nonce=\(nonce)"],
                body: Self.form(["username": "alice", "password": "password-123", "nonce": nonce]))
            let setCookie = response.headers[values: .setCookie].first { $0.hasPrefix("__Host-session=") } ?? ""
            #expect(setCookie.contains("Secure"))
            #expect(setCookie.contains("Path=/"))
            #expect(!setCookie.contains("Domain"))
        }
    }

    @Test("wrong password, unknown user and API user all fail the same way", arguments: TestBackend.enabled)
    func loginFailures(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice")
            _ = try await app.makeAPIUser("robot")
            for (username, password) in [("alice", "wrong-password"), ("nobody", "password-123"), ("robot", "x")] {
                let nonce = try await Self.nonce(app)
                let response = try await app.request(
                    .post, "/admin/login",
                    headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "tidings_nonce=\(nonce)"],
                    body: Self.form(["username": username, "password": password, "nonce": nonce]))
                #expect(response.status == .ok)
                #expect(response.body.contains("Invalid login or password"))
                #expect(Self.sessionCookie(response) == nil)
            }
        }
    }

    @Test("a login form without its nonce is refused (login CSRF)")
    func loginNonce() async throws {
        try await TestApp.run(.sqlite) { app in
            try await app.makeLoginUser("alice")
            let response = try await app.request(
                .post, "/admin/login", headers: [.contentType: "application/x-www-form-urlencoded"],
                body: Self.form(["username": "alice", "password": "password-123", "nonce": "forged"]))
            #expect(Self.sessionCookie(response) == nil)
            #expect(response.body.contains("The form expired"))
        }
    }

    @Test(
        "next is reduced to a local path",
        arguments: [
            ("https://evil.example/x", "/admin"), ("//evil.example/x", "/admin"),
            ("/admin/lists?a=1&b=%2F", "/admin/lists?a=1&b=%2F"),
            ("/admin/../etc", "/admin"), ("", "/admin"), ("/admin/users", "/admin/users"),
            // Browsers drop tabs and line breaks and read `\` as `/`: each of these is another host.
            ("/\t/evil.com", "/admin"), ("/\n/evil.com", "/admin"), ("/\\evil.com", "/admin"),
            ("\t//evil.com", "/admin"), (" /evil.com", "/admin"), ("/%2F/evil.com", "/admin"),
            ("/%09/evil.com", "/admin"), ("/%5Cevil.com", "/admin"), ("/\u{200B}/evil.com", "/admin"),
            ("/", "/"), ("/admin/lists?q=caf\u{e9}", "/admin/lists?q=caf%C3%A9"),
        ])
    func nextSanitizing(raw: String, expected: String) {
        #expect(LoginPages.sanitizedNext(raw) == expected)
    }

    @Test("a tab in next cannot lead to another site after a successful login", arguments: TestBackend.enabled)
    func nextWithTab(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice")
            let response = try await Self.login(
                app, "alice", password: "password-123", next: "/\t/evil.com",
                page: "/admin/login?next=%2F%09%2Fevil.com")
            #expect(response.status == .found)
            #expect(response.headers[.location] == "/admin")
            let page = try await app.request(.get, "/admin/login?next=%2F%09%2Fevil.com")
            #expect(!page.body.contains("evil.com"))
        }
    }

    @Test("/admin without a session redirects to the login page, keeping next")
    func adminRedirect() async throws {
        try await TestApp.run(.sqlite) { app in
            let response = try await app.request(.get, "/admin/lists/5?x=1")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/admin/login?next=%2Fadmin%2Flists%2F5%3Fx%3D1")
        }
    }

    @Test("logout ends the session server-side and clears the cookie on Path=/", arguments: TestBackend.enabled)
    func logout(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice")
            let session = try await app.sessionID("alice")
            let response = try await app.request(.post, "/api/logout", headers: .session(session))
            #expect(response.status == .ok)
            let cleared = response.headers[values: .setCookie].first { $0.hasPrefix("session=") } ?? ""
            #expect(cleared.contains("Path=/"))
            #expect(cleared.contains("Max-Age=0"))
            let after = try await app.request(.get, "/api/profile", headers: .session(session))
            #expect(after.status == .unauthorized)
            #expect(after.code == "session_invalid")
        }
    }

    @Test("logout with a token is a clear 400, not a crash", arguments: TestBackend.enabled)
    func logoutWithToken(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let headers = try await app.adminHeaders()
            let response = try await app.request(.post, "/api/logout", headers: headers)
            #expect(response.status == .badRequest)
            #expect(response.code == "no_session")
        }
    }

    @Test("a cookie-authenticated change from another origin is refused (CSRF)", arguments: TestBackend.enabled)
    func csrf(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("alice")
            let session = try await app.sessionID("alice")
            let body: [String: Any] = ["name": "From elsewhere"]
            let foreign = try await app.request(
                .post, "/api/lists", headers: [.cookie: "session=\(session)", .origin: "https://evil.example"],
                json: body)
            #expect(foreign.status == .forbidden)
            #expect(foreign.code == "csrf_failed")
            let none = try await app.request(.post, "/api/lists", headers: [.cookie: "session=\(session)"], json: body)
            #expect(none.code == "csrf_failed")
            let lists = try await app.services.stores.lists.lists(ListQuery())
            #expect(lists.total == 0)
            let own = try await app.request(.post, "/api/lists", headers: .session(session), json: body)
            #expect(own.status == .ok)
            let read = try await app.request(.get, "/api/lists", headers: [.cookie: "session=\(session)"])
            #expect(read.status == .ok)
        }
    }

    @Test("disabling a user ends its sessions at once", arguments: TestBackend.enabled)
    func disableEndsSessions(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            try await app.makeLoginUser("root")
            let alice = try await app.makeLoginUser("alice")
            let session = try await app.sessionID("alice")
            #expect(try await app.request(.get, "/api/profile", headers: .session(session)).status == .ok)
            var update = UserService.Update()
            update.status = .disabled
            update.listRole = .keep
            _ = try await app.services.users.update(alice.id, update, by: nil)
            #expect(try await app.request(.get, "/api/profile", headers: .session(session)).status == .unauthorized)
        }
    }

    @Test("an idle session expires", arguments: TestBackend.enabled)
    func idleExpiry(backend: TestBackend) async throws {
        let offset = OffsetClock()
        try await TestApp.run(backend, clock: offset.clock) { app in
            try await app.makeLoginUser("alice")
            let session = try await app.sessionID("alice")
            offset.advance(by: 11 * 3_600)
            #expect(try await app.request(.get, "/api/profile", headers: .session(session)).status == .ok)
            offset.advance(by: 11 * 3_600)
            #expect(try await app.request(.get, "/api/profile", headers: .session(session)).status == .ok)
            offset.advance(by: 13 * 3_600)
            let expired = try await app.request(.get, "/api/profile", headers: .session(session))
            #expect(expired.code == "session_invalid")
        }
    }
}

@Suite struct SessionSweeperTests {
    @Test("the sweeper removes idle sessions and keeps live ones", arguments: TestBackend.enabled)
    func sweep(backend: TestBackend) async throws {
        let offset = OffsetClock()
        try await TestApp.run(backend, clock: offset.clock) { app in
            try await app.makeLoginUser("alice")
            let old = try await app.sessionID("alice")
            offset.advance(by: 13 * 3_600)
            let fresh = try await app.sessionID("alice")
            let sweeper = SessionSweeper(
                store: app.services.stores.sessions, idleLifetime: app.services.configuration.sessionIdleLifetime,
                clock: app.services.clock, interval: .seconds(3_600), logger: .init(label: "t"))
            #expect(try await sweeper.sweep() == 1)
            #expect(try await app.request(.get, "/api/profile", headers: .session(fresh)).status == .ok)
            #expect(try await app.request(.get, "/api/profile", headers: .session(old)).status == .unauthorized)
        }
    }
}

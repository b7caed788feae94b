import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsTestSupport

@testable import TidingsServer

/// TOTP two-factor authentication: enrolment, the login step, single use,
/// turning it off, and the setting that requires it.
@Suite struct TwoFactorTests {
    static func cookie(_ name: String, in response: TestResult) -> String? {
        response.headers[values: .setCookie].first { $0.hasPrefix("\(name)=") }
            .map { String($0.dropFirst(name.count + 1).prefix { $0 != ";" }) }
    }

    /// Enrols `user` through the API and returns its secret.
    static func enrol(_ app: TestApp, _ user: User, session: HTTPFields, clock: OffsetClock) async throws -> [UInt8] {
        let offer = try await app.request(.get, "/api/users/\(user.id.rawValue)/twofa/totp", headers: session)
        #expect(offer.status == .ok, "\(offer.body)")
        let text = try #require(offer.dataObject["secret"] as? String)
        #expect((offer.dataObject["otpauth_url"] as? String)?.hasPrefix("otpauth://totp/Tidings:") == true)
        let secret = try #require(Base32.decode(text))
        var form = session
        form[.contentType] = "application/x-www-form-urlencoded"
        form[.origin] = "http://127.0.0.1:9000"
        let wrong = try await app.request(
            .put, "/api/users/\(user.id.rawValue)/twofa", headers: form,
            body: SessionLoginTests.form(["secret": text, "code": "000000"]))
        #expect(wrong.status == .badRequest)
        let code = TOTP.code(secret: secret, step: TOTP.step(at: clock.clock.now()))
        let enabled = try await app.request(
            .put, "/api/users/\(user.id.rawValue)/twofa", headers: form,
            body: SessionLoginTests.form(["secret": text, "code": code]))
        #expect(enabled.status == .ok, "\(enabled.body)")
        return secret
    }

    @Test("enrol, then log in with password and code; each code works once", arguments: TestBackend.enabled)
    func loginWithCode(backend: TestBackend) async throws {
        let clock = OffsetClock()
        try await TestApp.run(backend, clock: clock.clock) { app in
            let alice = try await app.makeLoginUser("alice", password: "alice password")
            let session = HTTPFields.session(try await app.sessionID("alice", password: "alice password"))
            let secret = try await Self.enrol(app, alice, session: session, clock: clock)
            #expect(try await app.services.users.user(alice.id).twoFactor == .totp)
            let again = try await app.request(.get, "/api/users/\(alice.id.rawValue)/twofa/totp", headers: session)
            #expect(again.code == "twofa_enabled")
            let stored = try #require(try await app.services.stores.twoFactor.sealedTwoFactorKey(userID: alice.id))
            #expect(!stored.contains(Base32.encode(secret)), "the key is sealed")

            clock.advance(by: 30)
            let nonce = try await SessionLoginTests.nonce(app)
            let form: HTTPFields = [
                .contentType: "application/x-www-form-urlencoded", .cookie: "tidings_nonce=\(nonce)",
            ]
            let first = try await app.request(
                .post, "/admin/login", headers: form,
                body: SessionLoginTests.form([
                    "username": "alice", "password": "alice password", "nonce": nonce, "next": "/admin/lists",
                ]))
            #expect(first.status == .found)
            #expect(first.headers[.location] == "/admin/login/twofa?next=%2Fadmin%2Flists")
            #expect(SessionLoginTests.sessionCookie(first) == nil, "no session before the code")
            let pending = try #require(Self.cookie("tidings_twofa", in: first))

            let page = try await app.request(
                .get, "/admin/login/twofa?next=%2Fadmin%2Flists", headers: [.cookie: "tidings_twofa=\(pending)"])
            #expect(page.status == .ok)
            let stepNonce = try #require(Self.cookie("tidings_nonce", in: page))
            let cookies: HTTPFields = [
                .contentType: "application/x-www-form-urlencoded",
                .cookie: "tidings_twofa=\(pending); tidings_nonce=\(stepNonce)",
            ]
            func submit(_ code: String) async throws -> TestResult {
                try await app.request(
                    .post, "/admin/login/twofa", headers: cookies,
                    body: SessionLoginTests.form(["code": code, "nonce": stepNonce, "next": "/admin/lists"]))
            }
            let wrong = try await submit("123456")
            #expect(wrong.status == .ok)
            #expect(wrong.body.contains("not right"))
            let code = TOTP.code(secret: secret, step: TOTP.step(at: clock.clock.now()))
            let done = try await submit(code)
            #expect(done.status == .found)
            #expect(done.headers[.location] == "/admin/lists")
            let sessionID = try #require(SessionLoginTests.sessionCookie(done))
            #expect(try await app.request(.get, "/api/profile", headers: .session(sessionID)).status == .ok)
            let replay = try await submit(code)
            #expect(replay.status == .ok, "a code works once")
            #expect(SessionLoginTests.sessionCookie(replay) == nil)

            // Without the pending cookie (or with a forged one) there is no second step.
            #expect(try await app.request(.get, "/admin/login/twofa").status == .found)
            let forged = try await app.request(
                .get, "/admin/login/twofa", headers: [.cookie: "tidings_twofa=\(String(pending.dropLast(4)))AAAA"])
            #expect(forged.headers[.location] == "/admin/login")
            clock.advance(by: 301)
            #expect(
                try await app.request(.get, "/admin/login/twofa", headers: [.cookie: "tidings_twofa=\(pending)"]).status
                    == .found)
        }
    }

    @Test("turning 2FA off: the user with its password, or an administrator", arguments: TestBackend.enabled)
    func disable(backend: TestBackend) async throws {
        let clock = OffsetClock()
        try await TestApp.run(backend, clock: clock.clock) { app in
            let alice = try await app.makeLoginUser("alice", password: "alice password")
            var session = HTTPFields.session(try await app.sessionID("alice", password: "alice password"))
            _ = try await Self.enrol(app, alice, session: session, clock: clock)
            session[.origin] = "http://127.0.0.1:9000"
            let path = "/api/users/\(alice.id.rawValue)/twofa"
            let noPassword = try await app.request(.delete, path, headers: session)
            #expect(noPassword.status == .badRequest)
            let wrong = try await app.request(.delete, path, headers: session, json: ["password": "not it"])
            #expect(wrong.status == .forbidden)
            #expect(wrong.message == "Invalid password")
            let inURL = try await app.request(.delete, path + "?password=alice%20password", headers: session)
            #expect(inURL.code == "credentials_in_url", "listmonk's password-in-the-URL is refused")
            #expect(
                try await app.request(.delete, path, headers: session, json: ["password": "alice password"]).status
                    == .ok)
            #expect(try await app.services.users.user(alice.id).twoFactor == .none)
            #expect(
                try await app.request(.delete, path, headers: session, json: ["password": "alice password"]).code
                    == "twofa_not_enabled")

            // An administrator resets someone who lost their phone; others may not.
            _ = try await Self.enrol(app, alice, session: session, clock: clock)
            let outsider = try await app.headers(holding: [.usersGet])
            #expect(try await app.request(.delete, path, headers: outsider).status == .forbidden)
            #expect(try await app.request(.delete, path, headers: try await app.adminHeaders()).status == .ok)
            // Enrolment is only for one's own account, and only for login users.
            let (shop, token) = try await app.makeAPIUser("shop")
            #expect(
                try await app.request(.get, "/api/users/\(alice.id.rawValue)/twofa/totp", headers: .bearer(token))
                    .status == .forbidden)
            #expect(
                try await app.request(.get, "/api/users/\(shop.id.rawValue)/twofa/totp", headers: .bearer(token)).code
                    == "twofa_unavailable")
        }
    }

    /// Runs `body` with `alice` (password "alice password") enrolled in TOTP.
    static func withEnrolledAlice(
        _ backend: TestBackend, _ body: @Sendable (TestApp, User) async throws -> Void
    ) async throws {
        let clock = OffsetClock()
        try await TestApp.run(backend, clock: clock.clock) { app in
            let alice = try await app.makeLoginUser("alice", password: "alice password")
            let session = HTTPFields.session(try await app.sessionID("alice", password: "alice password"))
            _ = try await enrol(app, alice, session: session, clock: clock)
            try await body(app, alice)
        }
    }

    @Test(
        "without users:manage, turning off someone's 2FA answers the same whether the user exists or has 2FA",
        arguments: TestBackend.enabled)
    func disableWithoutPermission(backend: TestBackend) async throws {
        try await Self.withEnrolledAlice(backend) { app, alice in
            let bob = try await app.makeLoginUser("bob")
            let outsider = try await app.headers(holding: [.usersGet])
            var bodies: Set<String> = []
            for id in [alice.id.rawValue, bob.id.rawValue, 999_999] {  // 2FA on, 2FA off, no such user
                let response = try await app.request(.delete, "/api/users/\(id)/twofa", headers: outsider)
                #expect(response.status == .forbidden, "user \(id): \(response.body)")
                #expect(response.code == "permission_denied")
                bodies.insert(response.body)
            }
            #expect(bodies.count == 1, "\(bodies)")
            #expect(try await app.services.users.user(alice.id).twoFactor == .totp)
        }
    }

    @Test(
        "a TOTP user's password on the API is not confirmed: the same invalid_credentials as a wrong one",
        arguments: TestBackend.enabled)
    func apiDoesNotConfirmATOTPUsersPassword(backend: TestBackend) async throws {
        try await Self.withEnrolledAlice(backend) { app, _ in
            let right = try await app.request(.get, "/api/lists", headers: .basic("alice", "alice password"))
            let wrong = try await app.request(.get, "/api/lists", headers: .basic("alice", "not alice's"))
            #expect(right.status == .unauthorized)
            #expect(right.code == "invalid_credentials")
            #expect(right.body == wrong.body)
        }
    }

    @Test("with 2FA required, a session reaches only enrolment until it enrols", arguments: TestBackend.enabled)
    func required(backend: TestBackend) async throws {
        let clock = OffsetClock()
        try await TestApp.run(backend, clock: clock.clock, configure: { $0.requireTwoFactor = true }) { app in
            let alice = try await app.makeLoginUser("alice", password: "alice password")
            let session = HTTPFields.session(try await app.sessionID("alice", password: "alice password"))
            let blocked = try await app.request(.get, "/api/lists", headers: session)
            #expect(blocked.status == .forbidden)
            #expect(blocked.code == "twofa_required")
            #expect(try await app.request(.get, "/api/profile", headers: session).status == .ok)
            _ = try await Self.enrol(app, alice, session: session, clock: clock)
            #expect(try await app.request(.get, "/api/lists", headers: session).status == .ok)
            // API tokens are not sessions: unaffected.
            let (_, token) = try await app.makeAPIUser("shop")
            #expect(try await app.request(.get, "/api/lists", headers: .bearer(token)).status == .ok)
        }
    }
}

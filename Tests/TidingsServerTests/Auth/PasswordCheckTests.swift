import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsTestSupport

@testable import TidingsServer

/// Password hashing has its own bounded pool (docs/security.md, "Passwords"): when every check is
/// taken, password checks are refused at once with 503, tokens are not held up, and credentials
/// that cannot be a login user's password are refused without a check at all.
@Suite struct PasswordCheckTests {
    /// Runs `body` while every slot of `pool` is taken by a check that waits for the body to end.
    static func whileFull(_ pool: PasswordCheckPool, _ body: () async throws -> Void) async throws {
        let gate = DispatchSemaphore(value: 0)
        let (started, running) = AsyncStream<Void>.makeStream()
        let occupant = Task {
            try await pool.run {
                running.yield()
                gate.wait()
            }
        }
        defer { gate.signal() }
        for await _ in started { break }
        #expect(pool.isBusy)
        try await body()
        gate.signal()
        try await occupant.value
    }

    @Test(
        "every password check taken: 503 password_check_busy on the API and the login form, tokens unaffected",
        arguments: TestBackend.enabled)
    func busy(backend: TestBackend) async throws {
        try await TestApp.run(
            backend,
            configure: {
                $0.passwordCheckThreads = 1
                $0.passwordCheckWaiting = 0
            }
        ) { app in
            let (shop, token) = try await app.makeAPIUser("shop")
            try await app.makeLoginUser("alice", password: "alice password")
            let nonce = try await SessionLoginTests.nonce(app)
            try await Self.whileFull(app.services.passwordChecks) {
                // A valid token never waits for a password check.
                #expect(try await app.request(.get, "/api/lists", headers: .bearer(token)).status == .ok)
                // A Bearer value that is not a token names nobody: refused without a check.
                let bearer = try await app.request(.get, "/api/lists", headers: .bearer("not-a-token-1"))
                #expect(bearer.status == .unauthorized)
                #expect(bearer.code == "invalid_credentials")
                // Whoever the name, a password check is refused at once (the answer does not tell
                // a login user from an unknown name or an API user).
                for (username, password) in [
                    ("alice", "alice password"), ("nobody", "x-12345678"), (shop.username, "pw"),
                ] {
                    let refused = try await app.request(.get, "/api/lists", headers: .basic(username, password))
                    #expect(refused.status == .serviceUnavailable, "\(username): \(refused.body)")
                    #expect(refused.code == "password_check_busy")
                    #expect(refused.message?.contains("password checks") == true)
                    #expect(Int(refused.headers[.retryAfter] ?? "") ?? 0 >= 1)
                }
                let form = try await app.request(
                    .post, "/admin/login",
                    headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "tidings_nonce=\(nonce)"],
                    body: SessionLoginTests.form(["username": "alice", "password": "alice password", "nonce": nonce]))
                #expect(form.status == .serviceUnavailable)
                #expect(Int(form.headers[.retryAfter] ?? "") ?? 0 >= 1)
                #expect(form.body.contains("busy checking other passwords"))
                #expect(SessionLoginTests.sessionCookie(form) == nil)
            }
            // The refusals counted as no attempt, and checks run again once a slot is free.
            let after = try await app.request(.get, "/api/lists", headers: .basic("alice", "alice password"))
            #expect(after.code == "login_user_not_api")
            #expect(try await !app.sessionID("alice", password: "alice password").isEmpty)
        }
    }

    @Test("a pool admits its threads' checks and its waiting ones, and refuses the next at once")
    func bound() async throws {
        let pool = PasswordCheckPool(threads: 1, waiting: 1, typical: .milliseconds(1))
        let gate = DispatchSemaphore(value: 0)
        let (started, running) = AsyncStream<Void>.makeStream()
        let first = Task {
            try await pool.run {
                running.yield(); gate.wait(); return 1
            }
        }
        defer { gate.signal() }
        for await _ in started { break }
        #expect(!pool.isBusy, "one slot still waits")
        let second = Task { try await pool.run { 2 } }
        while !pool.isBusy { await Task.yield() }
        await #expect(throws: TidingsError.passwordCheckBusy(retryAfter: 1)) { try await pool.run { 3 } }
        await #expect(throws: TidingsError.passwordCheckBusy(retryAfter: 1)) { try await pool.imitate() }
        gate.signal()
        #expect(try await first.value == 1)
        #expect(try await second.value == 2)
        #expect(try await pool.run { 4 } == 4)
    }
}

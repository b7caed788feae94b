import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import TidingsCore
import TidingsServer
import TidingsTestSupport

/// Throttling over HTTP: a flood of failures from one address gets 429 with `Retry-After`,
/// while the real user, at another address, logs in and uses its token as if nothing happened.
@Suite struct ThrottlingTests {
    static let attacker = "198.51.100.7"
    static let office = "203.0.113.5"

    static func from(_ address: String, _ headers: HTTPFields = [:]) -> HTTPFields {
        var headers = headers
        headers[HTTPField.Name("X-Forwarded-For")!] = address
        return headers
    }

    /// Runs `body` against a live server that trusts the test's `X-Forwarded-For`, with time
    /// standing still, so that no back-off runs out while the test goes on.
    static func behindProxy(_ backend: TestBackend, _ body: @Sendable (TestApp) async throws -> Void) async throws {
        let now = Date()
        try await TestApp.run(
            backend, clock: WallClock { now }, setup: .live, configure: { $0.trustedProxies = ["127.0.0.1"] }, body)
    }

    @Test(
        "1,000 API failures from one address stop neither the real token nor the real login elsewhere",
        arguments: TestBackend.enabled)
    func floodFromOneAddress(backend: TestBackend) async throws {
        try await Self.behindProxy(backend) { app in
            let (shop, token) = try await app.makeAPIUser("shop")
            try await app.makeLoginUser("alice", password: "alice password")
            var statuses: [HTTPResponse.Status: Int] = [:]
            var retryAfter: String?
            for index in 0..<1_000 {
                // Mostly wrong tokens; every tenth a password where the token belongs.
                let secret =
                    index % 10 == 0
                    ? "guess-\(index)"
                    : app.services.tokenFormat.generate(keyID: String(token.dropFirst(4).prefix(10))).token
                let response = try await app.request(
                    .get, "/api/lists", headers: Self.from(Self.attacker, .basic(shop.username, secret)))
                statuses[response.status, default: 0] += 1
                if response.status == .tooManyRequests {
                    #expect(response.code == "too_many_failures")
                    retryAfter = response.headers[.retryAfter]
                }
            }
            #expect((statuses[.unauthorized] ?? 0) <= 60, "\(statuses)")
            #expect((statuses[.tooManyRequests] ?? 0) >= 940, "\(statuses)")
            #expect(statuses.keys.allSatisfy { [.unauthorized, .tooManyRequests].contains($0) }, "\(statuses)")
            #expect(Int(retryAfter ?? "") ?? 0 >= 1)

            // The real token works from another address, and even from the flooded one: the flood
            // came through a trusted proxy, whose connection carries other clients too.
            for address in [Self.office, Self.attacker] {
                let real = try await app.request(.get, "/api/lists", headers: Self.from(address, .bearer(token)))
                #expect(real.status == .ok, "from \(address): \(real.body)")
            }

            // 1,000 failed logins for alice from the attacker...
            let nonce = try await SessionLoginTests.nonce(app)
            let formHeaders: HTTPFields = [
                .contentType: "application/x-www-form-urlencoded", .cookie: "tidings_nonce=\(nonce)",
            ]
            var loginStatuses: [HTTPResponse.Status: Int] = [:]
            for index in 0..<1_000 {
                let response = try await app.request(
                    .post, "/admin/login", headers: Self.from(Self.attacker, formHeaders),
                    body: SessionLoginTests.form(["username": "alice", "password": "wrong \(index)", "nonce": nonce]))
                loginStatuses[response.status, default: 0] += 1
            }
            #expect((loginStatuses[.tooManyRequests] ?? 0) >= 980, "\(loginStatuses)")
            // ...and alice logs in from the office.
            let login = try await app.request(
                .post, "/admin/login", headers: Self.from(Self.office, formHeaders),
                body: SessionLoginTests.form(["username": "alice", "password": "alice password", "nonce": nonce]))
            #expect(login.status == .found, "\(login.status) \(login.body.prefix(300))")
            #expect(SessionLoginTests.sessionCookie(login) != nil)
            // The attacker's address, meanwhile, cannot even try the right password.
            let blocked = try await app.request(
                .post, "/admin/login", headers: Self.from(Self.attacker, formHeaders),
                body: SessionLoginTests.form(["username": "alice", "password": "alice password", "nonce": nonce]))
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.headers[.retryAfter] != nil)
        }
    }

    @Test(
        "a connection that keeps guessing is refused unheard while its address waits, other connections are not",
        arguments: TestBackend.enabled)
    func guessingConnection(backend: TestBackend) async throws {
        let time = OffsetClock()
        try await TestApp.run(backend, clock: time.clock, setup: .live) { app in
            let (_, token) = try await app.makeAPIUser("shop")
            let keyID = try app.services.tokenFormat.parse(token)
            // Wrong secrets on the test's one keep-alive connection, past the 50 an address may make.
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<60 {
                let guess = app.services.tokenFormat.generate(keyID: keyID).token
                statuses.append(try await app.request(.get, "/api/lists", headers: .basic("shop", guess)).status)
            }
            #expect(statuses.suffix(10).allSatisfy { $0 == .tooManyRequests }, "\(statuses)")
            // The right token on that connection is not even looked at...
            let unheard = try await app.request(.get, "/api/lists", headers: .bearer(token))
            #expect(unheard.status == .tooManyRequests)
            #expect(unheard.code == "too_many_failures")
            #expect(Int(unheard.headers[.retryAfter] ?? "") ?? 0 >= 1)
            // ...while a new connection from the same address is verified, and gets in.
            let other = try RawHTTPConnection(port: try #require(app.client.port))
            try other.send("GET /api/lists HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n\r\n")
            let answer = other.receive(until: "\r\n\r\n")
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
            // Once the wait is over, the guessing connection is heard again.
            time.advance(by: 1_000)
            let heard = try await app.request(.get, "/api/lists", headers: .bearer(token))
            #expect(heard.status == .ok, "\(heard.body)")
        }
    }

    @Test(
        "passwords sent to the API have the login form's allowance: 5 per username at an address, 50 per username",
        arguments: TestBackend.enabled)
    func apiPasswordAllowance(backend: TestBackend) async throws {
        try await Self.behindProxy(backend) { app in
            try await app.makeLoginUser("alice", password: "alice password")
            let (_, token) = try await app.makeAPIUser("shop")
            func guess(_ index: Int, from address: String) async throws -> HTTPResponse.Status {
                try await app.request(
                    .get, "/api/lists", headers: Self.from(address, .basic("alice", "wrong \(index)"))
                ).status
            }
            var statuses: [HTTPResponse.Status] = []
            for index in 0..<6 { statuses.append(try await guess(index, from: Self.attacker)) }
            #expect(statuses == Array(repeating: .unauthorized, count: 5) + [.tooManyRequests], "\(statuses)")
            // 44 more addresses make 50 failures for alice in all...
            for index in 0..<44 {
                #expect(try await guess(index, from: "192.0.2.\(index + 10)") == .unauthorized)
            }
            // ...past which any address that fails for alice waits from its first failure.
            #expect(try await guess(0, from: "192.0.2.200") == .tooManyRequests)
            // Tokens are not held up, even from the guessing address.
            let real = try await app.request(.get, "/api/lists", headers: Self.from(Self.attacker, .bearer(token)))
            #expect(real.status == .ok)
        }
    }

    @Test("the leaked-token report is rate-limited per address", arguments: TestBackend.enabled)
    func leakReportLimit(backend: TestBackend) async throws {
        try await TestApp.run(backend, setup: .live, configure: { $0.trustedProxies = ["127.0.0.1"] }) { app in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<15 {
                let response = try await app.request(
                    .post, "/api/public/tokens/revoke", headers: Self.from(Self.attacker),
                    json: ["token": app.services.tokenFormat.generate().token])
                statuses.append(response.status)
            }
            #expect(statuses.prefix(10).allSatisfy { $0 == .ok })
            #expect(statuses.suffix(5).allSatisfy { $0 == .tooManyRequests })
            let elsewhere = try await app.request(
                .post, "/api/public/tokens/revoke", headers: Self.from(Self.office), json: ["token": "x"])
            #expect(elsewhere.status == .ok)
        }
    }

    @Test("a session cannot be used to guess its user's password", arguments: TestBackend.enabled)
    func passwordChecksBehindASession(backend: TestBackend) async throws {
        let now = Date()
        try await TestApp.run(backend, clock: WallClock { now }) { app in
            try await app.makeLoginUser("alice", password: "alice password")
            var session = HTTPFields.session(try await app.sessionID("alice", password: "alice password"))
            session[.origin] = "http://127.0.0.1:9000"
            var statuses: [HTTPResponse.Status] = []
            for index in 0..<8 {
                let response = try await app.request(
                    .put, "/api/profile", headers: session,
                    json: ["name": "Alice", "password": "new password 1", "current_password": "guess \(index)"])
                statuses.append(response.status)
            }
            #expect(statuses.prefix(5).allSatisfy { $0 == .badRequest }, "\(statuses)")
            #expect(statuses.suffix(3).allSatisfy { $0 == .tooManyRequests }, "\(statuses)")
            let right = try await app.request(
                .put, "/api/profile", headers: session,
                json: ["name": "Alice", "password": "new password 1", "current_password": "alice password"])
            #expect(right.status == .tooManyRequests, "even the right password waits out the back-off")
        }
    }
}

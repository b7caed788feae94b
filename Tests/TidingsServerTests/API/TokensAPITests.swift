import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import TidingsCore
import TidingsServer
import TidingsTestSupport

/// The token API: named tokens, their lifecycle and what each failure says.
@Suite struct TokensAPITests {
    /// Creates a token through the API and returns the response's `data`.
    static func create(
        _ app: TestApp, for user: User, _ body: [String: Any], as headers: HTTPFields
    ) async throws -> [String: Any] {
        let response = try await app.request(
            .post, "/api/users/\(user.id.rawValue)/tokens", headers: headers, json: body)
        #expect(response.status == .ok, "\(response.body)")
        return response.dataObject
    }

    @Test("create shows the secret once; list shows every field but never the secret", arguments: TestBackend.enabled)
    func createAndList(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let (shop, _) = try await app.makeAPIUser("shop")
            let created = try await Self.create(
                app, for: shop,
                ["name": "ci", "scopes": ["lists:get_all"], "allowed_cidrs": ["10.0.0.0/8", "2001:db8::/32"]],
                as: admin)
            let secret = try #require(created["token"] as? String)
            let id = try #require(created["id"] as? String)
            #expect(secret.hasPrefix("tdg_") && secret.count == 50)
            #expect(secret.dropFirst(4).hasPrefix(id))
            #expect(created["name"] as? String == "ci")
            #expect(created["state"] as? String == "active")
            #expect(created["scopes"] as? [String] == ["lists:get_all"])
            #expect(created["allowed_cidrs"] as? [String] == ["10.0.0.0/8", "2001:db8::/32"])
            #expect(created["display"] as? String == "tdg_\(id)…\(secret.suffix(4))")
            #expect(created["expires_at"] is String)

            let listed = try await app.request(.get, "/api/users/\(shop.id.rawValue)/tokens", headers: admin)
            #expect(listed.status == .ok)
            #expect(listed.dataArray.count == 2)  // "default" from user creation, and "ci"
            #expect(!listed.body.contains(String(secret.dropFirst(14))), "the secret must never be listed")
            #expect(listed.dataArray.allSatisfy { $0["token"] == nil })
            let keys = Set(listed.dataArray[0].keys)
            for field in [
                "id", "user_id", "name", "display", "scopes", "lists", "allowed_cidrs", "created_at", "expires_at",
                "last_used_at", "last_used_ip", "recent_ips", "state", "grace_until",
            ] {
                #expect(keys.contains(field), "missing \(field)")
            }
        }
    }

    @Test("bad token requests are 4xx and create nothing", arguments: TestBackend.enabled)
    func badRequests(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let (shop, _) = try await app.makeAPIUser("shop")
            let person = try await app.makeLoginUser("person")
            let path = "/api/users/\(shop.id.rawValue)/tokens"
            let tooLate = Timestamp.rfc3339(Date().addingTimeInterval(400 * 86_400))
            let cases: [([String: Any], HTTPResponse.Status, String)] = [
                ([:], .badRequest, "invalid_fields"),
                (["name": "  "], .badRequest, "invalid_fields"),
                (["name": String(repeating: "n", count: 201)], .badRequest, "invalid_fields"),
                (["name": "default"], .conflict, "conflict"),
                (["name": "x", "scopes": ["lists:get_all", "root"]], .badRequest, "invalid_fields"),
                (["name": "x", "lists": [999]], .badRequest, "invalid_fields"),
                (["name": "x", "allowed_cidrs": ["10.0.0.0/33"]], .badRequest, "invalid_fields"),
                (["name": "x", "allowed_cidrs": ["example.com"]], .badRequest, "invalid_fields"),
                (["name": "x", "expires_at": tooLate], .badRequest, "expiry_too_long"),
                (["name": "x", "expires_at": "2001-01-01T00:00:00Z"], .badRequest, "invalid_fields"),
                (["name": "x", "expires_at": "tomorrow"], .badRequest, "invalid_fields"),
                (["name": "x", "expires_at": NSNull()], .badRequest, "expiry_required"),
                (["name": 5], .badRequest, "invalid_fields"),
            ]
            for (body, status, code) in cases {
                let response = try await app.request(.post, path, headers: admin, json: body)
                #expect(response.status == status, "\(body): \(response.body)")
                #expect(
                    response.code == code || (code == "invalid_fields" && response.code == "invalid_json"),
                    "\(body): \(response.body)")
            }
            let forPerson = try await app.request(
                .post, "/api/users/\(person.id.rawValue)/tokens", headers: admin, json: ["name": "x"])
            #expect(forPerson.status == .badRequest)
            #expect(forPerson.code == "not_api_user")
            let unknown = try await app.request(.post, "/api/users/9999/tokens", headers: admin, json: ["name": "x"])
            #expect(unknown.status == .notFound)
            #expect(try await app.services.tokens.tokens(of: shop.id, by: nil).count == 1)
        }
    }

    @Test("a token that may never expire needs the policy to allow it", arguments: TestBackend.enabled)
    func noExpiry(backend: TestBackend) async throws {
        try await TestApp.run(backend, configure: { $0.tokenAllowNoExpiry = true }) { app in
            let (shop, _) = try await app.makeAPIUser("shop")
            let created = try await Self.create(
                app, for: shop, ["name": "forever", "expires_at": NSNull()], as: try await app.adminHeaders())
            #expect(created["expires_at"] is NSNull)
            let secret = try #require(created["token"] as? String)
            let response = try await app.request(.get, "/api/health", headers: .bearer(secret))
            #expect(response.status == .ok)
            #expect(response.headers[HTTPField.Name("Tidings-Token-Expires")!] == nil)
        }
    }

    @Test(
        "rotation: both secrets work during grace, the old one then fails as superseded", arguments: TestBackend.enabled
    )
    func rotation(backend: TestBackend) async throws {
        let time = OffsetClock()
        try await TestApp.run(backend, clock: time.clock) { app in
            let admin = try await app.adminHeaders()
            let (shop, old) = try await app.makeAPIUser("shop")
            let keyID = String(old.dropFirst(4).prefix(10))
            let path = "/api/users/\(shop.id.rawValue)/tokens/\(keyID)/rotate"
            let rotated = try await app.request(.post, path, headers: admin, json: ["grace_seconds": 3_600])
            #expect(rotated.status == .ok, "\(rotated.body)")
            let new = try #require(rotated.dataObject["token"] as? String)
            #expect(rotated.dataObject["id"] as? String == keyID)
            #expect(rotated.dataObject["grace_until"] is String)
            #expect(new != old)

            let warning = HTTPField.Name("Tidings-Token-Warning")!
            let withOld = try await app.request(.get, "/api/health", headers: .basic("shop", old))
            #expect(withOld.status == .ok)
            #expect(withOld.headers[warning]?.hasPrefix("superseded; valid until ") == true)
            let withNew = try await app.request(.get, "/api/health", headers: .basic("shop", new))
            #expect(withNew.status == .ok)
            #expect(withNew.headers[warning] == nil)

            time.advance(by: 3_601)
            let late = try await app.request(.get, "/api/health", headers: .basic("shop", old))
            #expect(late.status == .unauthorized)
            #expect(late.code == "token_superseded")
            #expect(late.message?.contains("\"default\"") == true)
            let stillNew = try await app.request(.get, "/api/health", headers: .bearer(new))
            #expect(stillNew.status == .ok, "the old secret's failures never break the new one")

            for grace in [-1, 604_801] {
                let refused = try await app.request(.post, path, headers: admin, json: ["grace_seconds": grace])
                #expect(refused.status == .badRequest)
            }
            let zero = try await app.request(.post, path, headers: admin, json: ["grace_seconds": 0])
            let newest = try #require(zero.dataObject["token"] as? String)
            #expect(try await app.request(.get, "/api/health", headers: .bearer(new)).code == "token_superseded")
            #expect(try await app.request(.get, "/api/health", headers: .bearer(newest)).status == .ok)
        }
    }

    @Test("a token rotates itself, and shows itself", arguments: TestBackend.enabled)
    func selfRoutes(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let (_, token) = try await app.makeAPIUser("shop")
            let shown = try await app.request(.get, "/api/tokens/self", headers: .bearer(token))
            #expect(shown.status == .ok)
            #expect(shown.dataObject["username"] as? String == "shop")
            #expect((shown.dataObject["permissions"] as? [String])?.contains("users:manage") == true)
            #expect(shown.dataObject["token"] == nil)
            let rotated = try await app.request(.post, "/api/tokens/self/rotate", headers: .bearer(token), json: [:])
            let new = try #require(rotated.dataObject["token"] as? String)
            #expect(try await app.request(.get, "/api/tokens/self", headers: .bearer(new)).status == .ok)

            try await app.makeLoginUser("person")
            let session = try await app.request(
                .get, "/api/tokens/self", headers: .session(try await app.sessionID("person")))
            #expect(session.status == .badRequest)
            #expect(session.code == "not_a_token")
        }
    }

    @Test("revoking one token or all of them applies on the next request", arguments: TestBackend.enabled)
    func revocation(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let (shop, first) = try await app.makeAPIUser("shop")
            let second = try #require(
                try await Self.create(app, for: shop, ["name": "second"], as: admin)["token"] as? String)
            let third = try #require(
                try await Self.create(app, for: shop, ["name": "third"], as: admin)["token"] as? String)
            let keyID = String(first.dropFirst(4).prefix(10))
            let revoked = try await app.request(
                .delete, "/api/users/\(shop.id.rawValue)/tokens/\(keyID)", headers: admin)
            #expect(revoked.dataObject["state"] as? String == "revoked")
            #expect(revoked.dataObject["revoked_by"] is Int, "who revoked it")
            #expect(revoked.dataObject["revoked_reason"] as? String == "revoked")
            let refused = try await app.request(.get, "/api/health", headers: .bearer(first))
            #expect(refused.code == "token_revoked")
            #expect(try await app.request(.get, "/api/health", headers: .bearer(second)).status == .ok)

            let all = try await app.request(.delete, "/api/users/\(shop.id.rawValue)/tokens", headers: admin)
            #expect(all.status == .ok)
            for token in [second, third] {
                #expect(try await app.request(.get, "/api/health", headers: .bearer(token)).code == "token_revoked")
            }
            let missing = try await app.request(
                .delete, "/api/users/\(shop.id.rawValue)/tokens/0000000000", headers: admin)
            #expect(missing.status == .notFound)
        }
    }

    @Test("scopes and list restrictions only narrow the user's roles", arguments: TestBackend.enabled)
    func leastPrivilege(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let (shop, _) = try await app.makeAPIUser("shop")
            let a = try await app.makeList("A")
            try await app.makeList("B")
            let scoped = try #require(
                try await Self.create(
                    app, for: shop, ["name": "lists-only", "scopes": ["lists:get_all"], "lists": [a.id.rawValue]],
                    as: admin)["token"] as? String)
            let lists = try await app.request(.get, "/api/lists", headers: .bearer(scoped))
            #expect(lists.status == .ok)
            #expect(((lists.dataObject["results"] as? [[String: Any]]) ?? []).map { $0["name"] as? String } == ["A"])
            let users = try await app.request(.get, "/api/users", headers: .bearer(scoped))
            #expect(users.status == .forbidden)
            #expect(users.code == "permission_denied")
            #expect(users.message == "permission denied: users:get")
            #expect(users.headers[HTTPField.Name("Tidings-Token-Expires")!] != nil, "error responses carry it too")

            // A scope the role does not grant widens nothing.
            let role = try await app.services.roles.createUserRole(
                name: "readers", permissions: ["lists:get_all"], by: nil)
            let (reader, _) = try await app.makeAPIUser("reader", role: role.id)
            let wide = try #require(
                try await Self.create(app, for: reader, ["name": "wide", "scopes": ["users:get"]], as: admin)["token"]
                    as? String)
            #expect(try await app.request(.get, "/api/users", headers: .bearer(wide)).status == .forbidden)
            let none = try await app.request(.get, "/api/lists", headers: .bearer(wide))
            #expect((none.dataObject["results"] as? [Any])?.isEmpty == true, "the scope dropped lists:get_all")
        }
    }

    @Test("users:get may list tokens but not mint them", arguments: TestBackend.enabled)
    func permissions(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            // A user within the viewer's reach (a Super Admin's tokens are a Super Admin's business).
            let bots = try await app.services.roles.createUserRole(name: "bots", permissions: [], by: nil)
            let (shop, _) = try await app.makeAPIUser("shop", role: bots.id)
            let viewer = try await app.headers(holding: [.usersGet])
            let path = "/api/users/\(shop.id.rawValue)/tokens"
            #expect(try await app.request(.get, path, headers: viewer).status == .ok)
            let mint = try await app.request(.post, path, headers: viewer, json: ["name": "x"])
            #expect(mint.status == .forbidden)
            #expect(mint.message == "permission denied: users:manage")
        }
    }

    @Test("expiry headers, and a warning in the last seven days", arguments: TestBackend.enabled)
    func expiryHeaders(backend: TestBackend) async throws {
        let time = OffsetClock()
        try await TestApp.run(backend, clock: time.clock) { app in
            let (_, token) = try await app.makeAPIUser("shop")
            let expires = HTTPField.Name("Tidings-Token-Expires")!
            let warning = HTTPField.Name("Tidings-Token-Warning")!
            let fresh = try await app.request(.get, "/api/health", headers: .bearer(token))
            let expiry = try #require(fresh.headers[expires].flatMap(Timestamp.parse))
            #expect(abs(expiry.timeIntervalSinceNow - 90 * 86_400) < 60)
            #expect(fresh.headers[warning] == nil)
            time.advance(by: 84 * 86_400)
            #expect(
                try await app.request(.get, "/api/health", headers: .bearer(token)).headers[warning] == "expires-soon")
            time.advance(by: 7 * 86_400)
            #expect(try await app.request(.get, "/api/health", headers: .bearer(token)).code == "token_expired")
        }
    }

    @Test("a token unused for the idle lifetime stops; one in use does not", arguments: TestBackend.enabled)
    func idleExpiry(backend: TestBackend) async throws {
        let time = OffsetClock()
        try await TestApp.run(backend, clock: time.clock, configure: { $0.tokenIdleDays = 1 }) { app in
            let (_, used) = try await app.makeAPIUser("used")
            let (_, idle) = try await app.makeAPIUser("idle")
            for _ in 0..<3 {
                time.advance(by: 20 * 3_600)
                #expect(try await app.request(.get, "/api/health", headers: .bearer(used)).status == .ok)
            }
            let refused = try await app.request(.get, "/api/health", headers: .bearer(idle))
            #expect(refused.status == .unauthorized)
            #expect(refused.code == "token_expired")
            #expect(refused.message?.contains("unused since") == true)
        }
    }

    @Test(
        "the leaked-token report revokes a real token and answers the same for anything", arguments: TestBackend.enabled
    )
    func leakReport(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let (_, token) = try await app.makeAPIUser("shop")
            let (_, other) = try await app.makeAPIUser("other")
            // The last guess is `other` with its last character changed (to one it does not have:
            // "x" when it ends in "x" would be `other` itself, one run in 62).
            let changed = other.last == "x" ? "y" : "x"
            let guesses = [
                app.services.tokenFormat.generate().token, "not a token", String(other.dropLast()) + changed,
            ]
            for guess in guesses {
                let answer = try await app.request(.post, "/api/public/tokens/revoke", json: ["token": guess])
                #expect(answer.status == .ok)
                #expect(answer.body == "{\"data\":true}\n")
            }
            #expect(try await app.request(.get, "/api/health", headers: .bearer(other)).status == .ok)
            let report = try await app.request(.post, "/api/public/tokens/revoke", json: ["token": token])
            #expect(report.body == "{\"data\":true}\n")
            #expect(try await app.request(.get, "/api/health", headers: .bearer(token)).code == "token_revoked")
            let empty = try await app.request(.post, "/api/public/tokens/revoke", json: [:])
            #expect(empty.status == .badRequest)
        }
    }

    @Test("last use, address and user agent are recorded", arguments: TestBackend.enabled)
    func lastUse(backend: TestBackend) async throws {
        try await TestApp.run(backend, setup: .live) { app in
            let (shop, token) = try await app.makeAPIUser("shop")
            var headers = HTTPFields.bearer(token)
            headers[.userAgent] = "shop-sync/1.0"
            #expect(try await app.request(.get, "/api/health", headers: headers).status == .ok)
            var recorded: APIToken?
            for _ in 0..<50 {
                recorded = try await app.services.tokens.tokens(of: shop.id, by: nil).first
                if recorded?.lastUsedAt != nil { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(recorded?.lastUsedIP == "127.0.0.1")
            #expect(recorded?.lastUsedUserAgent == "shop-sync/1.0")
            #expect(recorded?.recentIPs == ["127.0.0.1"])
        }
    }

    @Test(
        "allowed networks: the client address, and X-Forwarded-For only from a trusted proxy",
        arguments: TestBackend.enabled)
    func allowedNetworks(backend: TestBackend) async throws {
        for trusted in [true, false] {
            try await TestApp.run(
                backend, setup: .live, configure: { $0.trustedProxies = trusted ? ["127.0.0.1"] : [] }
            ) { app in
                let (shop, _) = try await app.makeAPIUser("shop")
                let token = try #require(
                    try await Self.create(
                        app, for: shop, ["name": "office", "allowed_cidrs": ["10.0.0.0/8", "2001:db8::/32"]],
                        as: try await app.adminHeaders())["token"] as? String)
                func call(from forwarded: String?) async throws -> TestResult {
                    var headers = HTTPFields.bearer(token)
                    if let forwarded { headers[HTTPField.Name("X-Forwarded-For")!] = forwarded }
                    return try await app.request(.get, "/api/health", headers: headers)
                }
                if trusted {
                    #expect(try await call(from: "10.1.2.3").status == .ok)
                    #expect(try await call(from: "2001:db8::5").status == .ok)
                    #expect(try await call(from: "198.51.100.7, 10.1.2.3").status == .ok)
                    let outside = try await call(from: "192.0.2.1")
                    #expect(outside.status == .forbidden)
                    #expect(outside.code == "ip_not_allowed")
                    #expect(outside.message?.contains("192.0.2.1") == true)
                } else {
                    // An untrusted peer cannot claim an address: 127.0.0.1 is what counts.
                    let spoofed = try await call(from: "10.1.2.3")
                    #expect(spoofed.code == "ip_not_allowed")
                    #expect(spoofed.message?.contains("127.0.0.1") == true)
                }
            }
        }
    }
}

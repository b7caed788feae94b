import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import TidingsCore
import TidingsStore
import TidingsTestSupport

@testable import TidingsServer

/// The audit log: an append-only log of logins, token events, failures and every change,
/// readable with `audit:get`, filterable, exportable as CSV, and never holding a secret.
@Suite struct AuditLogTests {
    static func events(_ app: TestApp, _ query: String = "", as headers: HTTPFields) async throws -> [[String: Any]] {
        let response = try await app.request(.get, "/api/audit?per_page=all\(query)", headers: headers)
        #expect(response.status == .ok, "\(response.body)")
        return (response.dataObject["results"] as? [[String: Any]]) ?? []
    }

    @Test("a token's life, failures and logins are logged, without a single secret", arguments: TestBackend.enabled)
    func tokenLifeAndFailures(backend: TestBackend) async throws {
        try await TestApp.run(backend, setup: .live) { app in
            let admin = try await app.adminHeaders()
            try await app.makeLoginUser("alice", password: "alice password")
            var userAgent = admin
            userAgent[.userAgent] = "ops-console/2"
            let created = try await app.request(
                .post, "/api/users", headers: userAgent,
                json: ["username": "shop", "type": "api", "user_role_id": 1, "name": "Shop"])
            let shopID = try #require(created.dataObject["id"] as? Int)
            let first = try #require(created.dataObject["password"] as? String)
            let token = try await app.request(
                .post, "/api/users/\(shopID)/tokens", headers: admin, json: ["name": "ci", "scopes": ["lists:get_all"]])
            let ci = try #require(token.dataObject["token"] as? String)
            let keyID = try #require(token.dataObject["id"] as? String)
            let rotated = try await app.request(
                .post, "/api/users/\(shopID)/tokens/\(keyID)/rotate", headers: admin, json: ["grace_seconds": 0])
            let ciNew = try #require(rotated.dataObject["token"] as? String)
            #expect(try await app.request(.get, "/api/health", headers: .bearer(ci)).code == "token_superseded")
            try await app.request(.delete, "/api/users/\(shopID)/tokens/\(keyID)", headers: admin)
            let wrong = app.services.tokenFormat.generate(keyID: String(first.dropFirst(4).prefix(10))).token
            #expect(try await app.request(.get, "/api/lists", headers: .basic("shop", wrong)).status == .unauthorized)
            #expect(
                try await app.request(.get, "/api/lists", headers: .basic("alice", "alice password")).code
                    == "login_user_not_api")
            let nonce = try await SessionLoginTests.nonce(app)
            let form: HTTPFields = [
                .contentType: "application/x-www-form-urlencoded", .cookie: "tidings_nonce=\(nonce)",
            ]
            for password in ["not it", "alice password"] {
                try await app.request(
                    .post, "/admin/login", headers: form,
                    body: SessionLoginTests.form(["username": "alice", "password": password, "nonce": nonce]))
            }

            let response = try await app.request(.get, "/api/audit?per_page=all", headers: admin)
            let events = (response.dataObject["results"] as? [[String: Any]]) ?? []
            let actions = events.map { $0["action"] as? String ?? "" }
            for expected in [
                "users.create", "users.tokens.create", "users.tokens.rotate", "token.reuse_after_rotation",
                "users.tokens.delete", "auth.failure", "login.password",
            ] {
                #expect(actions.contains(expected), "no \(expected) in \(actions)")
            }
            let userCreate = try #require(events.first { $0["action"] as? String == "users.create" })
            #expect(userCreate["user_agent"] as? String == "ops-console/2")
            #expect(userCreate["client_ip"] as? String == "127.0.0.1")
            #expect(userCreate["method"] as? String == "POST")
            #expect(userCreate["route"] as? String == "/api/users")
            #expect(userCreate["status"] as? Int == 200)
            #expect((userCreate["target"] as? [String: Any])?["id"] as? String == "\(shopID)")
            #expect((userCreate["actor"] as? [String: Any])?["type"] as? String == "token")
            let tokenCreate = try #require(events.first { $0["action"] as? String == "users.tokens.create" })
            #expect((tokenCreate["target"] as? [String: Any])?["id"] as? String == keyID)
            let reuse = try #require(events.first { $0["action"] as? String == "token.reuse_after_rotation" })
            #expect(reuse["code"] as? String == "token_superseded")
            #expect((reuse["actor"] as? [String: Any])?["token"] as? String == keyID)
            let logins = events.filter { $0["action"] as? String == "login.password" }
            #expect(Set(logins.compactMap { $0["outcome"] as? String }) == ["success", "failure"])
            let mistake = try #require(events.first { $0["code"] as? String == "login_user_not_api" })
            #expect((mistake["details"] as? [String: Any])?["username"] as? String == "alice")
            #expect((mistake["actor"] as? [String: Any])?["token"] is NSNull, "no part of a password as a key id")
            // Newest first.
            let ids = events.compactMap { $0["id"] as? Int }
            #expect(ids == ids.sorted(by: >))

            let export = try await app.request(.get, "/api/audit/export", headers: admin)
            #expect(export.headers[.contentType]?.hasPrefix("text/csv") == true)
            for text in [response.body, export.body] {
                for secret in [first, ci, ciNew, wrong, "alice password", String(ci.dropFirst(14))] {
                    #expect(!text.contains(secret), "a secret reached the audit log")
                }
            }
        }
    }

    @Test("filters, pagination and the audit:get permission", arguments: TestBackend.enabled)
    func filters(backend: TestBackend) async throws {
        let time = OffsetClock()
        try await TestApp.run(backend, clock: time.clock) { app in
            let admin = try await app.adminHeaders()
            for index in 0..<5 {
                try await app.request(.post, "/api/lists", headers: admin, json: ["name": "L\(index)"])
            }
            let before = Timestamp.rfc3339(time.clock.now())
            time.advance(by: 3_600)
            try await app.request(.put, "/api/lists/999", headers: admin, json: ["name": "ghost"])
            try await app.request(.get, "/api/lists", headers: .bearer(app.services.tokenFormat.generate().token))

            #expect(try await Self.events(app, "&action=lists.create", as: admin).count == 5)
            #expect(try await Self.events(app, "&action=lists.", as: admin).count == 6)
            let failed = try await Self.events(app, "&action=lists.&outcome=failure", as: admin)
            #expect(failed.count == 1)
            #expect(failed.first?["status"] as? Int == 404)
            #expect(try await Self.events(app, "&action=auth.failure", as: admin).count == 1)
            #expect(try await Self.events(app, "&action=lists.&to=\(before)", as: admin).count == 5)
            #expect(try await Self.events(app, "&action=lists.&from=\(before)", as: admin).count == 1)
            let page = try await app.request(.get, "/api/audit?action=lists.&per_page=2&page=2", headers: admin)
            #expect(page.dataObject["total"] as? Int == 6)
            #expect((page.dataObject["results"] as? [Any])?.count == 2)
            let actorName = try #require(
                (try await Self.events(app, "&action=lists.create", as: admin).first?["actor"] as? [String: Any])?[
                    "username"] as? String)
            #expect(try await Self.events(app, "&actor=\(actorName)&action=lists.", as: admin).count == 6)
            #expect(try await Self.events(app, "&actor=nobody", as: admin).isEmpty)
            for bad in ["outcome=maybe", "from=yesterday", "from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z"] {
                #expect(try await app.request(.get, "/api/audit?\(bad)", headers: admin).status == .badRequest)
            }

            let outsider = try await app.headers(holding: [.usersManage])
            let denied = try await app.request(.get, "/api/audit", headers: outsider)
            #expect(denied.status == .forbidden)
            #expect(denied.message == "permission denied: audit:get")
            #expect(try await app.request(.get, "/api/audit/export", headers: outsider).status == .forbidden)
            let auditor = try await app.headers(holding: [.auditGet])
            #expect(try await app.request(.get, "/api/audit", headers: auditor).status == .ok)
        }
    }

    @Test("CSV export quotes what needs quoting and defuses formulas")
    func csv() {
        let event = AuditEvent(
            id: 7, at: Date(timeIntervalSince1970: 0), action: "auth.failure", outcome: .failure, actor: .anonymous,
            clientIP: "192.0.2.1", userAgent: "=HYPERLINK(\"x\"), evil", code: "invalid_credentials",
            details: ["username": "a,b"])
        let row = AuditCSV.row(event)
        #expect(row.hasPrefix("7,1970-01-01T00:00:00Z,auth.failure,failure,anonymous,,,,192.0.2.1,"))
        #expect(row.contains("\"'=HYPERLINK(\"\"x\"\"), evil\""))
        #expect(row.contains("\"username=a,b\""))
        #expect(row.hasSuffix("\r\n"))
    }

    @Test(
        "a flood of failures from one address writes one throttled event, not thousands", arguments: TestBackend.enabled
    )
    func floodIsSummarised(backend: TestBackend) async throws {
        // The flood comes through a trusted proxy from another address, so that the admin, on the
        // same connection but at 127.0.0.1, can still read the log (a connection that guesses
        // straight from its client is refused unheard while its address waits).
        try await TestApp.run(backend, setup: .live, configure: { $0.trustedProxies = ["127.0.0.1"] }) { app in
            let admin = try await app.adminHeaders()
            for _ in 0..<300 {
                try await app.request(
                    .get, "/api/health",
                    headers: ThrottlingTests.from(
                        ThrottlingTests.attacker, .bearer(app.services.tokenFormat.generate().token)))
            }
            let failures = try await Self.events(app, "&action=auth.", as: admin)
            #expect(failures.count <= 60, "\(failures.count) events")
            #expect(failures.filter { $0["action"] as? String == "auth.throttled" }.count == 1)
        }
    }
}

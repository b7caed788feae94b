import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsServer
import TidingsTestSupport

/// First-run setup without a default password, and concurrent writers.
@Suite struct SetupAndConcurrencyTests {
    @Test(
        "with no login user, the login page is a setup form that needs the one-time code",
        arguments: TestBackend.enabled)
    func setup(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let code = try #require(try await app.services.setup.issueCode())
            let page = try await app.request(.get, "/admin/login")
            #expect(page.body.contains("name=\"setup_code\""))
            let nonce = try await SessionLoginTests.nonce(app)
            let headers: HTTPFields = [
                .contentType: "application/x-www-form-urlencoded", .cookie: "tidings_nonce=\(nonce)",
            ]
            var fields = [
                "setup_code": "wrong-code", "username": "root", "email": "root@example.com",
                "password": "long password",
                "password2": "long password", "nonce": nonce,
            ]
            let wrong = try await app.request(
                .post, "/admin/login", headers: headers, body: SessionLoginTests.form(fields))
            #expect(wrong.body.contains("wrong setup code"))
            #expect(try await app.services.setup.isNeeded())
            fields["setup_code"] = code
            let right = try await app.request(
                .post, "/admin/login", headers: headers, body: SessionLoginTests.form(fields))
            #expect(right.status == .found, "\(right.body)")
            let session = try #require(SessionLoginTests.sessionCookie(right))
            let profile = try await app.request(.get, "/api/profile", headers: .session(session))
            #expect((profile.dataObject["user_role"] as? [String: Any])?["id"] as? Int == 1)
            #expect(!(try await app.services.setup.isNeeded()))
            // Sent again, the form is an ordinary login: it creates no second Super Admin.
            _ = try await app.request(.post, "/admin/login", headers: headers, body: SessionLoginTests.form(fields))
            #expect(try await app.services.users.users().count == 1)
        }
    }

    @Test(
        "the configured admin is created once, and never again over an existing login user",
        arguments: TestBackend.enabled)
    func configuredAdmin(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let created = try await app.services.setup.ensureAdmin(username: "admin", password: "first password")
            #expect(created?.userRoleID == UserRole.superAdminID)
            #expect(try await app.services.setup.ensureAdmin(username: "other", password: "second password") == nil)
            #expect(try await app.services.users.users().map(\.username) == ["admin"])
            #expect(try await app.services.setup.issueCode() == nil)
        }
    }

    @Test("64 concurrent API writers all succeed (no 'database is locked')", arguments: TestBackend.enabled)
    func concurrentWriters(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<64 {
                    group.addTask {
                        try await app.request(.post, "/api/lists", headers: admin, json: ["name": "list \(index)"])
                            .status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.count == 64)
            #expect(statuses.allSatisfy { $0 == .ok })
            #expect(try await app.services.stores.lists.lists(ListQuery()).total == 64)
        }
    }
}

@Suite struct SystemRoutesTests {
    @Test("/api/about has no envelope and needs settings:get", arguments: TestBackend.enabled)
    func about(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let about = try await app.request(.get, "/api/about", headers: admin)
            #expect(about.status == .ok)
            #expect(about.object["data"] == nil)
            #expect(about.object["version"] is String)
            #expect((about.object["database"] as? [String: Any])?["type"] as? String == backend.rawValue)
            let limited = try await app.headers(holding: [])
            #expect(try await app.request(.get, "/api/about", headers: limited).status == .forbidden)
            let config = try await app.request(.get, "/api/config", headers: limited)
            #expect(config.status == .ok)
            #expect(config.dataObject["root_url"] as? String == app.services.configuration.rootURL)
        }
    }
}

import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsServer
import TidingsTestSupport

/// Our JSON has listmonk's keys in listmonk's order, checked against responses recorded from a
/// running listmonk (`../shared/listmonk/samples`).
@Suite struct ListmonkShapeTests {
    /// Asserts that every object path present in both documents has the same keys in the same
    /// order. `optional` keys may be absent on either side (listmonk omits some when empty).
    static func expectSameShape(ours: String, sample name: String, optional: Set<String> = []) throws {
        let theirs = try JSONShape.keyOrders(of: ListmonkSamples.body(name))
        let mine = try JSONShape.keyOrders(of: ours)
        var compared = 0
        let optional = optional.union(["list_role_id"])
        // Keys inside these objects are data (subscription statuses, subscriber attributes), not shape.
        let dataObjects = ["subscriber_statuses", "attribs", "subscription_meta"]
        for (path, keys) in theirs where !dataObjects.contains(where: { path.hasSuffix($0) }) {
            guard let ourKeys = mine[path] else { continue }
            compared += 1
            #expect(
                ourKeys.filter { !optional.contains($0) } == keys.filter { !optional.contains($0) },
                "\(name) at \(path)")
        }
        #expect(compared > 0, "no common object paths with \(name)")
    }

    @Test("users, API-user creation, profile", arguments: TestBackend.enabled)
    func users(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let list = try await app.makeList("A")
            let listRole = try await app.makeListRole("team", [(list.id, [.get, .manage])])
            let role = try await app.services.roles.createUserRole(
                name: "limited", permissions: ["subscribers:get"], by: nil)
            let created = try await app.request(
                .post, "/api/users", headers: admin,
                json: [
                    "username": "vfy-api", "type": "api", "status": "enabled", "user_role_id": role.id.rawValue,
                    "list_role_id": listRole.id.rawValue,
                ])
            try Self.expectSameShape(ours: created.body, sample: "POST_api_users_api.json")
            let all = try await app.request(.get, "/api/users", headers: admin)
            try Self.expectSameShape(ours: all.body, sample: "GET_api_users.json", optional: ["list_role_id"])
            let login = try await app.request(
                .post, "/api/users", headers: admin,
                json: [
                    "username": "vfy-login", "type": "user", "email": "v@example.com", "password_login": true,
                    "password": "password-123", "status": "enabled", "user_role_id": 1,
                ])
            try Self.expectSameShape(ours: login.body, sample: "POST_api_users_user.json")
            try await app.makeLoginUser("alice")
            let profile = try await app.request(
                .get, "/api/profile", headers: .session(try await app.sessionID("alice")))
            try Self.expectSameShape(ours: profile.body, sample: "GET_api_profile_login_user.json")
        }
    }

    @Test("roles", arguments: TestBackend.enabled)
    func roles(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let list = try await app.makeList("A")
            _ = try await app.makeListRole("team", [(list.id, [.get])])
            try Self.expectSameShape(
                ours: try await app.request(.get, "/api/roles/users", headers: admin).body,
                sample: "GET_api_roles_users.json")
            try Self.expectSameShape(
                ours: try await app.request(.get, "/api/roles/lists", headers: admin).body,
                sample: "GET_api_roles_lists.json")
            let created = try await app.request(
                .post, "/api/roles/users", headers: admin, json: ["name": "x", "permissions": ["users:get"]])
            try Self.expectSameShape(ours: created.body, sample: "POST_api_roles_users.json")
        }
    }

    @Test("lists", arguments: TestBackend.enabled)
    func lists(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let created = try await app.request(
                .post, "/api/lists", headers: admin, json: ["name": "A", "tags": ["t"]])
            try Self.expectSameShape(ours: created.body, sample: "POST_api_lists.json")
            let id = try #require(created.dataObject["id"] as? Int)
            try await app.makeList("B")
            try Self.expectSameShape(
                ours: try await app.request(.get, "/api/lists?per_page=2", headers: admin).body,
                sample: "GET_api_lists.json")
            try Self.expectSameShape(
                ours: try await app.request(.get, "/api/lists/\(id)", headers: admin).body,
                sample: "GET_api_lists_id.json")
            try Self.expectSameShape(
                ours: try await app.request(.get, "/api/lists?minimal=true", headers: admin).body,
                sample: "GET_api_lists_minimal.json")
            let updated = try await app.request(.put, "/api/lists/\(id)", headers: admin, json: ["name": "A2"])
            try Self.expectSameShape(ours: updated.body, sample: "PUT_api_lists_id.json")
        }
    }

    @Test("the permission catalogue in /api/config is listmonk's permissions.json, then Tidings' audit group")
    func config() async throws {
        try await TestApp.run(.sqlite) { app in
            let response = try await app.request(.get, "/api/config", headers: try await app.adminHeaders())
            let groups = response.dataObject["permissions"] as? [[String: Any]] ?? []
            let flat = groups.flatMap { ($0["permissions"] as? [String]) ?? [] }
            #expect(
                groups.map { $0["group"] as? String } == [
                    "lists", "subscribers", "campaigns", "bounces", "media", "templates", "users", "settings", "audit",
                ])
            #expect(flat.count == 29)
            #expect(flat.first == "lists:get_all" && flat[27] == "settings:maintain" && flat.last == "audit:get")
            let keys = try JSONShape.keyOrders(of: response.body)["$.data"] ?? []
            #expect(
                keys == [
                    "root_url", "from_email", "public_subscription", "privacy", "media_provider", "messengers", "langs",
                    "lang", "permissions", "update", "needs_restart", "has_legacy_user", "version",
                ])
        }
    }

    @Test("errors carry message and code", arguments: TestBackend.enabled)
    func errors(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let limited = try await app.headers(holding: [])
            let denied = try await app.request(.get, "/api/users", headers: limited)
            #expect(try JSONShape.keyOrders(of: denied.body)["$"] == ["message", "code", "permission"])
            let file = try Data(
                contentsOf: ListmonkSamples.directory.appendingPathComponent("error_permission_denied.json"))
            let sample = try JSONSerialization.jsonObject(with: file) as? [String: Any]
            #expect((sample?["body"] as? [String: Any])?["message"] as? String == denied.message)
        }
    }
}

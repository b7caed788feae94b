import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsTestSupport

@testable import TidingsServer

/// Nobody obtains, or acts on, a credential that can do more than they can themselves: tokens,
/// passwords, roles and role definitions, over the API and the admin pages.
@Suite struct AuthorityTests {
    /// A caller holding exactly `permissions` (and `listRole`), as an API user.
    static func caller(
        _ app: TestApp, _ permissions: [Permission], listRole: RoleID? = nil
    ) async throws -> HTTPFields {
        try await app.headers(holding: permissions, listRole: listRole)
    }

    static let userManager: [Permission] = [.usersGet, .usersManage]

    @Test("users:manage cannot create, rotate, list or revoke a Super Admin's tokens", arguments: TestBackend.enabled)
    func superAdminTokens(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let (admin, adminToken) = try await app.makeAPIUser("root-api")
            let token = try #require(try await app.services.tokens.tokens(of: admin.id, by: nil).first)
            let manager = try await Self.caller(app, Self.userManager)
            let base = "/api/users/\(admin.id.rawValue)/tokens"
            let attempts: [(HTTPRequest.Method, String, [String: Any]?)] = [
                (.post, base, ["name": "stolen"]), (.post, "\(base)/\(token.keyID)/rotate", [:]),
                (.delete, "\(base)/\(token.keyID)", nil), (.delete, base, nil), (.get, base, nil),
            ]
            for (method, path, body) in attempts {
                let response = try await app.request(method, path, headers: manager, json: body)
                #expect(response.status == .forbidden, "\(method) \(path)")
                #expect(
                    response.message
                        == "permission denied: only a Super Admin can \(Self.verb(method, path)) a Super Admin")
                #expect(!response.body.contains("tdg_"))
            }
            // Nothing changed: one token, unrevoked, still working.
            let tokens = try await app.services.tokens.tokens(of: admin.id, by: nil)
            #expect(tokens.count == 1 && tokens[0].revokedAt == nil)
            #expect(
                try await app.request(.get, "/api/users", headers: .basic(admin.username, adminToken)).status == .ok)
        }
    }

    static func verb(_ method: HTTPRequest.Method, _ path: String) -> String {
        switch (method, path.hasSuffix("/rotate"), path.hasSuffix("/tokens")) {
        case (.post, false, _): "create a token for"
        case (.post, true, _): "rotate the tokens of"
        case (.get, _, _): "see the tokens of"
        default: "revoke the tokens of"
        }
    }

    @Test("a token may not reach further than its creator; a narrower one may", arguments: TestBackend.enabled)
    func tokenWithinCreator(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let stronger = try await app.services.roles.createUserRole(
                name: "stronger", permissions: ["users:get", "users:manage", "settings:manage"], by: nil)
            let (target, _) = try await app.makeAPIUser("bot", role: stronger.id)
            let manager = try await Self.caller(app, Self.userManager)
            let path = "/api/users/\(target.id.rawValue)/tokens"

            let full = try await app.request(.post, path, headers: manager, json: ["name": "full"])
            #expect(full.status == .forbidden)
            #expect(full.code == "beyond_own_access")
            #expect(full.message?.contains("settings") == false)

            let narrow = try await app.request(
                .post, path, headers: manager, json: ["name": "narrow", "scopes": ["users:get"]])
            #expect(narrow.status == .ok)
            let secret = try #require(narrow.dataObject["token"] as? String)
            #expect(try await app.request(.get, "/api/users", headers: .basic("bot", secret)).status == .ok)

            // Rotating the narrow token is fine; rotating the user's full default token is not.
            let narrowID = try #require(narrow.dataObject["id"] as? String)
            #expect(
                try await app.request(.post, "\(path)/\(narrowID)/rotate", headers: manager, json: [:]).status == .ok)
            let tokens = try await app.services.tokens.tokens(of: target.id, by: nil)
            let original = try #require(tokens.first { $0.name == "default" })
            let rotate = try await app.request(.post, "\(path)/\(original.keyID)/rotate", headers: manager, json: [:])
            #expect(rotate.status == .forbidden)
            #expect(try await app.request(.get, path, headers: manager).status == .forbidden)
            #expect(try await app.request(.delete, path, headers: manager).status == .forbidden)
            #expect(try await app.services.tokens.tokens(of: target.id, by: nil).allSatisfy { $0.revokedAt == nil })

            // A target within the caller's reach: everything works.
            let equal = try await app.services.roles.createUserRole(
                name: "equal", permissions: ["users:get"], by: nil)
            let (peer, _) = try await app.makeAPIUser("peer", role: equal.id)
            let peerPath = "/api/users/\(peer.id.rawValue)/tokens"
            #expect(try await app.request(.post, peerPath, headers: manager, json: ["name": "ci"]).status == .ok)
            #expect(try await app.request(.get, peerPath, headers: manager).status == .ok)
            #expect(try await app.request(.delete, peerPath, headers: manager).status == .ok)
        }
    }

    @Test("list access counts: a list-A manager cannot mint a list-B token", arguments: TestBackend.enabled)
    func listAccess(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let a = try await app.makeList("A")
            let b = try await app.makeList("B")
            let onA = try await app.makeListRole("on A", [(a.id, [.get, .manage])])
            let onB = try await app.makeListRole("on B", [(b.id, [.get, .manage])])
            let plain = try await app.services.roles.createUserRole(name: "plain", permissions: [], by: nil)
            let (targetB, _) = try await app.makeAPIUser("on-b", role: plain.id, listRole: onB.id)
            let (targetA, _) = try await app.makeAPIUser("on-a", role: plain.id, listRole: onA.id)
            let manager = try await Self.caller(app, Self.userManager, listRole: onA.id)
            let refused = try await app.request(
                .post, "/api/users/\(targetB.id.rawValue)/tokens", headers: manager, json: ["name": "x"])
            #expect(refused.status == .forbidden)
            #expect(refused.code == "beyond_own_access")
            let admitted = try await app.request(
                .post, "/api/users/\(targetA.id.rawValue)/tokens", headers: manager, json: ["name": "x"])
            #expect(admitted.status == .ok)
            // Nor may it hand list B out through a new user, or move a user onto it.
            let onListB = { (username: String) -> [String: Any] in
                [
                    "username": username, "type": "api", "status": "enabled", "user_role_id": plain.id.rawValue,
                    "list_role_id": onB.id.rawValue,
                ]
            }
            let created = try await app.request(.post, "/api/users", headers: manager, json: onListB("new-b"))
            #expect(created.status == .forbidden)
            #expect(try await app.services.users.users().contains { $0.username == "new-b" } == false)
            let moved = try await app.request(
                .put, "/api/users/\(targetA.id.rawValue)", headers: manager, json: onListB("on-a"))
            #expect(moved.status == .forbidden)
            #expect(try await app.services.users.user(targetA.id).listRoleID == onA.id)
        }
    }

    @Test(
        "users:manage cannot create, promote or re-password a user stronger than itself", arguments: TestBackend.enabled
    )
    func usersWithinCreator(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let stronger = try await app.services.roles.createUserRole(
                name: "stronger", permissions: ["users:get", "users:manage", "roles:manage"], by: nil)
            let weak = try await app.services.roles.createUserRole(name: "weak", permissions: ["users:get"], by: nil)
            let managerRole = try await app.services.roles.createUserRole(
                name: "managers", permissions: ["users:get", "users:manage"], by: nil)
            let (manager, managerToken) = try await app.makeAPIUser("manager", role: managerRole.id)
            let headers = HTTPFields.basic(manager.username, managerToken)
            func user(_ name: String, role: RoleID, type: String = "user") -> [String: Any] {
                [
                    "username": name, "email": "\(name)@example.com", "name": name, "type": type,
                    "status": "enabled", "password_login": true, "password": "password-123456",
                    "user_role_id": role.rawValue,
                ]
            }
            for type in ["user", "api"] {
                let create = try await app.request(
                    .post, "/api/users", headers: headers, json: user("strong-\(type)", role: stronger.id, type: type))
                #expect(create.status == .forbidden, "\(type)")
                #expect(create.code == "beyond_own_access")
                let super_ = try await app.request(
                    .post, "/api/users", headers: headers,
                    json: user("super-\(type)", role: UserRole.superAdminID, type: type))
                #expect(super_.status == .forbidden)
            }
            #expect(
                try await app.request(.post, "/api/users", headers: headers, json: user("weakling", role: weak.id))
                    .status
                    == .ok)

            // Promoting itself or another user, or setting the password of a stronger user.
            let selfPromotion = try await app.request(
                .put, "/api/users/\(manager.id.rawValue)", headers: headers,
                json: user("manager", role: stronger.id, type: "api"))
            #expect(selfPromotion.status == .forbidden)
            let strong = try await app.makeLoginUser("strong", role: stronger.id)
            let repassword = try await app.request(
                .put, "/api/users/\(strong.id.rawValue)", headers: headers, json: user("strong", role: stronger.id))
            #expect(repassword.status == .forbidden)
            #expect(
                try await app.request(.delete, "/api/users/\(strong.id.rawValue)", headers: headers).status
                    == .forbidden)
            _ = try await app.sessionID("strong")  // the password still works
            #expect(try await app.services.users.user(manager.id).userRoleID == managerRole.id)
        }
    }

    @Test("roles:manage cannot define a role granting what it does not hold", arguments: TestBackend.enabled)
    func roleDefinitions(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let a = try await app.makeList("A")
            let b = try await app.makeList("B")
            let onA = try await app.makeListRole("on A", [(a.id, [.get, .manage])])
            let headers = try await Self.caller(app, [.rolesGet, .rolesManage, .listsGetAll], listRole: onA.id)
            let grab = try await app.request(
                .post, "/api/roles/users", headers: headers, json: ["name": "grab", "permissions": ["users:manage"]])
            #expect(grab.status == .forbidden)
            #expect(grab.code == "beyond_own_access")
            let fine = try await app.request(
                .post, "/api/roles/users", headers: headers,
                json: ["name": "fine", "permissions": ["lists:get_all", "roles:get"]])
            #expect(fine.status == .ok)
            let fineID = try #require(fine.dataObject["id"] as? Int)
            let widen = try await app.request(
                .put, "/api/roles/users/\(fineID)", headers: headers,
                json: ["name": "fine", "permissions": ["lists:get_all", "settings:manage"]])
            #expect(widen.status == .forbidden)
            // lists:get_all lets it grant list:get anywhere, but list:manage only on list A.
            let listB = try await app.request(
                .post, "/api/roles/lists", headers: headers,
                json: ["name": "b", "lists": [["id": b.id.rawValue, "permissions": ["list:get", "list:manage"]]]])
            #expect(listB.status == .forbidden)
            let listA = try await app.request(
                .post, "/api/roles/lists", headers: headers,
                json: ["name": "a", "lists": [["id": a.id.rawValue, "permissions": ["list:get", "list:manage"]]]])
            #expect(listA.status == .ok)
            let widenA = try await app.request(
                .put, "/api/roles/lists/\(onA.id.rawValue)", headers: headers,
                json: [
                    "name": "on A",
                    "lists": [
                        ["id": a.id.rawValue, "permissions": ["list:get", "list:manage"]],
                        ["id": b.id.rawValue, "permissions": ["list:manage"]],
                    ],
                ])
            #expect(widenA.status == .forbidden)
            #expect(try await app.services.roles.listRoles().first { $0.id == onA.id }?.lists.count == 1)
        }
    }

    @Test(
        "a scoped token reaches no further than its scopes, for others and for itself", arguments: TestBackend.enabled)
    func scopedActor(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let (root, _) = try await app.makeAPIUser("root-one")
            let (other, _) = try await app.makeAPIUser("root-two")
            let scoped = try await app.services.tokens.create(
                for: root.id, .init(name: "narrow", scopes: ["users:get", "users:manage"]), by: nil)
            let headers = HTTPFields.basic(root.username, scoped.secret)
            let forOther = try await app.request(
                .post, "/api/users/\(other.id.rawValue)/tokens", headers: headers, json: ["name": "x"])
            #expect(forOther.status == .forbidden)
            let forItself = try await app.request(
                .post, "/api/users/\(root.id.rawValue)/tokens", headers: headers, json: ["name": "wider"])
            #expect(forItself.status == .forbidden)
            let narrowForItself = try await app.request(
                .post, "/api/users/\(root.id.rawValue)/tokens", headers: headers,
                json: ["name": "same", "scopes": ["users:get"]])
            #expect(narrowForItself.status == .ok)
            // Its own tokens: listing and revoking give it nothing it lacks.
            #expect(
                try await app.request(.get, "/api/users/\(root.id.rawValue)/tokens", headers: headers).status == .ok)
            #expect(try await app.request(.post, "/api/tokens/self/rotate", headers: headers, json: [:]).status == .ok)
        }
    }

    @Test("the admin pages apply the same rule to tokens", arguments: TestBackend.enabled)
    func adminTokens(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let role = try await app.services.roles.createUserRole(
                name: "managers", permissions: ["users:get", "users:manage"], by: nil)
            try await app.makeLoginUser("manager", role: role.id)
            let (admin, _) = try await app.makeAPIUser("root-api")
            let token = try #require(try await app.services.tokens.tokens(of: admin.id, by: nil).first)
            let browser = try await AdminBrowser.signIn(app, as: "manager")
            let base = "/admin/users/\(admin.id.rawValue)/tokens"
            for (path, fields) in [
                (base, [("name", "stolen")]), ("\(base)/\(token.keyID)/rotate", [("grace", "0")]),
                ("\(base)/\(token.keyID)/revoke", []), ("\(base)/revoke-all", []),
            ] {
                let response = try await browser.post(path, fields)
                #expect(response.status == .forbidden, "\(path)")
                #expect(!response.body.contains("tdg_"), "\(path)")
            }
            #expect(try await browser.get(base).status == .forbidden)
            let tokens = try await app.services.tokens.tokens(of: admin.id, by: nil)
            #expect(tokens.count == 1 && tokens[0].revokedAt == nil && tokens[0].keyID == token.keyID)
        }
    }
}

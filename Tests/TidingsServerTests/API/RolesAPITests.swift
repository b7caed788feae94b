import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsServer
import TidingsTestSupport

/// `/api/roles/*`, with listmonk's bugs fixed.
@Suite struct RolesAPITests {
    @Test("user roles: create, read, update; Super Admin holds every permission", arguments: TestBackend.enabled)
    func userRoles(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let created = try await app.request(
                .post, "/api/roles/users", headers: admin,
                json: ["name": "editors", "permissions": ["subscribers:get", "lists:get_all", "subscribers:get"]])
            #expect(created.status == .ok)
            #expect(created.dataObject["type"] as? String == "user")
            #expect(created.dataObject["permissions"] as? [String] == ["subscribers:get", "lists:get_all"])
            #expect(created.dataObject["lists"] is NSNull)
            let id = try #require(created.dataObject["id"] as? Int)
            let updated = try await app.request(
                .put, "/api/roles/users/\(id)", headers: admin,
                json: ["name": "writers", "permissions": ["lists:manage_all"]])
            #expect(updated.dataObject["name"] as? String == "writers")
            let all = try await app.request(.get, "/api/roles/users", headers: admin)
            #expect(all.dataArray.count == 2)
            let superAdmin = try #require(all.dataArray.first { $0["id"] as? Int == 1 })
            #expect(superAdmin["name"] as? String == "Super Admin")
            #expect(Set(superAdmin["permissions"] as? [String] ?? []) == Set(Permission.allCases.map(\.rawValue)))
        }
    }

    @Test(
        "invalid role input is a 400",
        arguments: [
            (["permissions": ["users:get"]], "Invalid fields: name"),
            (["name": "  ", "permissions": [String]()], "Invalid fields: name"),
            (["name": "x", "permissions": ["users:fly"]], "Invalid fields: permission: users:fly"),
            (["name": "x", "permissions": ["list:get"]], "Invalid fields: permission: list:get"),
        ] as [([String: any Sendable], String)])
    func invalidUserRole(body: [String: any Sendable], message: String) async throws {
        try await TestApp.run(.sqlite) { app in
            let admin = try await app.adminHeaders()
            let response = try await app.request(.post, "/api/roles/users", headers: admin, json: body)
            #expect(response.status == .badRequest)
            #expect(response.message == message)
            #expect(try await app.services.roles.userRoles().count == 1)
        }
    }

    @Test("the Super Admin role can be neither changed nor deleted", arguments: TestBackend.enabled)
    func superAdminImmutable(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let put = try await app.request(
                .put, "/api/roles/users/1", headers: admin, json: ["name": "x", "permissions": []])
            #expect(put.status == .badRequest)
            #expect(put.message == "Invalid ID(s)")
            let delete = try await app.request(.delete, "/api/roles/1", headers: admin)
            #expect(delete.status == .badRequest)
            #expect(try await app.services.roles.userRoles().first?.name == "Super Admin")
        }
    }

    @Test("a duplicate role name is a 409", arguments: TestBackend.enabled)
    func duplicateName(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let first = try await app.request(.post, "/api/roles/users", headers: admin, json: ["name": "staff"])
            #expect(first.status == .ok)
            let second = try await app.request(.post, "/api/roles/users", headers: admin, json: ["name": "staff"])
            #expect(second.status == .conflict)
            let listRole = try await app.request(.post, "/api/roles/lists", headers: admin, json: ["name": "staff"])
            #expect(listRole.status == .ok)
        }
    }

    @Test("list roles: per-list grants, replaced on update, and atomic on failure", arguments: TestBackend.enabled)
    func listRoles(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let a = try await app.makeList("A")
            let b = try await app.makeList("B")
            let created = try await app.request(
                .post, "/api/roles/lists", headers: admin,
                json: [
                    "name": "team",
                    "lists": [
                        ["id": a.id.rawValue, "permissions": ["list:get", "list:manage"]],
                        ["id": b.id.rawValue, "permissions": ["list:get"]],
                        ["id": b.id.rawValue, "permissions": []],
                    ],
                ])
            #expect(created.status == .ok)
            let id = try #require(created.dataObject["id"] as? Int)
            let read = try await app.request(.get, "/api/roles/lists", headers: admin)
            let role = try #require(read.dataArray.first)
            let grants = role["lists"] as? [[String: Any]] ?? []
            #expect(grants.count == 2)
            #expect(grants.first?["name"] as? String == "A")
            #expect(grants.first?["permissions"] as? [String] == ["list:get", "list:manage"])
            let updated = try await app.request(
                .put, "/api/roles/lists/\(id)", headers: admin,
                json: ["name": "team", "lists": [["id": b.id.rawValue, "permissions": ["list:manage"]]]])
            #expect(updated.status == .ok)
            #expect(try await app.services.roles.listRoles().first?.lists.map(\.listID) == [b.id])
            let bad = try await app.request(
                .post, "/api/roles/lists", headers: admin,
                json: ["name": "ghost", "lists": [["id": 9999, "permissions": ["list:get"]]]])
            #expect(bad.status == .badRequest)
            let badPermission = try await app.request(
                .post, "/api/roles/lists", headers: admin,
                json: ["name": "ghost", "lists": [["id": a.id.rawValue, "permissions": ["lists:get_all"]]]])
            #expect(badPermission.message == "Invalid fields: list permission: lists:get_all")
            #expect(try await app.services.roles.listRoles().map(\.name) == ["team"])
        }
    }

    @Test("a role's type is checked: list-role routes do not touch user roles", arguments: TestBackend.enabled)
    func typeChecked(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let role = try await app.services.roles.createUserRole(name: "staff", permissions: ["users:get"], by: nil)
            let response = try await app.request(
                .put, "/api/roles/lists/\(role.id)", headers: admin, json: ["name": "staff", "lists": []])
            #expect(response.status == .notFound)
            #expect(try await app.services.roles.userRoles().first { $0.id == role.id }?.permissions == [.usersGet])
        }
    }

    @Test("deleting a role that users hold is refused and deletes nobody", arguments: TestBackend.enabled)
    func deleteInUse(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let list = try await app.makeList("A")
            let listRole = try await app.makeListRole("readers", [(list.id, [.get])])
            let userRole = try await app.services.roles.createUserRole(name: "staff", permissions: [], by: nil)
            let user = try await app.makeAPIUser("shop", role: userRole.id, listRole: listRole.id).user
            for id in [listRole.id, userRole.id] {
                let response = try await app.request(.delete, "/api/roles/\(id)", headers: admin)
                #expect(response.status == .conflict)
                #expect(response.code == "role_in_use")
            }
            #expect(try await app.services.users.user(user.id).listRoleID == listRole.id)
            try await app.services.users.delete([user.id], by: nil)
            #expect(try await app.request(.delete, "/api/roles/\(listRole.id)", headers: admin).status == .ok)
            #expect(try await app.services.roles.listRoles().isEmpty)
        }
    }
}

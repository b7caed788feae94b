import Foundation
import Testing
import TidingsCore
import TidingsStoreTestSupport

/// `RoleStore`'s contract, on every backend.
@Suite struct RoleStoreTests {
    @Test(
        "a new database holds role 1, the Super Admin, with every permission; ensuring it again adds nothing",
        arguments: TestBackend.enabled)
    func superAdmin(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let roles = stores.roles
            try await roles.ensureSuperAdminRole(at: Date())
            let all = try await roles.userRoles()
            #expect(all.map(\.id) == [UserRole.superAdminID])
            #expect(all.first?.name == UserRole.superAdminName)
            #expect(all.first?.permissions == Permission.allCases)
            // The next role gets a fresh id (PostgreSQL's sequence was moved past role 1).
            let next = try await roles.createUserRole(name: "next", permissions: [], at: Date())
            #expect(next.id != UserRole.superAdminID)
            #expect(try await roles.listRoles().isEmpty)
        }
    }

    @Test(
        "user roles: permission order kept, oldest first, read back by id of their own kind only",
        arguments: TestBackend.enabled)
    func userRoles(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let roles = stores.roles
            let now = Date()
            let late = try await roles.createUserRole(
                name: "late", permissions: [.usersGet, .listsGetAll], at: now.addingTimeInterval(10))
            let early = try await roles.createUserRole(name: "early", permissions: [], at: now.addingTimeInterval(5))
            #expect(try await roles.userRole(id: late.id) == late)
            #expect(late.permissions == [.usersGet, .listsGetAll])
            #expect(try await roles.userRoles().map(\.name) == [UserRole.superAdminName, "early", "late"])
            let team = try await roles.createListRole(name: "team", grants: [:], at: now)
            #expect(try await roles.userRole(id: team.id) == nil)
            #expect(try await roles.listRole(id: early.id) == nil)
            #expect(try await roles.userRole(id: RoleID(9_999)) == nil)
        }
    }

    @Test("user roles: a taken name is a conflict; the same name as a list role is not", arguments: TestBackend.enabled)
    func userRoleNames(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let roles = stores.roles
            let editor = try await roles.createUserRole(name: "editor", permissions: [.usersGet], at: Date())
            let writer = try await roles.createUserRole(name: "writer", permissions: [], at: Date())
            await expectConflict(field: "name") {
                try await roles.createUserRole(name: "editor", permissions: [], at: Date())
            }
            await expectConflict(field: "name") {
                try await roles.updateUserRole(id: writer.id, name: "editor", permissions: [.listsGetAll], at: Date())
            }
            #expect(try await roles.userRole(id: writer.id) == writer)
            _ = try await roles.createListRole(name: "editor", grants: [:], at: Date())
            #expect(
                try await roles.updateUserRole(id: editor.id, name: "editor", permissions: [], at: Date()).name
                    == "editor")
        }
    }

    @Test(
        "user roles: update replaces name and permissions; not found unless a user role", arguments: TestBackend.enabled
    )
    func updateUserRole(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let roles = stores.roles
            let created = Date(timeIntervalSince1970: 1_800_000_000)
            let later = created.addingTimeInterval(60)
            let editor = try await roles.createUserRole(name: "editor", permissions: [.usersGet], at: created)
            let renamed = try await roles.updateUserRole(
                id: editor.id, name: "writer", permissions: [.listsManageAll, .usersGet], at: later)
            #expect(renamed.name == "writer" && renamed.permissions == [.listsManageAll, .usersGet])
            #expect(renamed.createdAt == created && renamed.updatedAt == later)
            #expect(try await roles.userRole(id: editor.id) == renamed)
            let team = try await roles.createListRole(name: "team", grants: [:], at: created)
            await expectNotFound { try await roles.updateUserRole(id: team.id, name: "x", permissions: [], at: later) }
            await expectNotFound {
                try await roles.updateUserRole(id: RoleID(9_999), name: "x", permissions: [], at: later)
            }
            #expect(try await roles.listRole(id: team.id)?.name == "team")
        }
    }

    @Test("list roles: per-list grants by list id with the lists' names, oldest first", arguments: TestBackend.enabled)
    func listRoles(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let roles = stores.roles
            let now = Date()
            let b = try await stores.list("B")
            let a = try await stores.list("A")
            let team = try await roles.createListRole(
                name: "team", grants: [b.id: [.get, .manage], a.id: [.get]], at: now.addingTimeInterval(10))
            #expect(team.lists.map(\.listID) == [b.id, a.id].sorted())
            #expect(team.lists.first { $0.listID == a.id }?.listName == "A")
            #expect(team.lists.first { $0.listID == b.id }?.permissions == [.get, .manage])
            #expect(try await roles.listRole(id: team.id) == team)
            _ = try await roles.createListRole(name: "first", grants: [:], at: now)
            #expect(try await roles.listRoles().map(\.name) == ["first", "team"])
        }
    }

    @Test(
        "list roles: a taken name is a conflict, an unknown list invalid; nothing is left behind",
        arguments: TestBackend.enabled)
    func createListRoleFailures(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let roles = stores.roles
            let list = try await stores.list("A")
            let team = try await roles.createListRole(name: "team", grants: [list.id: [.get]], at: Date())
            await expectConflict(field: "name") {
                try await roles.createListRole(name: "team", grants: [list.id: [.manage]], at: Date())
            }
            await expectInvalidField("lists") {
                try await roles.createListRole(
                    name: "ghost", grants: [list.id: [.get], ListID(99_999): [.get]], at: Date())
            }
            #expect(try await roles.listRoles() == [team])
            _ = try await roles.createUserRole(name: "team", permissions: [], at: Date())
        }
    }

    @Test("list roles: update replaces name and every grant, or nothing at all", arguments: TestBackend.enabled)
    func updateListRole(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let roles = stores.roles
            let now = Date()
            let a = try await stores.list("A")
            let b = try await stores.list("B")
            let team = try await roles.createListRole(name: "team", grants: [a.id: [.get], b.id: [.get]], at: now)
            let replaced = try await roles.updateListRole(id: team.id, name: "crew", grants: [b.id: [.manage]], at: now)
            #expect(replaced.name == "crew")
            #expect(replaced.lists.map(\.listID) == [b.id] && replaced.lists.first?.permissions == [.manage])
            #expect(try await roles.listRole(id: team.id) == replaced)

            await expectInvalidField("lists") {
                try await roles.updateListRole(id: team.id, name: "gone", grants: [ListID(99_999): [.get]], at: now)
            }
            #expect(try await roles.listRole(id: team.id) == replaced)
            let other = try await roles.createListRole(name: "other", grants: [:], at: now)
            await expectConflict(field: "name") {
                try await roles.updateListRole(id: other.id, name: "crew", grants: [a.id: [.get]], at: now)
            }
            #expect(try await roles.listRole(id: other.id) == other)

            let editor = try await roles.createUserRole(name: "editor", permissions: [], at: now)
            await expectNotFound { try await roles.updateListRole(id: editor.id, name: "x", grants: [:], at: now) }
            await expectNotFound { try await roles.updateListRole(id: RoleID(9_999), name: "x", grants: [:], at: now) }
        }
    }

    @Test("deleting a list drops it from the list roles' grants", arguments: TestBackend.enabled)
    func deletedList(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let a = try await stores.list("A")
            let b = try await stores.list("B")
            let team = try await stores.roles.createListRole(
                name: "team", grants: [a.id: [.get], b.id: [.get]], at: Date())
            try await stores.lists.deleteLists(ids: [b.id])
            #expect(try await stores.roles.listRole(id: team.id)?.lists.map(\.listID) == [a.id])
        }
    }

    @Test(
        "deleting a role held by a user is role_in_use; an unused one goes; an unknown id is no error",
        arguments: TestBackend.enabled)
    func deleteRole(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let roles = stores.roles
            let list = try await stores.list("A")
            let staff = try await roles.createUserRole(name: "staff", permissions: [], at: Date())
            let team = try await roles.createListRole(name: "team", grants: [list.id: [.get]], at: Date())
            let user = try await stores.user("robot", role: staff.id, listRole: team.id, type: .api)
            await expectConflict(code: "role_in_use") { try await roles.deleteRole(id: staff.id) }
            await expectConflict(code: "role_in_use") { try await roles.deleteRole(id: team.id) }
            #expect(try await roles.userRole(id: staff.id) != nil)
            #expect(try await roles.listRole(id: team.id) == team)
            #expect(try await stores.users.user(id: user.id) != nil)

            try await stores.users.deleteUsers(ids: [user.id])
            try await roles.deleteRole(id: staff.id)
            try await roles.deleteRole(id: team.id)
            #expect(try await roles.userRole(id: staff.id) == nil)
            #expect(try await roles.listRole(id: team.id) == nil)
            try await roles.deleteRole(id: RoleID(77_777))
            #expect(try await roles.userRoles().map(\.id) == [UserRole.superAdminID])
        }
    }
}

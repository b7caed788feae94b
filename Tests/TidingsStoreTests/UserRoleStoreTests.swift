import Foundation
import Testing
import TidingsCore
import TidingsServer
import TidingsStore
import TidingsTestSupport

/// The user and role store contracts, on every backend.
@Suite struct UserRoleStoreTests {
    static func newUser(_ name: String, role: RoleID = UserRole.superAdminID, type: UserType = .user) -> NewUser {
        NewUser(
            username: name, passwordLogin: type == .user, passwordHash: type == .user ? "hash-\(name)" : nil,
            email: type == .user ? "\(name)@example.com" : nil, name: name, type: type, status: .enabled,
            userRoleID: role, listRoleID: nil)
    }

    @Test("users: create, read by id and name, hash, login time", arguments: TestBackend.enabled)
    func users(backend: TestBackend) async throws {
        try await backend.withServices { services async throws in
            let store = services.stores.users
            let now = Date(timeIntervalSince1970: 1_800_000_000.123456)
            let alice = try await store.createUser(Self.newUser("alice"), at: now)
            #expect(alice.createdAt == now)
            #expect(try await store.user(id: alice.id) == alice)
            #expect(try await store.user(username: "alice") == alice)
            #expect(try await store.user(username: "ALICE") == nil)
            #expect(try await store.passwordHash(userID: alice.id) == "hash-alice")
            let robot = try await store.createUser(Self.newUser("robot", type: .api), at: now)
            #expect(robot.email == nil)
            #expect(try await store.passwordHash(userID: robot.id) == nil)
            #expect(try await store.countLoginUsers() == 1)
            try await store.recordLogin(userID: alice.id, at: now)
            #expect(try await store.user(id: alice.id)?.loggedInAt == now)
            #expect(try await store.users().map(\.username) == ["alice", "robot"])
        }
    }

    @Test("users: taken username or e-mail is a conflict", arguments: TestBackend.enabled)
    func conflicts(backend: TestBackend) async throws {
        try await backend.withServices { services async throws in
            let store = services.stores.users
            let alice = try await store.createUser(Self.newUser("alice"), at: Date())
            let bob = try await store.createUser(Self.newUser("bob"), at: Date())
            await #expect(throws: StoreFailure.taken(field: "username", value: "alice")) {
                try await store.createUser(Self.newUser("alice"), at: Date())
            }
            var changes = UserChanges()
            changes.email = alice.email
            await #expect(throws: StoreFailure.taken(field: "email", value: "alice@example.com")) {
                try await store.updateUser(id: bob.id, changes: changes, at: Date())
            }
            #expect(try await store.user(id: bob.id)?.email == "bob@example.com")
        }
    }

    @Test("users: the last enabled Super Admin survives updates and deletes", arguments: TestBackend.enabled)
    func superAdminInvariant(backend: TestBackend) async throws {
        try await backend.withServices { services async throws in
            let store = services.stores.users
            let root = try await store.createUser(Self.newUser("root"), at: Date())
            var disable = UserChanges()
            disable.status = .disabled
            await #expect(throws: StoreFailure.noSuperAdminLeft) {
                try await store.updateUser(id: root.id, changes: disable, at: Date())
            }
            await #expect(throws: StoreFailure.noSuperAdminLeft) { try await store.deleteUsers(ids: [root.id]) }
            #expect(try await store.user(id: root.id)?.status == .enabled)
            let second = try await store.createUser(Self.newUser("second"), at: Date())
            _ = try await store.updateUser(id: root.id, changes: disable, at: Date())
            await #expect(throws: StoreFailure.noSuperAdminLeft) { try await store.deleteUsers(ids: [second.id]) }
            try await store.deleteUsers(ids: [root.id])
            #expect(try await store.user(id: root.id) == nil)
        }
    }

    @Test("users: update changes only what is given", arguments: TestBackend.enabled)
    func partialUpdate(backend: TestBackend) async throws {
        try await backend.withServices { services async throws in
            let store = services.stores.users
            let role = try await services.stores.roles.createUserRole(name: "r", permissions: [], at: Date())
            _ = try await store.createUser(Self.newUser("root"), at: Date())
            let alice = try await store.createUser(Self.newUser("alice", role: role.id), at: Date())
            var changes = UserChanges()
            changes.name = "Alice"
            let later = Date(timeIntervalSince1970: 1_900_000_000)
            let updated = try await store.updateUser(id: alice.id, changes: changes, at: later)
            #expect(updated.name == "Alice")
            #expect(updated.email == alice.email)
            #expect(updated.userRoleID == role.id)
            #expect(updated.updatedAt == later)
            await #expect(throws: StoreFailure.notFound) {
                try await store.updateUser(id: UserID(424_242), changes: changes, at: later)
            }
        }
    }

    @Test("roles: user roles keep permission order; list roles hold per-list grants", arguments: TestBackend.enabled)
    func roles(backend: TestBackend) async throws {
        try await backend.withServices { services async throws in
            let roles = services.stores.roles
            let now = Date()
            let editor = try await roles.createUserRole(
                name: "editor", permissions: [.usersGet, .listsGetAll], at: now)
            #expect(try await roles.userRole(id: editor.id)?.permissions == [.usersGet, .listsGetAll])
            let renamed = try await roles.updateUserRole(id: editor.id, name: "writer", permissions: [], at: now)
            #expect(renamed.name == "writer" && renamed.permissions.isEmpty)
            await #expect(throws: StoreFailure.taken(field: "name", value: "writer")) {
                try await roles.createUserRole(name: "writer", permissions: [], at: now)
            }
            let a = try await services.stores.lists.createList(Self.draft("A"), at: now)
            let b = try await services.stores.lists.createList(Self.draft("B"), at: now)
            let team = try await roles.createListRole(
                name: "team", grants: [a.id: [.get], b.id: [.get, .manage]], at: now)
            #expect(team.lists.map(\.listID) == [a.id, b.id])
            #expect(team.lists.map(\.listName) == ["A", "B"])
            #expect(try await roles.listRole(id: editor.id) == nil)
            #expect(try await roles.userRole(id: team.id) == nil)
            let replaced = try await roles.updateListRole(id: team.id, name: "team", grants: [b.id: [.manage]], at: now)
            #expect(replaced.lists.map(\.listID) == [b.id])
            await #expect(throws: StoreFailure.notFound) {
                try await roles.updateListRole(id: editor.id, name: "x", grants: [:], at: now)
            }
            await #expect(throws: StoreFailure.missingReference(field: "lists", id: 99_999)) {
                try await roles.createListRole(name: "ghost", grants: [ListID(99_999): [.get]], at: now)
            }
            #expect(try await roles.listRoles().map(\.name) == ["team"])
            try await services.stores.lists.deleteLists(ids: [b.id])
            #expect(try await roles.listRole(id: team.id)?.lists.isEmpty == true)
        }
    }

    @Test("roles: deleting a role in use is refused; an unused one goes", arguments: TestBackend.enabled)
    func deleteRole(backend: TestBackend) async throws {
        try await backend.withServices { services async throws in
            let roles = services.stores.roles
            let role = try await roles.createUserRole(name: "staff", permissions: [], at: Date())
            let user = try await services.stores.users.createUser(
                Self.newUser("robot", role: role.id, type: .api), at: Date())
            await #expect(throws: StoreFailure.inUse(holders: 1)) { try await roles.deleteRole(id: role.id) }
            #expect(try await services.stores.users.user(id: user.id) != nil)
            try await services.stores.users.deleteUsers(ids: [user.id])
            try await roles.deleteRole(id: role.id)
            #expect(try await roles.userRole(id: role.id) == nil)
            try await roles.deleteRole(id: RoleID(77_777))
            try await roles.ensureSuperAdminRole(at: Date())
            #expect(try await roles.userRoles().count == 1)
        }
    }

    static func draft(_ name: String, tags: [String] = []) -> ListDraft {
        ListDraft(name: name, type: .private, optin: .single, status: .active, tags: tags, description: "")
    }
}

import Foundation
import Testing
import TidingsCore
import TidingsStoreTestSupport

/// `UserStore`'s contract, on every backend.
@Suite struct UserStoreTests {
    @Test("create, read by id and exact username, password hash, login time, count", arguments: TestBackend.enabled)
    func createAndRead(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let store = stores.users
            let now = Date(timeIntervalSince1970: 1_800_000_000.123456)
            let alice = try await store.createUser(Drafts.user("alice"), at: now)
            #expect(alice.createdAt == now && alice.updatedAt == now)
            #expect(alice.email == "alice@example.com" && alice.type == .user && alice.twoFactor == .none)
            #expect(try await store.user(id: alice.id) == alice)
            #expect(try await store.user(username: "alice") == alice)
            #expect(try await store.user(username: "ALICE") == nil)
            #expect(try await store.user(id: UserID(424_242)) == nil)
            #expect(try await store.passwordHash(userID: alice.id) == "hash-alice")
            #expect(try await store.passwordHash(userID: UserID(424_242)) == nil)
            let robot = try await store.createUser(Drafts.user("robot", type: .api), at: now)
            #expect(robot.email == nil)
            #expect(try await store.passwordHash(userID: robot.id) == nil)
            _ = try await store.createUser(Drafts.user("off", status: .disabled), at: now)
            #expect(try await store.countLoginUsers() == 2)
            #expect(try await store.user(id: alice.id)?.loggedInAt == nil)
            try await store.recordLogin(userID: alice.id, at: now.addingTimeInterval(5))
            #expect(try await store.user(id: alice.id)?.loggedInAt == now.addingTimeInterval(5))
        }
    }

    @Test("users() lists the oldest first, whatever the order of their ids", arguments: TestBackend.enabled)
    func oldestFirst(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let store = stores.users
            _ = try await store.createUser(Drafts.user("late"), at: Drafts.epoch.addingTimeInterval(10))
            _ = try await store.createUser(Drafts.user("early"), at: Drafts.epoch)
            _ = try await store.createUser(Drafts.user("middle", type: .api), at: Drafts.epoch.addingTimeInterval(5))
            #expect(try await store.users().map(\.username) == ["early", "middle", "late"])
        }
    }

    @Test(
        "a taken username or e-mail is a conflict naming the field, and changes nothing", arguments: TestBackend.enabled
    )
    func conflicts(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let store = stores.users
            let alice = try await store.createUser(Drafts.user("alice"), at: Drafts.epoch)
            let bob = try await store.createUser(Drafts.user("bob"), at: Drafts.epoch)
            await expectConflict(field: "username") { try await store.createUser(Drafts.user("alice"), at: Date()) }
            var sameEmail = Drafts.user("carol")
            sameEmail.email = alice.email
            await expectConflict(field: "email") { try await store.createUser(sameEmail, at: Date()) }
            #expect(try await store.user(username: "carol") == nil)

            var email = UserChanges()
            email.email = alice.email
            email.name = "Bob 2"
            await expectConflict(field: "email") { try await store.updateUser(id: bob.id, changes: email, at: Date()) }
            var username = UserChanges()
            username.username = "alice"
            await expectConflict(field: "username") {
                try await store.updateUser(id: bob.id, changes: username, at: Date())
            }
            #expect(try await store.user(id: bob.id) == bob)

            // A user's own username and e-mail are not taken from itself.
            var own = UserChanges()
            (own.username, own.email) = ("bob", "bob@example.com")
            #expect(try await store.updateUser(id: bob.id, changes: own, at: Date()).username == "bob")
        }
    }

    @Test("update changes only what is given; an unknown id is not found", arguments: TestBackend.enabled)
    func partialUpdate(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let store = stores.users
            let role = try await stores.roles.createUserRole(name: "r", permissions: [], at: Date())
            let team = try await stores.roles.createListRole(name: "team", grants: [:], at: Date())
            _ = try await store.createUser(Drafts.user("root"), at: Drafts.epoch)
            let alice = try await store.createUser(
                Drafts.user("alice", role: role.id, listRole: team.id), at: Drafts.epoch)
            var changes = UserChanges()
            changes.name = "Alice"
            let later = Date(timeIntervalSince1970: 1_900_000_000)
            let updated = try await store.updateUser(id: alice.id, changes: changes, at: later)
            #expect(updated.name == "Alice" && updated.updatedAt == later)
            #expect(updated.email == alice.email && updated.userRoleID == role.id && updated.listRoleID == team.id)
            #expect(updated.createdAt == alice.createdAt)
            #expect(try await store.passwordHash(userID: alice.id) == "hash-alice")
            #expect(try await store.user(id: alice.id) == updated)

            var everything = UserChanges()
            (everything.username, everything.email, everything.passwordHash) = ("alicia", "a@example.org", "h2")
            (everything.passwordLogin, everything.status, everything.userRoleID) = (
                false, .disabled, UserRole.superAdminID
            )
            everything.listRoleID = .some(nil)
            let changed = try await store.updateUser(id: alice.id, changes: everything, at: later)
            #expect(changed.username == "alicia" && changed.email == "a@example.org" && !changed.passwordLogin)
            #expect(
                changed.status == .disabled && changed.userRoleID == UserRole.superAdminID && changed.listRoleID == nil)
            #expect(try await store.passwordHash(userID: alice.id) == "h2")

            await expectNotFound { try await store.updateUser(id: UserID(424_242), changes: changes, at: later) }
        }
    }

    @Test(
        "the last enabled Super Admin survives updates and deletes; the refusal changes nothing",
        arguments: TestBackend.enabled)
    func superAdminInvariant(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let store = stores.users
            let staff = try await stores.roles.createUserRole(name: "staff", permissions: [], at: Date())
            let root = try await store.createUser(Drafts.user("root"), at: Date())
            let other = try await store.createUser(Drafts.user("other", role: staff.id), at: Date())
            // Neither an API user nor a disabled login user counts as the Super Admin that must stay.
            _ = try await store.createUser(Drafts.user("robot", type: .api), at: Date())
            _ = try await store.createUser(Drafts.user("off", status: .disabled), at: Date())
            var disable = UserChanges()
            disable.status = .disabled
            var demote = UserChanges()
            demote.userRoleID = staff.id
            for changes in [disable, demote] {
                await expectNeedsSuperAdmin { try await store.updateUser(id: root.id, changes: changes, at: Date()) }
            }
            #expect(try await store.user(id: root.id) == root)
            await expectNeedsSuperAdmin { try await store.deleteUsers(ids: [root.id]) }
            // All or nothing: the other user in the same call is not deleted either.
            await expectNeedsSuperAdmin { try await store.deleteUsers(ids: [other.id, root.id]) }
            #expect(try await store.user(id: other.id) != nil)
            #expect(try await store.user(id: root.id) != nil)

            let second = try await store.createUser(Drafts.user("second"), at: Date())
            _ = try await store.updateUser(id: root.id, changes: disable, at: Date())
            await expectNeedsSuperAdmin { try await store.deleteUsers(ids: [second.id]) }
            try await store.deleteUsers(ids: [root.id, other.id])
            #expect(try await store.user(id: root.id) == nil)
            #expect(try await store.user(id: other.id) == nil)
            try await store.deleteUsers(ids: [])
            #expect(try await store.user(id: second.id) != nil)
        }
    }

    @Test("a user whose role does not exist is refused, and not stored", arguments: TestBackend.enabled)
    func unknownRole(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            await expectRefused {
                try await stores.user("ghost", role: RoleID(9_999))
            }
            await expectRefused {
                try await stores.user("ghost", listRole: RoleID(9_999))
            }
            #expect(try await stores.users.users().isEmpty)
        }
    }

    @Test(
        "deleting a user takes its tokens and sessions with it; unknown ids are ignored", arguments: TestBackend.enabled
    )
    func deleteCascades(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            _ = try await stores.user("root")
            let alice = try await stores.user("alice")
            try await stores.tokens.createToken(Drafts.token("KEYALICE01", user: alice.id))
            try await stores.sessions.createSession(Drafts.session("s-alice", user: alice.id))
            try await stores.users.deleteUsers(ids: [alice.id, UserID(9_999)])
            #expect(try await stores.users.user(id: alice.id) == nil)
            #expect(try await stores.tokens.token(keyID: "KEYALICE01") == nil)
            #expect(try await stores.sessions.session(idHash: "s-alice") == nil)
        }
    }
}

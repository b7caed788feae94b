import Foundation
import Synchronization

/// Creating the first Super Admin without any default password: either from
/// the `TIDINGS_ADMIN_*` settings, or through the setup form guarded by a one-time code that
/// the server prints to its log.
public final class FirstRunSetup: Sendable {
    private let userStore: any UserStore
    private let roleStore: any RoleStore
    private let users: UserService
    private let clock: WallClock
    private let code = Mutex<String?>(nil)

    public init(userStore: any UserStore, roleStore: any RoleStore, users: UserService, clock: WallClock) {
        self.userStore = userStore
        self.roleStore = roleStore
        self.users = users
        self.clock = clock
    }

    /// Whether no login user exists yet.
    public func isNeeded() async throws -> Bool { try await userStore.countLoginUsers() == 0 }

    /// Creates the Super Admin role, and the Super Admin login user when no login user exists.
    /// Returns the user it created, or `nil` when there was one already.
    @discardableResult
    public func ensureAdmin(username: String, password: String) async throws -> User? {
        try await roleStore.ensureSuperAdminRole(at: clock.now())
        guard try await isNeeded() else { return nil }
        do {
            return try await createAdmin(username: username, email: nil, password: password)
        } catch let error as TidingsError where error.kind == .conflict {
            return nil  // another instance starting at the same moment created it
        }
    }

    /// The one-time setup code when setup is needed (to print to the log), else `nil`. Made on
    /// the first call and the same on every later one until setup is done, so a second caller
    /// can never invalidate the code already printed.
    public func issueCode() async throws -> String? {
        guard try await isNeeded() else { return nil }
        return code.withLock { current in
            if let current { return current }
            let fresh = Base62.random(count: 12)
            current = fresh
            return fresh
        }
    }

    /// Completes setup through the form. Throws `setup_code_invalid` for a wrong code and
    /// `setup_done` when a login user already exists.
    public func complete(
        code presented: String, username: String, email: String, password: String
    ) async throws
        -> User
    {
        guard try await isNeeded() else {
            throw TidingsError(.conflict, code: "setup_done", message: "setup is already done: log in")
        }
        let expected = code.withLock { $0 }
        guard let expected,
            constantTimeEquals(Array(expected.utf8), Array(presented.trimmingCharacters(in: .whitespaces).utf8))
        else {
            throw TidingsError(
                .badRequest, code: "setup_code_invalid",
                message: "wrong setup code: use the code printed in the server's log")
        }
        try await roleStore.ensureSuperAdminRole(at: clock.now())
        let user = try await createAdmin(username: username, email: email, password: password)
        code.withLock { $0 = nil }
        return user
    }

    private func createAdmin(username: String, email: String?, password: String) async throws -> User {
        let created = try await users.create(
            UserService.Creation(
                username: username, email: email ?? "\(username.lowercased())@localhost", password: password,
                passwordLogin: true, type: .user, status: .enabled, userRoleID: UserRole.superAdminID),
            by: nil)
        return created.user
    }
}

import Foundation
import Synchronization
import Testing
import TidingsCore

/// The token path's promises: no password hash, and no database read while the cache is warm.
@Suite struct TokenPathTests {
    /// A user store that records every call (the token path must make none).
    final class WatchedUserStore: UserStore {
        let calls = Atomic<Int>(0)
        private func touch() { calls.wrappingAdd(1, ordering: .relaxed) }
        func users() async throws -> [User] { touch(); return [] }
        func user(id: UserID) async throws -> User? { touch(); return nil }
        func user(username: String) async throws -> User? { touch(); return nil }
        func passwordHash(userID: UserID) async throws -> String? { touch(); return nil }
        func createUser(_ user: NewUser, at: Date) async throws -> User { touch(); throw TidingsError.invalidID }
        func updateUser(id: UserID, changes: UserChanges, at: Date) async throws -> User {
            touch()
            throw TidingsError.invalidID
        }
        func deleteUsers(ids: [UserID]) async throws { touch() }
        func recordLogin(userID: UserID, at: Date) async throws { touch() }
        func countLoginUsers() async throws -> Int { touch(); return 0 }
    }

    /// A token store that records last-use writes; any other call is a read the path must not make.
    final class RecordingTokenStore: TokenStore {
        let reads = Atomic<Int>(0)
        let uses = Mutex<[(String, TokenUse)]>([])
        private func touch() { reads.wrappingAdd(1, ordering: .relaxed) }
        func createToken(_ token: APIToken) async throws { touch() }
        func tokens(userID: UserID) async throws -> [APIToken] { touch(); return [] }
        func allTokens() async throws -> [APIToken] { touch(); return [] }
        func token(keyID: String) async throws -> APIToken? { touch(); return nil }
        func rotateToken(keyID: String, to rotation: TokenRotation) async throws -> APIToken? { touch(); return nil }
        func revokeToken(keyID: String, at: Date, by: UserID?, reason: String) async throws -> APIToken? {
            touch()
            return nil
        }
        func revokeTokens(userID: UserID, at: Date, by: UserID?, reason: String) async throws -> Int {
            touch(); return 0
        }
        func recordTokenUse(keyID: String, _ use: TokenUse) async throws { uses.withLock { $0.append((keyID, use)) } }
        var useCount: Int { uses.withLock { $0.count } }
    }

    /// A password hasher that counts its use.
    final class CountingPasswords: PasswordHasher {
        let uses = Atomic<Int>(0)
        func hash(_ password: String) async throws -> String { uses.wrappingAdd(1, ordering: .relaxed); return "" }
        func verify(_ password: String, hash: String) async throws -> Bool {
            uses.wrappingAdd(1, ordering: .relaxed)
            return false
        }
        func verifyDecoy(_ password: String) async { uses.wrappingAdd(1, ordering: .relaxed) }
    }

    @Test("a warm cache authenticates a token with no database read and no password hash")
    func warmTokenPath() async throws {
        let format = try TokenFormat()
        let hasher = SecretHasher(key: Array(repeating: 7, count: 32))
        let issued = format.generate()
        let now = Date()
        let user = User(
            id: UserID(2), username: "shop", passwordLogin: false, email: nil, name: "shop", type: .api,
            status: .enabled, userRoleID: RoleID(1), listRoleID: nil, createdAt: now, updatedAt: now)
        let token = APIToken(
            keyID: issued.keyID, userID: user.id, name: "ci", prefix: "tdg_", lastFour: issued.lastFour,
            secretHash: hasher.hash(issued.token), createdAt: now, createdBy: nil, expiresAt: nil)
        let role = UserRole(id: RoleID(1), name: "Super Admin", permissions: [], createdAt: now, updatedAt: now)
        let loads = Atomic<Int>(0)
        let directory = AuthDirectory {
            loads.wrappingAdd(1, ordering: .relaxed)
            return AuthSnapshot(users: [user], userRoles: [role], listRoles: [], tokens: [token])
        }
        let store = WatchedUserStore()
        let passwords = CountingPasswords()
        let tokenStore = RecordingTokenStore()
        let verifier = CredentialVerifier(
            directory: directory, format: format, hasher: hasher, users: store, passwords: passwords, clock: .system,
            policy: TokenPolicy(), usage: TokenUsageRecorder(store: tokenStore))
        let address = IPAddress("203.0.113.9")
        for _ in 0..<1_000 {
            let verified = try await verifier.verify(.basic(username: "shop", secret: issued.token), from: address)
            #expect(verified.principal.user.id == user.id)
        }
        // Last use is written at most once a minute: here, once, from the first request.
        try await Task.sleep(for: .milliseconds(50))
        #expect(tokenStore.useCount == 1)
        #expect(tokenStore.reads.load(ordering: .relaxed) == 0)
        let wrong = format.generate(keyID: issued.keyID).token
        for _ in 0..<100 {
            await #expect(throws: AuthFailure.invalidCredentials) { try await verifier.verify(.bearer(secret: wrong)) }
        }
        #expect(loads.load(ordering: .relaxed) == 1)
        #expect(store.calls.load(ordering: .relaxed) == 0)
        #expect(passwords.uses.load(ordering: .relaxed) == 0)
        // Only a secret that is not a token (a password where the token belongs) reaches the hasher.
        await #expect(throws: AuthFailure.invalidCredentials) {
            try await verifier.verify(.basic(username: "shop", secret: "hunter22"))
        }
        #expect(passwords.uses.load(ordering: .relaxed) == 1)
    }
}

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
        func rotateToken(keyID: String, to rotation: TokenRotation) async throws -> APIToken {
            touch()
            throw StoreFailure.notFound
        }
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

    /// One API user "shop" (id 2) holding one token, as a snapshot.
    struct Fixture {
        let format: TokenFormat
        let hasher = SecretHasher(key: Array(repeating: 7, count: 32))
        let issued: IssuedToken
        let user: User
        let snapshot: AuthSnapshot

        init() throws {
            format = try TokenFormat()
            issued = format.generate()
            let now = Date()
            user = User(
                id: UserID(2), username: "shop", passwordLogin: false, email: nil, name: "shop", type: .api,
                status: .enabled, userRoleID: RoleID(1), listRoleID: nil, createdAt: now, updatedAt: now)
            let token = APIToken(
                keyID: issued.keyID, userID: user.id, name: "ci", prefix: "tdg_", lastFour: issued.lastFour,
                secretHash: hasher.hash(issued.token), createdAt: now, createdBy: nil, expiresAt: nil)
            let role = UserRole(id: RoleID(1), name: "Super Admin", permissions: [], createdAt: now, updatedAt: now)
            snapshot = AuthSnapshot(users: [user], userRoles: [role], listRoles: [], tokens: [token])
        }

        func verifier(
            _ directory: AuthDirectory, users: any UserStore = WatchedUserStore(),
            passwords: CountingPasswords = CountingPasswords()
        ) -> CredentialVerifier {
            CredentialVerifier(
                directory: directory, format: format, hasher: hasher, users: users, passwords: passwords,
                clock: .system, policy: TokenPolicy(), usage: TokenUsageRecorder(store: RecordingTokenStore()))
        }
    }

    @Test("without waiting: answers from a cached snapshot, and defers only what needs a load or a password check")
    func verifyImmediately() async throws {
        let fixture = try Fixture()
        let clock = Mutex(ContinuousClock.now)
        let snapshot = fixture.snapshot
        let directory = AuthDirectory(missReloadInterval: .seconds(1), now: { clock.withLock { $0 } }) { snapshot }
        let verifier = fixture.verifier(directory)
        let good = PresentedCredential.basic(username: "shop", secret: fixture.issued.token)
        #expect(try verifier.verifyImmediately(good) == nil)  // nothing cached yet: the caller waits
        _ = try await directory.snapshot()
        #expect(try verifier.verifyImmediately(good)?.principal.user.id == fixture.user.id)
        // The same refusals as `verify`, without suspending.
        let wrongSecret = fixture.format.generate(keyID: fixture.issued.keyID).token
        #expect(throws: AuthFailure.invalidCredentials) { try verifier.verifyImmediately(.bearer(secret: wrongSecret)) }
        #expect(throws: AuthFailure.invalidCredentials) {
            try verifier.verifyImmediately(.basic(username: "other", secret: fixture.issued.token))
        }
        #expect(throws: AuthFailure.self) { try verifier.verifyImmediately(.bearer(secret: "tdg_short")) }
        // An unknown key id is refused at once while the snapshot is fresh; once a reload for it
        // is due (another process may have just created the token), the caller waits for it.
        let unknown = fixture.format.generate().token
        #expect(throws: AuthFailure.invalidCredentials) { try verifier.verifyImmediately(.bearer(secret: unknown)) }
        clock.withLock { $0 = $0.advanced(by: .seconds(2)) }
        #expect(try verifier.verifyImmediately(.bearer(secret: unknown)) == nil)
        // A secret that is not a token may be a password sent by mistake: that takes a hash.
        #expect(try verifier.verifyImmediately(.basic(username: "shop", secret: "hunter22")) == nil)
    }

    @Test("a Bearer value that is not a token names nobody: refused at once, with no password check or decoy")
    func bearerIsNobodysPassword() async throws {
        let fixture = try Fixture()
        let snapshot = fixture.snapshot
        let directory = AuthDirectory { snapshot }
        let passwords = CountingPasswords()
        let users = WatchedUserStore()
        let verifier = fixture.verifier(directory, users: users, passwords: passwords)
        _ = try await directory.snapshot()
        let guess = PresentedCredential.bearer(secret: "not-a-token-1")
        #expect(throws: AuthFailure.invalidCredentials) { try verifier.verifyImmediately(guess) }
        await #expect(throws: AuthFailure.invalidCredentials) { try await verifier.verify(guess) }
        #expect(!verifier.mayBePassword(guess))
        #expect(verifier.mayBePassword(.basic(username: "shop", secret: "not-a-token-1")))
        #expect(passwords.uses.load(ordering: .relaxed) == 0)
        #expect(users.calls.load(ordering: .relaxed) == 0)
    }

    @Test("a warm cache authenticates a token with no database read and no password hash")
    func warmTokenPath() async throws {
        let fixture = try Fixture()
        let (format, hasher, issued, user) = (fixture.format, fixture.hasher, fixture.issued, fixture.user)
        let snapshot = fixture.snapshot
        let loads = Atomic<Int>(0)
        let directory = AuthDirectory {
            loads.wrappingAdd(1, ordering: .relaxed)
            return snapshot
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

    @Test("verifying again skips the parse and the hash, never a check that can change")
    func verifyAgain() async throws {
        let fixture = try Fixture()
        let (format, hasher, user) = (fixture.format, fixture.hasher, fixture.user)
        let start = Date()
        let now = Mutex(start)
        let old = format.generate()
        let new = format.generate(keyID: old.keyID)
        // Rotated a moment ago: the old secret works for 50 s more; the token expires in 100 s.
        let token = APIToken(
            keyID: old.keyID, userID: user.id, name: "ci", prefix: "tdg_", lastFour: new.lastFour,
            secretHash: hasher.hash(new.token), allowedCIDRs: ["203.0.113.0/24"], createdAt: start, createdBy: nil,
            expiresAt: start.addingTimeInterval(100), previousSecretHash: hasher.hash(old.token),
            graceUntil: start.addingTimeInterval(50))
        let role = UserRole(id: RoleID(1), name: "Super Admin", permissions: [], createdAt: start, updatedAt: start)
        let directory = AuthDirectory {
            AuthSnapshot(users: [user], userRoles: [role], listRoles: [], tokens: [token])
        }
        let verifier = CredentialVerifier(
            directory: directory, format: format, hasher: hasher, users: WatchedUserStore(),
            passwords: CountingPasswords(), clock: WallClock { now.withLock { $0 } }, policy: TokenPolicy(),
            usage: TokenUsageRecorder(store: RecordingTokenStore()))
        let inside = IPAddress("203.0.113.9")
        let outside = IPAddress("198.51.100.1")
        let current = try await verifier.verify(.basic(username: "shop", secret: new.token), from: inside)
        let previous = try await verifier.verify(.bearer(secret: old.token), from: inside)
        #expect(!current.usedPreviousSecret && previous.usedPreviousSecret)
        #expect(current.snapshotSerial == previous.snapshotSerial)

        let again = try #require(try verifier.verifyAgain(current, from: inside))
        #expect(again.principal.user.id == user.id)
        #expect(again.snapshotSerial == current.snapshotSerial)
        // The address is checked again on every request.
        #expect(throws: AuthFailure.ipNotAllowed(address: "198.51.100.1")) {
            try verifier.verifyAgain(current, from: outside)
        }
        // The rotation's grace ends for the old secret only.
        now.withLock { $0 = start.addingTimeInterval(60) }
        #expect(throws: AuthFailure.tokenSuperseded(name: "ci", at: start.addingTimeInterval(50))) {
            try verifier.verifyAgain(previous, from: inside)
        }
        #expect(try verifier.verifyAgain(current, from: inside)?.usedPreviousSecret == false)
        // Expiry.
        now.withLock { $0 = start.addingTimeInterval(101) }
        #expect(throws: AuthFailure.tokenExpired(name: "ci", at: start.addingTimeInterval(100))) {
            try verifier.verifyAgain(current, from: inside)
        }
        // Any change makes a new snapshot, and the earlier result no longer stands.
        now.withLock { $0 = start }
        await directory.invalidate()
        _ = try await directory.snapshot()
        #expect(try verifier.verifyAgain(current, from: inside) == nil)
        let fresh = try await verifier.verify(.basic(username: "shop", secret: new.token), from: inside)
        #expect(fresh.snapshotSerial > current.snapshotSerial)
    }
}

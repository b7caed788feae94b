import Foundation
import Testing
import TidingsCore

/// `SessionService` with its `SessionPolicy`: who may log in, how long a session lives, and how
/// seldom its last use is written.
@Suite struct SessionServiceTests {
    /// Passwords "hash" to `h:<password>`.
    struct PlainHasher: PasswordHasher {
        func hash(_ password: String) async throws -> String { "h:\(password)" }
        func verify(_ password: String, hash: String) async throws -> Bool { hash == "h:\(password)" }
        func verifyDecoy(_ password: String) async throws {}
    }

    static let policy = SessionPolicy(absoluteLifetime: 1_000, idleLifetime: 100, touchInterval: 10)
    static let hasher = SecretHasher(key: Array(repeating: 7, count: 32))

    static func service(_ fake: FakeStore, _ clock: ManualClock) -> SessionService {
        fake.state.withLock { state in
            state.users = [
                FakeStore.user(1, "alice"), FakeStore.user(2, "off", status: .disabled),
                FakeStore.user(3, "robot", type: .api), FakeStore.user(4, "nologin", passwordLogin: false),
            ]
            for id in 1...4 { state.passwordHashes[UserID(id)] = "h:secret-123" }
        }
        return SessionService(
            userStore: fake, sessionStore: fake, directory: fake.directory(), hasher: hasher,
            passwords: PlainHasher(), policy: policy, clock: clock.clock)
    }

    @Test("every refusal is the same invalid_login: wrong password, unknown, disabled, API or no password login")
    func refusals() async throws {
        let fake = FakeStore()
        let service = Self.service(fake, ManualClock())
        for (username, password) in [
            ("alice", "wrong"), ("nobody", "secret-123"), ("off", "secret-123"), ("robot", "secret-123"),
            ("nologin", "secret-123"),
        ] {
            await #expect(throws: SessionService.invalidLogin, "\(username)") {
                _ = try await service.login(username: username, password: password, clientIP: nil, userAgent: nil)
            }
        }
        #expect(fake.read(\.sessions).isEmpty && fake.read(\.logins).isEmpty)
    }

    @Test("a login stores only the id's hash, lives the absolute lifetime, and records the login")
    func login() async throws {
        let fake = FakeStore()
        let clock = ManualClock()
        let service = Self.service(fake, clock)
        let agent = String(repeating: "a", count: 600)
        let opened = try await service.login(
            username: " alice ", password: "secret-123", clientIP: "192.0.2.1", userAgent: agent)
        #expect(opened.user.username == "alice" && opened.sessionID.utf8.count == 32)
        #expect(opened.expiresAt == clock.clock.now() + Self.policy.absoluteLifetime)
        let stored = try #require(fake.read(\.sessions).values.first)
        #expect(stored.idHash == Self.hasher.hash(opened.sessionID) && stored.idHash != opened.sessionID)
        #expect(stored.expiresAt == opened.expiresAt && stored.clientIP == "192.0.2.1")
        #expect(stored.userAgent?.count == 512)
        #expect(fake.read(\.logins) == [UserID(1)])
    }

    @Test("a session is touched at most once per interval, and ends when idle or past its lifetime")
    func lifetime() async throws {
        let fake = FakeStore()
        let clock = ManualClock()
        let service = Self.service(fake, clock)
        let opened = try await service.login(username: "alice", password: "secret-123", clientIP: nil, userAgent: nil)
        let hash = Self.hasher.hash(opened.sessionID)
        #expect(try await service.principal(forSessionID: opened.sessionID).user.username == "alice")
        clock.advance(9)
        _ = try await service.principal(forSessionID: opened.sessionID)
        #expect(fake.read(\.touches).isEmpty)
        clock.advance(1)
        _ = try await service.principal(forSessionID: opened.sessionID)
        #expect(fake.read(\.touches) == [hash])
        // Kept alive by use for longer than the idle lifetime, it still ends at the absolute one.
        for _ in 0..<9 {
            clock.advance(99)
            _ = try await service.principal(forSessionID: opened.sessionID)
        }
        clock.advance(99)  // 1_000 seconds after login
        await #expect(throws: AuthFailure.sessionInvalid) {
            _ = try await service.principal(forSessionID: opened.sessionID)
        }
        #expect(fake.read(\.sessions).isEmpty)

        let idle = try await service.login(username: "alice", password: "secret-123", clientIP: nil, userAgent: nil)
        clock.advance(100)
        #expect(try await service.sessions(of: UserID(1)).isEmpty)
        await #expect(throws: AuthFailure.sessionInvalid) {
            _ = try await service.principal(forSessionID: idle.sessionID)
        }
        #expect(fake.read(\.sessions).isEmpty)
    }

    @Test("a malformed or unknown session id is refused without touching a session")
    func malformed() async throws {
        let fake = FakeStore()
        let service = Self.service(fake, ManualClock())
        let opened = try await service.login(username: "alice", password: "secret-123", clientIP: nil, userAgent: nil)
        for id in ["", "short", String(repeating: "!", count: 32), String(repeating: "a", count: 32)] {
            await #expect(throws: AuthFailure.sessionInvalid, "\(id)") {
                _ = try await service.principal(forSessionID: id)
            }
        }
        #expect(fake.read(\.sessions).count == 1)
        #expect(try await service.sessions(of: UserID(1)).map(\.idHash) == [Self.hasher.hash(opened.sessionID)])
    }
}

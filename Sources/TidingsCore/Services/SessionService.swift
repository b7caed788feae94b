import Foundation

/// Password login and browser sessions. Session ids are 190-bit random strings; only their
/// keyed hashes are stored.
public final class SessionService: Sendable {
    /// A new session: the id goes into the cookie, and nowhere else.
    public struct Opened: Sendable {
        public let user: User
        public let sessionID: String
        public let expiresAt: Date
    }

    public static let invalidLogin = TidingsError(
        .unauthenticated, code: "invalid_login", message: "Invalid login or password")

    private let userStore: any UserStore
    private let sessionStore: any SessionStore
    private let directory: AuthDirectory
    private let hasher: SecretHasher
    private let passwords: any PasswordHasher
    private let policy: SessionPolicy
    private let clock: WallClock

    public init(
        userStore: any UserStore, sessionStore: any SessionStore, directory: AuthDirectory, hasher: SecretHasher,
        passwords: any PasswordHasher,
        policy: SessionPolicy, clock: WallClock
    ) {
        self.userStore = userStore
        self.sessionStore = sessionStore
        self.directory = directory
        self.hasher = hasher
        self.passwords = passwords
        self.policy = policy
        self.clock = clock
    }

    /// Checks a login user's password and opens a session. Every failure is the same
    /// `Invalid login or password`, and takes as long whether or not the user exists.
    public func login(
        username: String, password: String, clientIP: String?, userAgent: String?
    ) async throws
        -> Opened
    {
        let user = try await checkPassword(username: username, password: password)
        return try await open(for: user, clientIP: clientIP, userAgent: userAgent)
    }

    /// The login user whose password this is (the first factor), without opening a session: a
    /// user enrolled in TOTP must pass the second step first. Fails like `login`.
    public func checkPassword(username: String, password: String) async throws -> User {
        let username = username.trimmingCharacters(in: .whitespacesAndNewlines)
        let user = try await userStore.user(username: username)
        let hash = try await user.asyncFlatMap { try await userStore.passwordHash(userID: $0.id) }
        let matches: Bool
        if let hash {
            matches = try await passwords.verify(password, hash: hash)
        } else {
            try await passwords.verifyDecoy(password)
            matches = false
        }
        guard matches, let user, user.type == .user, user.passwordLogin, user.status == .enabled else {
            throw Self.invalidLogin
        }
        return user
    }

    /// Opens a session for a user already proven (after login or first-run setup).
    public func open(for user: User, clientIP: String?, userAgent: String?) async throws -> Opened {
        try await userStore.recordLogin(userID: user.id, at: clock.now())
        await directory.invalidate()
        let now = clock.now()
        let sessionID = Base62.random(count: 32)
        let expiresAt = now.addingTimeInterval(policy.absoluteLifetime)
        try await sessionStore.createSession(
            StoredSession(
                idHash: hasher.hash(sessionID), userID: user.id, createdAt: now, lastSeenAt: now, expiresAt: expiresAt,
                clientIP: clientIP, userAgent: userAgent.map { String($0.prefix(512)) }))
        return Opened(user: user, sessionID: sessionID, expiresAt: expiresAt)
    }

    /// The principal behind a session cookie. Throws `AuthFailure.sessionInvalid` for an unknown,
    /// expired or idle session, or one whose user is gone or disabled.
    public func principal(forSessionID sessionID: String) async throws -> Principal {
        guard sessionID.utf8.count == 32, sessionID.utf8.allSatisfy(Base62.isBase62) else {
            throw AuthFailure.sessionInvalid
        }
        let idHash = hasher.hash(sessionID)
        guard let session = try await sessionStore.session(idHash: idHash) else { throw AuthFailure.sessionInvalid }
        let now = clock.now()
        guard session.expiresAt > now, session.lastSeenAt.addingTimeInterval(policy.idleLifetime) > now else {
            try await sessionStore.deleteSession(idHash: idHash)
            throw AuthFailure.sessionInvalid
        }
        let snapshot = try await directory.snapshot()
        guard let user = snapshot.usersByID[session.userID], user.status == .enabled, user.type == .user,
            let principal = snapshot.principal(for: user, credential: .session(sessionHash: idHash))
        else { throw AuthFailure.sessionInvalid }
        if now.timeIntervalSince(session.lastSeenAt) >= policy.touchInterval {
            try await sessionStore.touchSession(idHash: idHash, at: now)
        }
        return principal
    }

    /// A user's live sessions, most recently used first.
    public func sessions(of userID: UserID) async throws -> [StoredSession] {
        let now = clock.now()
        return try await sessionStore.sessions(userID: userID).filter {
            $0.expiresAt > now && $0.lastSeenAt.addingTimeInterval(policy.idleLifetime) > now
        }
    }

    /// Ends every session of the user but the one with `keeping` (its hash).
    public func logoutOthers(of userID: UserID, keeping sessionHash: String) async throws {
        try await sessionStore.deleteSessions(userID: userID, keeping: sessionHash)
    }

    /// Ends one session server-side.
    public func logout(sessionHash: String) async throws {
        try await sessionStore.deleteSession(idHash: sessionHash)
    }
}

extension Optional {
    func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let self else { return nil }
        return try await transform(self)
    }
}

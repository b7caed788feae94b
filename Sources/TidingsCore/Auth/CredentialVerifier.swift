import Foundation

/// Turns what a client presented into a `Principal`, or an `AuthFailure` that says why not.
///
/// The token path reads only the cached `AuthSnapshot` and computes one HMAC: it never touches the
/// database and never computes a password hash. Only a secret that is not shaped like a token
/// (someone sent a password where the token belongs) takes the slow path, which checks the
/// password so that the answer can explain the mistake.
public final class CredentialVerifier: Sendable {
    private let directory: AuthDirectory
    private let format: TokenFormat
    private let hasher: SecretHasher
    private let users: any UserStore
    private let passwords: any PasswordHasher
    private let clock: WallClock
    private let policy: TokenPolicy
    private let usage: TokenUsageRecorder
    private let throttle: FailureThrottle?

    public init(
        directory: AuthDirectory, format: TokenFormat, hasher: SecretHasher, users: any UserStore,
        passwords: any PasswordHasher, clock: WallClock, policy: TokenPolicy, usage: TokenUsageRecorder,
        throttle: FailureThrottle? = nil
    ) {
        self.throttle = throttle
        self.policy = policy
        self.usage = usage
        self.directory = directory
        self.format = format
        self.hasher = hasher
        self.users = users
        self.passwords = passwords
        self.clock = clock
    }

    /// The principal for `credential` presented from `address`, or the `AuthFailure` that says
    /// why not. Failures are typed so that refusing a flood of bad tokens never boxes an error.
    public func verify(
        _ credential: PresentedCredential, from address: IPAddress? = nil, userAgent: () -> String? = { nil }
    ) async throws(AuthFailure) -> Verified {
        let secret = credential.secret
        guard format.looksLikeToken(secret) else {
            throw await passwordMistake(credential, from: address)
        }
        let keyID = try format.parse(secret)
        let snapshot: AuthSnapshot
        if let cached = directory.cachedSnapshot() {
            snapshot = cached
        } else {
            snapshot = try await directory.loadedSnapshot()
        }
        var found = snapshot.tokensByKeyID[keyID]
        if found == nil, let fresher = try await directory.loadedSnapshotAfterMiss() {
            found = fresher.tokensByKeyID[keyID]  // created by another process a moment ago?
        }
        guard let entry = found else { throw .invalidCredentials }
        return try check(credential, against: entry, from: address, userAgent: userAgent)
    }

    /// `verify` for the warm path, without any suspension: the answer from the cached snapshot,
    /// or `nil` when it takes waiting (no snapshot cached yet, a key id the snapshot does not know
    /// while a reload for it is due, a secret not shaped like a token); callers then ask `verify`.
    public func verifyImmediately(
        _ credential: PresentedCredential, from address: IPAddress? = nil, userAgent: () -> String? = { nil }
    ) throws(AuthFailure) -> Verified? {
        let secret = credential.secret
        guard format.looksLikeToken(secret) else { return nil }
        let keyID = try format.parse(secret)
        guard let snapshot = directory.cachedSnapshot() else { return nil }
        guard let entry = snapshot.tokensByKeyID[keyID] else {
            if directory.reloadsAfterMiss() { return nil }
            throw .invalidCredentials
        }
        return try check(credential, against: entry, from: address, userAgent: userAgent)
    }

    /// Whether the token `entry` accepts `credential` from `address` now; records the use.
    private func check(
        _ credential: PresentedCredential, against entry: AuthSnapshot.TokenEntry, from address: IPAddress?,
        userAgent: () -> String?
    ) throws(AuthFailure) -> Verified {
        guard credential.username == nil || credential.username == entry.user.username else {
            throw .invalidCredentials
        }
        let digest = hasher.digest(credential.secret)
        let previous: Bool
        if digest.constantTimeEquals(entry.digest) {
            previous = false
        } else if let old = entry.previousDigest, digest.constantTimeEquals(old) {
            previous = true
        } else {
            throw .invalidCredentials
        }
        let token = entry.token
        if let revokedAt = token.revokedAt { throw .tokenRevoked(name: token.name, at: revokedAt) }
        let now = clock.now()
        if previous {
            let graceUntil = token.graceUntil ?? .distantPast
            guard now < graceUntil else { throw .tokenSuperseded(name: token.name, at: graceUntil) }
        }
        if let expiresAt = token.expiresAt, expiresAt <= now { throw .tokenExpired(name: token.name, at: expiresAt) }
        guard entry.user.status == .enabled else { throw .userDisabled }
        if !entry.allowedNetworks.isEmpty {
            guard let address, entry.allowedNetworks.contains(where: { $0.contains(address) }) else {
                throw .ipNotAllowed(address: address?.description ?? "an unknown address")
            }
        }
        let idleLifetime = policy.idleLifetime
        if case .idle(let lastUse) = usage.record(
            entry, at: now, from: address, idleLifetime: idleLifetime, userAgent: userAgent)
        {
            throw .tokenIdle(name: token.name, lastUse: lastUse, at: lastUse.addingTimeInterval(idleLifetime))
        }
        return Verified(entry: entry, usedPreviousSecret: previous, at: now)
    }

    /// A secret that is not a token: if it is the named login user's correct password, say so
    /// (`login_user_not_api`); otherwise the usual `invalid_credentials`.
    /// It costs a password hash, so it is throttled like a login attempt: once the address (or
    /// the username at it) is throttled, no hash is computed at all.
    private func passwordMistake(_ credential: PresentedCredential, from address: IPAddress?) async -> AuthFailure {
        if let wait = throttle?.retryAfter(.login, address: address, username: credential.username, at: clock.now()) {
            return .tooManyFailures(retryAfter: wait)
        }
        guard let username = credential.username,
            let user = try? await directory.snapshot().usersByName[username], user.type == .user,
            user.status == .enabled, let hash = try? await users.passwordHash(userID: user.id)
        else {
            await passwords.verifyDecoy(credential.secret)
            return .invalidCredentials
        }
        let matches = (try? await passwords.verify(credential.secret, hash: hash)) ?? false
        return matches ? .loginUserNotAPI : .invalidCredentials
    }
}

/// A token that verified, and how.
public struct Verified: Sendable {
    public let entry: AuthSnapshot.TokenEntry
    /// The presented secret was the token's previous one, inside its rotation's grace period.
    public let usedPreviousSecret: Bool
    /// When it was verified: the request's "now" for anything that follows (expiry warnings).
    public let at: Date

    public var principal: Principal { entry.principal }
}

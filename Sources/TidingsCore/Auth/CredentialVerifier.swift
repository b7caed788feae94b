import Foundation

/// Turns what a client presented into a `Principal`, or an `AuthFailure` that says why not.
///
/// The token path reads only the cached `AuthSnapshot` and computes one HMAC: it never touches the
/// database and never computes a password hash. Only a secret that is not shaped like a token,
/// sent with the name of an enabled login user without TOTP (someone sent a password where the
/// token belongs), takes the slow path, which checks the password so that the answer can explain
/// the mistake. Any other secret that is not a token is refused without a password check.
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
        if let entry = snapshot.tokensByKeyID[keyID] {
            return try check(credential, against: entry, in: snapshot, from: address, userAgent: userAgent)
        }
        // Created by another process a moment ago?
        guard let fresher = try await directory.loadedSnapshotAfterMiss(), let entry = fresher.tokensByKeyID[keyID]
        else { throw .invalidCredentials }
        return try check(credential, against: entry, in: fresher, from: address, userAgent: userAgent)
    }

    /// `verify` for the warm path, without any suspension: the answer from the cached snapshot,
    /// or `nil` when it takes waiting (no snapshot cached yet, a key id the snapshot does not know
    /// while a reload for it is due, a secret not shaped like a token sent with a username: see
    /// `mayBePassword`); callers then ask `verify`.
    public func verifyImmediately(
        _ credential: PresentedCredential, from address: IPAddress? = nil, userAgent: () -> String? = { nil }
    ) throws(AuthFailure) -> Verified? {
        let secret = credential.secret
        guard format.looksLikeToken(secret) else {
            if mayBePassword(credential) { return nil }
            throw .invalidCredentials
        }
        let keyID = try format.parse(secret)
        guard let snapshot = directory.cachedSnapshot() else { return nil }
        guard let entry = snapshot.tokensByKeyID[keyID] else {
            if directory.reloadsAfterMiss() { return nil }
            throw .invalidCredentials
        }
        return try check(credential, against: entry, in: snapshot, from: address, userAgent: userAgent)
    }

    /// `verifyImmediately` for a credential known to be the one `earlier` verified (the same
    /// `Authorization` header again, see `ConnectionCredentials`): no parse and no keyed hash,
    /// since both depend only on the credential and the snapshot, but every check that depends on
    /// time, state or the request runs again: revocation, the rotation's grace, expiry, the user's
    /// state, the allowed networks for `address`, idle expiry. Records the use. `nil` when the
    /// snapshot `earlier` came from is no longer the current one (after any change to users, roles
    /// or tokens, and after each periodic reload): verify in full then.
    public func verifyAgain(
        _ earlier: Verified, from address: IPAddress? = nil, userAgent: () -> String? = { nil }
    ) throws(AuthFailure) -> Verified? {
        guard directory.isCurrent(serial: earlier.snapshotSerial) else { return nil }
        return try admit(
            earlier.entry, usedPreviousSecret: earlier.usedPreviousSecret, snapshotSerial: earlier.snapshotSerial,
            from: address, userAgent: userAgent)
    }

    /// Whether the token `entry` accepts `credential` from `address` now; records the use.
    private func check(
        _ credential: PresentedCredential, against entry: AuthSnapshot.TokenEntry, in snapshot: AuthSnapshot,
        from address: IPAddress?, userAgent: () -> String?
    ) throws(AuthFailure) -> Verified {
        try admit(
            entry, usedPreviousSecret: matchesPreviousSecret(credential, entry), snapshotSerial: snapshot.serial,
            from: address, userAgent: userAgent)
    }

    /// Whether `credential` names `entry`'s user and holds its current secret (`false`) or, after
    /// a rotation, its previous one (`true`); `invalidCredentials` if neither.
    private func matchesPreviousSecret(
        _ credential: PresentedCredential, _ entry: AuthSnapshot.TokenEntry
    ) throws(AuthFailure) -> Bool {
        guard credential.username == nil || credential.username == entry.user.username else {
            throw .invalidCredentials
        }
        let digest = hasher.digest(credential.secret)
        if digest.constantTimeEquals(entry.digest) { return false }
        if let old = entry.previousDigest, digest.constantTimeEquals(old) { return true }
        throw .invalidCredentials
    }

    /// Whether `entry`'s token, presented with its current or previous secret, is usable from
    /// `address` now; records the use.
    private func admit(
        _ entry: AuthSnapshot.TokenEntry, usedPreviousSecret previous: Bool, snapshotSerial: UInt64,
        from address: IPAddress?, userAgent: () -> String?
    ) throws(AuthFailure) -> Verified {
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
        // Last, so that a refusal above records no use (and an idle token is not refreshed).
        let idleLifetime = policy.idleLifetime
        if case .idle(let lastUse) = usage.record(
            entry, at: now, from: address, idleLifetime: idleLifetime, userAgent: userAgent)
        {
            throw .tokenIdle(name: token.name, lastUse: lastUse, at: lastUse.addingTimeInterval(idleLifetime))
        }
        return Verified(entry: entry, usedPreviousSecret: previous, at: now, snapshotSerial: snapshotSerial)
    }

    /// Whether checking `credential` may take a password check: its secret is not shaped like a
    /// token and it names a user (a `Bearer` value names nobody, so it is nobody's password).
    /// Such a failure is counted like a failed login.
    public func mayBePassword(_ credential: PresentedCredential) -> Bool {
        credential.username != nil && !format.looksLikeToken(credential.secret)
    }

    /// A secret that is not a token: if it is the named login user's correct password, say so
    /// (`login_user_not_api`); otherwise the usual `invalid_credentials`. Only an enabled login
    /// user without TOTP gets its password checked (for a TOTP user, the API must not confirm a
    /// password that is only half of a login); for any other name the decoy takes as long and
    /// computes nothing, and a `Bearer` value is refused at once.
    /// It costs a password hash, so it is throttled like a login attempt: once the address (or
    /// the username at it) is throttled, no hash is computed at all. When every password check is
    /// taken, the answer is `passwordCheckBusy` whoever the user.
    private func passwordMistake(_ credential: PresentedCredential, from address: IPAddress?) async -> AuthFailure {
        guard let username = credential.username else { return .invalidCredentials }
        if let wait = throttle?.retryAfter(.login, address: address, username: username, at: clock.now()) {
            return .tooManyFailures(retryAfter: wait)
        }
        let secret = credential.secret
        do {
            guard let user = try? await directory.snapshot().usersByName[username], user.type == .user,
                user.status == .enabled, user.passwordLogin, user.twoFactor == .none,
                !passwords.isBusy,  // when busy, the decoy below says so without reading the hash
                let hash = try? await users.passwordHash(userID: user.id)
            else {
                try await passwords.verifyDecoy(secret)
                return .invalidCredentials
            }
            return try await passwords.verify(secret, hash: hash) ? .loginUserNotAPI : .invalidCredentials
        } catch let error as TidingsError {
            guard case .busy(let seconds) = error.kind else { return .invalidCredentials }
            return .passwordCheckBusy(retryAfter: seconds)
        } catch {
            return .invalidCredentials
        }
    }
}

/// A token that verified, and how.
public struct Verified: Sendable {
    public let entry: AuthSnapshot.TokenEntry
    /// The presented secret was the token's previous one, inside its rotation's grace period.
    public let usedPreviousSecret: Bool
    /// When it was verified: the request's "now" for anything that follows (expiry warnings).
    public let at: Date
    /// The `AuthSnapshot.serial` of the snapshot it was verified against.
    public let snapshotSerial: UInt64

    public var principal: Principal { entry.principal }
}

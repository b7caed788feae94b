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

    public init(
        directory: AuthDirectory, format: TokenFormat, hasher: SecretHasher, users: any UserStore,
        passwords: any PasswordHasher, clock: WallClock
    ) {
        self.directory = directory
        self.format = format
        self.hasher = hasher
        self.users = users
        self.passwords = passwords
        self.clock = clock
    }

    /// The principal for `credential`, or the `AuthFailure` that says why not. Failures are typed
    /// so that refusing a flood of bad tokens never boxes an error.
    public func verify(_ credential: PresentedCredential) async throws(AuthFailure) -> Principal {
        let secret = credential.secret
        guard format.looksLikeToken(secret) else {
            throw await passwordMistake(credential)
        }
        let keyID = try format.parse(secret)
        let snapshot: AuthSnapshot
        if let cached = directory.cachedSnapshot() {
            snapshot = cached  // the warm path: no suspension
        } else {
            snapshot = try await directory.loadedSnapshot()
        }
        var found = snapshot.tokensByKeyID[keyID]
        if found == nil, let fresher = try await directory.loadedSnapshotAfterMiss() {
            found = fresher.tokensByKeyID[keyID]  // created by another process a moment ago?
        }
        guard let entry = found, hasher.matches(secret, digest: entry.digest),
            credential.username == nil || credential.username == entry.user.username
        else {
            throw AuthFailure.invalidCredentials
        }
        let token = entry.token
        if let revokedAt = token.revokedAt { throw AuthFailure.tokenRevoked(name: token.name, at: revokedAt) }
        if let expiresAt = token.expiresAt, expiresAt <= clock.now() {
            throw AuthFailure.tokenExpired(name: token.name, at: expiresAt)
        }
        guard entry.user.status == .enabled else { throw AuthFailure.userDisabled }
        return entry.principal
    }

    /// A secret that is not a token: if it is the named login user's correct password, say so
    /// (`login_user_not_api`); otherwise the usual `invalid_credentials`.
    private func passwordMistake(_ credential: PresentedCredential) async -> AuthFailure {
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

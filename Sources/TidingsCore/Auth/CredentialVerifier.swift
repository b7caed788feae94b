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

    /// The principal for `credential`. Throws `AuthFailure`.
    public func verify(_ credential: PresentedCredential) async throws -> Principal {
        let secret = credential.secret
        guard format.looksLikeToken(secret) else {
            throw await passwordMistake(credential)
        }
        let keyID: String
        switch format.parse(secret) {
        case .success(let parsed): keyID = parsed
        case .failure(let failure): throw failure
        }
        var snapshot: AuthSnapshot
        if let cached = directory.cachedSnapshot() {
            snapshot = cached  // the warm path: no suspension
        } else {
            snapshot = try await directory.snapshot()
        }
        if snapshot.tokensByKeyID[keyID] == nil, let fresher = try await directory.snapshotAfterMiss() {
            snapshot = fresher  // created by another process a moment ago?
        }
        guard let token = snapshot.tokensByKeyID[keyID], hasher.matches(secret, storedHash: token.secretHash),
            let user = snapshot.usersByID[token.userID],
            credential.username == nil || credential.username == user.username
        else {
            throw AuthFailure.invalidCredentials
        }
        let now = clock.now()
        if let revokedAt = token.revokedAt { throw AuthFailure.tokenRevoked(name: token.name, at: revokedAt) }
        if let expiresAt = token.expiresAt, expiresAt <= now {
            throw AuthFailure.tokenExpired(name: token.name, at: expiresAt)
        }
        guard user.status == .enabled else { throw AuthFailure.userDisabled }
        guard let principal = snapshot.principalsByKeyID[keyID] else {
            throw AuthFailure.invalidCredentials
        }
        return principal
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

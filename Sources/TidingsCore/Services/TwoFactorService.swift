import Foundation

/// TOTP two-factor authentication for login users, with listmonk's routes:
/// enrol (a fresh secret, then a code that proves the app has it), verify at login (each code
/// once), and disable (by the user with its password, or by an administrator for someone who
/// lost their device).
public struct TwoFactorService: Sendable {
    /// A secret offered for enrolment: nothing is stored until a code confirms it.
    public struct Offer: Sendable {
        public let secret: String
        public let provisioningURL: String
    }

    private let userStore: any UserStore
    private let roleStore: any RoleStore
    private let twoFactorStore: any TwoFactorStore
    private let directory: AuthDirectory
    private let passwords: any PasswordHasher
    private let box: SecretBox
    private let issuer: String
    private let clock: WallClock

    public init(
        userStore: any UserStore, roleStore: any RoleStore, twoFactorStore: any TwoFactorStore,
        directory: AuthDirectory, passwords: any PasswordHasher, box: SecretBox, issuer: String,
        clock: WallClock
    ) {
        self.userStore = userStore
        self.roleStore = roleStore
        self.twoFactorStore = twoFactorStore
        self.directory = directory
        self.passwords = passwords
        self.box = box
        self.issuer = issuer
        self.clock = clock
    }

    static let notAvailable = TidingsError.badRequest("That feature is not available.", code: "twofa_unavailable")
    static let alreadyEnabled = TidingsError.badRequest(
        "Two-factor authentication is already enabled.", code: "twofa_enabled")
    static let notEnabled = TidingsError.badRequest(
        "Two-factor authentication is not enabled.", code: "twofa_not_enabled")
    public static let invalidCode = TidingsError.badRequest("Invalid TOTP code.", code: "twofa_invalid_code")

    /// A new secret for `user` to put in an authenticator app.
    public func offer(for user: User) throws -> Offer {
        try checkEligible(user)
        guard user.twoFactor == .none else { throw Self.alreadyEnabled }
        let secret = TOTP.generateSecret()
        return Offer(
            secret: Base32.encode(secret),
            provisioningURL: TOTP.provisioningURL(secret: secret, account: user.email ?? user.username, issuer: issuer))
    }

    /// Enrols `user` with `secret` (base32, as offered) once `code` proves the app computes it.
    public func enable(for user: User, secret: String, code: String) async throws {
        try checkEligible(user)
        guard user.twoFactor == .none else { throw Self.alreadyEnabled }
        guard let key = Base32.decode(secret), (16...64).contains(key.count) else {
            throw TidingsError.invalidField("secret")
        }
        let now = clock.now()
        guard let step = TOTP.matchingStep(code, secret: key, at: now) else { throw Self.invalidCode }
        try await twoFactorStore.setTwoFactor(userID: user.id, sealedKey: try box.seal(key), at: now)
        _ = try await twoFactorStore.claimTwoFactorStep(userID: user.id, step: step)
        await directory.invalidate()
    }

    /// Whether `code` is the user's current code, not used before; a match uses it up.
    public func verify(_ user: User, code: String) async throws -> Bool {
        guard let sealed = try await twoFactorStore.sealedTwoFactorKey(userID: user.id), let key = box.open(sealed),
            let step = TOTP.matchingStep(code, secret: key, at: clock.now())
        else { return false }
        return try await twoFactorStore.claimTwoFactorStep(userID: user.id, step: step)
    }

    /// Turns 2FA off: the user itself must give its password; an administrator (`users:manage`,
    /// and within `Authority`'s rule) may do it for someone else without one. Who may is checked
    /// before whether 2FA is on, so that only those allowed learn it.
    public func disable(for user: User, by actor: Principal, password: String?) async throws {
        // Someone else's rights first, so that a refusal tells nothing about the user's 2FA.
        if actor.user.id != user.id {
            guard actor.has(.usersManage) else { throw TidingsError.permissionDenied(Permission.usersManage.rawValue) }
            try await Authority(roleStore: roleStore).requireMayManage(
                user, by: actor, to: "turn off two-factor authentication for")
        }
        guard user.twoFactor == .totp else { throw Self.notEnabled }
        if actor.user.id == user.id {
            guard let password, !password.isEmpty else { throw TidingsError.invalidField("password") }
            guard let hash = try await userStore.passwordHash(userID: user.id),
                try await passwords.verify(password, hash: hash)
            else { throw TidingsError(.forbidden, code: "invalid_password", message: "Invalid password") }
        }
        try await twoFactorStore.setTwoFactor(userID: user.id, sealedKey: nil, at: clock.now())
        await directory.invalidate()
    }

    private func checkEligible(_ user: User) throws {
        guard user.type == .user, user.passwordLogin else { throw Self.notAvailable }
    }
}

extension Migration {
    /// The last TOTP time step each user has used, so that a code works only once.
    static let twoFactorSteps = Migration(
        version: 3, name: "two-factor steps",
        statements: ["ALTER TABLE users ADD COLUMN twofa_last_step BIGINT"])
}

/// Slow, salted password hashing. Implementations must not block the caller's event loop.
public protocol PasswordHasher: Sendable {
    /// A new hash of `password` (the hash embeds its salt and cost).
    func hash(_ password: String) async throws -> String
    /// Whether `password` matches `hash`; `false` for a malformed hash.
    func verify(_ password: String, hash: String) async throws -> Bool
    /// Takes as long as `verify` against a real hash, and fails; used when there is no user, so
    /// that timing does not tell whether a username exists.
    func verifyDecoy(_ password: String) async
}

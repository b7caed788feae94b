/// Slow, salted password hashing. Implementations must not block the caller's event loop, and
/// must bound the work they take on: past that bound, `hash`, `verify` and `verifyDecoy` throw
/// `TidingsError.passwordCheckBusy` at once rather than queue without end.
public protocol PasswordHasher: Sendable {
    /// A new hash of `password` (the hash embeds its salt and cost).
    func hash(_ password: String) async throws -> String
    /// Whether `password` matches `hash`; `false` for a malformed hash.
    func verify(_ password: String, hash: String) async throws -> Bool
    /// Takes about as long as `verify` against a real hash, and fails; used when there is no user
    /// whose password could be checked, so that timing does not tell whether a username exists.
    /// It need not compute anything: only its duration, and its refusal when busy, must match.
    func verifyDecoy(_ password: String) async throws
    /// Whether a check asked for now would be refused as busy: lets a caller skip the work that
    /// would precede it (reading the hash) under a flood.
    var isBusy: Bool { get }
}

extension TidingsError {
    /// The code of `passwordCheckBusy`.
    public static let passwordCheckBusyCode = "password_check_busy"

    /// Every password check the server can run at once is taken: try again in `seconds`.
    public static func passwordCheckBusy(retryAfter seconds: Int) -> TidingsError {
        TidingsError(
            .busy(retryAfterSeconds: seconds), code: passwordCheckBusyCode,
            message: "too many password checks are under way: try again in \(seconds) seconds",
            details: ["retry_after": "\(seconds)"])
    }
}

extension PasswordHasher {
    /// A hasher without a bound (a test double) is never busy.
    public var isBusy: Bool { false }
}

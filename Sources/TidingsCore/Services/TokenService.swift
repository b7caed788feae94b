import Foundation

/// Issues API tokens. The secret exists in clear only in the value returned to the caller.
public struct TokenService: Sendable {
    private let stores: Stores
    private let directory: AuthDirectory
    private let format: TokenFormat
    private let hasher: SecretHasher
    private let policy: TokenPolicy
    private let clock: WallClock

    public init(
        stores: Stores, directory: AuthDirectory, format: TokenFormat, hasher: SecretHasher, policy: TokenPolicy,
        clock: WallClock
    ) {
        self.stores = stores
        self.directory = directory
        self.format = format
        self.hasher = hasher
        self.policy = policy
        self.clock = clock
    }

    /// Creates a token for an API user and returns it with its secret.
    public func issue(for user: User, name: String, createdBy: UserID?) async throws -> (APIToken, String) {
        guard user.type == .api else {
            throw TidingsError.badRequest("only API users hold tokens", code: "not_api_user")
        }
        let now = clock.now()
        for _ in 0..<3 {
            let issued = format.generate()
            let token = APIToken(
                keyID: issued.keyID, userID: user.id, name: name, prefix: format.prefix, lastFour: issued.lastFour,
                secretHash: hasher.hash(issued.token), createdAt: now, createdBy: createdBy,
                expiresAt: now.addingTimeInterval(policy.defaultLifetime))
            do {
                try await stores.tokens.createToken(token)
                directory.invalidate()
                return (token, issued.token)
            } catch let error as TidingsError where error.kind == .conflict {
                continue  // a key id collision: astronomically rare, draw again
            }
        }
        throw TidingsError(.unavailable, code: "token_generation_failed", message: "could not generate a unique token")
    }

    /// A user's tokens, newest first (never with secrets).
    public func tokens(of user: UserID) async throws -> [APIToken] {
        try await stores.tokens.tokens(userID: user)
    }
}

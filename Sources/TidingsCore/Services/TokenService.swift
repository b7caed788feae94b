import Foundation

/// The lifecycle of API tokens: issue, list, rotate with overlap, revoke, and the leaked-token
/// report. A secret exists in clear only in the value returned to the caller of `create` or
/// `rotate`.
public struct TokenService: Sendable {
    /// What a caller asks for when creating a token.
    public struct Request: Sendable {
        public enum Expiry: Sendable, Equatable {
            /// The policy's default lifetime.
            case standard
            /// Never, where the policy allows it.
            case never
            case at(Date)
        }

        public var name: String
        public var expiry: Expiry
        /// Permission names that narrow the user's role; `nil` inherits it.
        public var scopes: [String]?
        /// List ids that narrow the user's list access; `nil` inherits it.
        public var lists: [Int]?
        /// Networks the token may be used from; empty means anywhere.
        public var allowedCIDRs: [String]

        public init(
            name: String, expiry: Expiry = .standard, scopes: [String]? = nil, lists: [Int]? = nil,
            allowedCIDRs: [String] = []
        ) {
            self.name = name
            self.expiry = expiry
            self.scopes = scopes
            self.lists = lists
            self.allowedCIDRs = allowedCIDRs
        }
    }

    /// A token together with its secret, shown this once.
    public struct Issued: Sendable {
        public let token: APIToken
        public let secret: String
    }

    /// The most CIDRs one token may carry.
    public static let maximumCIDRs = 64
    /// The longest token name, in bytes.
    public static let maximumNameBytes = 200

    private let userStore: any UserStore
    private let roleStore: any RoleStore
    private let listStore: any ListStore
    private let tokenStore: any TokenStore
    private let directory: AuthDirectory
    private let format: TokenFormat
    private let hasher: SecretHasher
    public let policy: TokenPolicy
    private let clock: WallClock

    public init(
        userStore: any UserStore, roleStore: any RoleStore, listStore: any ListStore, tokenStore: any TokenStore,
        directory: AuthDirectory, format: TokenFormat, hasher: SecretHasher, policy: TokenPolicy,
        clock: WallClock
    ) {
        self.userStore = userStore
        self.roleStore = roleStore
        self.listStore = listStore
        self.tokenStore = tokenStore
        self.directory = directory
        self.format = format
        self.hasher = hasher
        self.policy = policy
        self.clock = clock
    }

    /// Creates a token for the API user `userID`. The token may not reach further than `actor`.
    public func create(for userID: UserID, _ request: Request, by actor: Principal?) async throws -> Issued {
        guard let user = try await userStore.user(id: userID) else { throw TidingsError.notFound("User") }
        guard user.type == .api else {
            throw TidingsError.badRequest(
                "only API users hold tokens; a login user signs in with its password", code: "not_api_user")
        }
        let now = clock.now()
        let name = try validName(request.name)
        if try await tokenStore.tokens(userID: userID).contains(where: { $0.name == name && $0.revokedAt == nil }) {
            throw TidingsError.conflict("this user already has a token named \"\(name)\"", field: "name")
        }
        let expiresAt = try expiry(request.expiry, now: now)
        let scopes = try validScopes(request.scopes)
        let lists = try await validLists(request.lists)
        let cidrs = try validCIDRs(request.allowedCIDRs)
        try await authority.requireMayManage(
            user, by: actor, to: "create a token for", scopes: scopes, lists: lists)
        for _ in 0..<3 {
            let issued = format.generate()
            let token = APIToken(
                keyID: issued.keyID, userID: user.id, name: name, prefix: format.prefix, lastFour: issued.lastFour,
                secretHash: hasher.hash(issued.token), scopes: scopes, lists: lists, allowedCIDRs: cidrs,
                createdAt: now, createdBy: actor?.user.id, expiresAt: expiresAt)
            do {
                try await tokenStore.createToken(token)
                await directory.invalidate()
                return Issued(token: token, secret: issued.token)
            } catch StoreFailure.taken {
                continue  // a key id collision: astronomically rare, draw again
            }
        }
        throw TidingsError(.unavailable, code: "token_generation_failed", message: "could not generate a unique token")
    }

    /// A user's tokens, newest first (never with secrets).
    public func tokens(of userID: UserID, by actor: Principal?) async throws -> [APIToken] {
        try await requireMayAct(on: userID, by: actor, to: "see the tokens of")
        return try await tokenStore.tokens(userID: userID)
    }

    /// The authority rule for acting on `userID`'s tokens as a whole. A user may always see and
    /// revoke its own tokens: that gives it nothing it does not have.
    @discardableResult
    private func requireMayAct(on userID: UserID, by actor: Principal?, to action: String) async throws -> User {
        guard let user = try await userStore.user(id: userID) else { throw TidingsError.notFound("User") }
        if actor?.user.id != userID { try await authority.requireMayManage(user, by: actor, to: action) }
        return user
    }

    private var authority: Authority { Authority(roleStore: roleStore) }

    /// One token of a user.
    public func token(_ keyID: String, of userID: UserID) async throws -> APIToken {
        guard let token = try await tokenStore.token(keyID: keyID), token.userID == userID else {
            throw TidingsError.notFound("Token")
        }
        return token
    }

    /// Issues a new secret for the same token; the old one keeps working for `graceSeconds`
    /// (default 24 h, at most 7 days), then is refused as superseded. The expiry starts afresh
    /// with the policy's default lifetime (a token without expiry keeps none).
    public func rotate(
        _ keyID: String, of userID: UserID, graceSeconds: Int?, by actor: Principal?
    ) async throws
        -> Issued
    {
        let token = try await token(keyID, of: userID)
        if let user = try await userStore.user(id: userID) {
            try await authority.requireMayManage(
                user, by: actor, to: "rotate the tokens of", scopes: token.scopes, lists: token.lists)
        }
        let grace = TimeInterval(graceSeconds ?? Int(policy.defaultGrace))
        guard grace >= 0, grace <= policy.maximumGrace else {
            throw TidingsError.invalidField(
                "grace_seconds", "Invalid fields: grace_seconds (0 to \(Int(policy.maximumGrace)) seconds)")
        }
        guard token.revokedAt == nil else {
            throw TidingsError.badRequest("a revoked token cannot be rotated; create a new one", code: "token_revoked")
        }
        let now = clock.now()
        guard token.state(at: now, idleLifetime: policy.idleLifetime) == .active else {
            throw TidingsError.badRequest("an expired token cannot be rotated; create a new one", code: "token_expired")
        }
        let issued = format.generate(keyID: keyID)
        let rotation = TokenRotation(
            secretHash: hasher.hash(issued.token), lastFour: issued.lastFour, graceUntil: now.addingTimeInterval(grace),
            expiresAt: token.expiresAt == nil
                ? nil : now.addingTimeInterval(min(policy.defaultLifetime, policy.maximumLifetime)))
        let rotated = try await storeCall(.token) { try await tokenStore.rotateToken(keyID: keyID, to: rotation) }
        await directory.invalidate()
        return Issued(token: rotated, secret: issued.token)
    }

    /// Revokes one token of a user.
    public func revoke(
        _ keyID: String, of userID: UserID, by actor: Principal?, reason: String = "revoked"
    )
        async throws -> APIToken
    {
        try await requireMayAct(on: userID, by: actor, to: "revoke the tokens of")
        let token = try await token(keyID, of: userID)
        guard token.revokedAt == nil else { return token }
        let revoked = try await tokenStore.revokeToken(
            keyID: keyID, at: clock.now(), by: actor?.user.id, reason: reason)
        await directory.invalidate()
        return revoked ?? token
    }

    /// Revokes every token of a user; returns how many were still unrevoked.
    @discardableResult
    public func revokeAll(of userID: UserID, by actor: Principal?, reason: String = "revoked") async throws -> Int {
        try await requireMayAct(on: userID, by: actor, to: "revoke the tokens of")
        let count = try await tokenStore.revokeTokens(
            userID: userID, at: clock.now(), by: actor?.user.id, reason: reason)
        await directory.invalidate()
        return count
    }

    /// The leaked-token report: revokes the token if `secret` is its current secret, or its previous
    /// one still within grace. Returns the token it revoked; callers answer the same either way.
    @discardableResult
    public func reportLeak(_ secret: String) async throws -> APIToken? {
        guard let keyID = try? format.parse(secret) else { return nil }
        let snapshot = try await directory.snapshot()
        guard let entry = snapshot.tokensByKeyID[keyID], entry.token.revokedAt == nil else { return nil }
        let digest = hasher.digest(secret)
        let current = digest.constantTimeEquals(entry.digest)
        let previousInGrace =
            entry.previousDigest.map { digest.constantTimeEquals($0) } == true
            && (entry.token.graceUntil.map { $0 > clock.now() } ?? false)
        guard current || previousInGrace else { return nil }
        let revoked = try await tokenStore.revokeToken(
            keyID: keyID, at: clock.now(), by: nil, reason: "reported leaked")
        await directory.invalidate()
        return revoked
    }

    // MARK: - Validation

    private func validName(_ raw: String) throws -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.utf8.count <= Self.maximumNameBytes,
            !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw TidingsError.invalidField(
                "name", "Invalid fields: name (1 to \(Self.maximumNameBytes) bytes, no control characters)")
        }
        return name
    }

    private func expiry(_ expiry: Request.Expiry, now: Date) throws -> Date? {
        switch expiry {
        case .standard:
            return now.addingTimeInterval(min(policy.defaultLifetime, policy.maximumLifetime))
        case .never:
            guard policy.allowsNoExpiry else {
                throw TidingsError.badRequest(
                    "tokens must expire here: give an expires_at within \(Self.days(policy.maximumLifetime)) days",
                    code: "expiry_required")
            }
            return nil
        case .at(let date):
            guard date > now else {
                throw TidingsError.invalidField("expires_at", "Invalid fields: expires_at (must be in the future)")
            }
            guard date.timeIntervalSince(now) <= policy.maximumLifetime else {
                throw TidingsError(
                    .badRequest, code: "expiry_too_long",
                    message:
                        "expires_at is beyond the maximum token lifetime of \(Self.days(policy.maximumLifetime)) days",
                    details: ["field": "expires_at", "maximum_days": "\(Self.days(policy.maximumLifetime))"])
            }
            return date
        }
    }

    private static func days(_ interval: TimeInterval) -> Int { Int((interval / 86_400).rounded()) }

    private func validScopes(_ names: [String]?) throws -> [Permission]? {
        guard let names else { return nil }
        var scopes: [Permission] = []
        for name in names {
            guard let permission = Permission(rawValue: name) else {
                throw TidingsError.invalidField("scopes", "Invalid fields: scopes (unknown permission \"\(name)\")")
            }
            if !scopes.contains(permission) { scopes.append(permission) }
        }
        return scopes
    }

    private func validLists(_ ids: [Int]?) async throws -> [ListID]? {
        guard let ids else { return nil }
        var lists: [ListID] = []
        for id in ids where !lists.contains(ListID(id)) {
            guard id > 0, try await listStore.list(id: ListID(id)) != nil else {
                throw TidingsError.invalidField("lists", "Invalid fields: lists (no list with id \(id))")
            }
            lists.append(ListID(id))
        }
        return lists
    }

    private func validCIDRs(_ texts: [String]) throws -> [String] {
        guard texts.count <= Self.maximumCIDRs else {
            throw TidingsError.invalidField(
                "allowed_cidrs", "Invalid fields: allowed_cidrs (at most \(Self.maximumCIDRs) entries)")
        }
        return try texts.map { text in
            guard text.utf8.count <= 64, let block = CIDRBlock(text.trimmingCharacters(in: .whitespaces)) else {
                throw TidingsError.invalidField(
                    "allowed_cidrs",
                    "Invalid fields: allowed_cidrs (\"\(text.prefix(64))\" is not an IP address or CIDR)")
            }
            return block.description
        }
    }
}

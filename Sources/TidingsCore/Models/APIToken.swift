import Foundation

/// One named token of an API user. Holds the keyed hash of the secret, never the secret.
public struct APIToken: Sendable, Equatable {
    public enum State: String, Sendable, Codable {
        case active, expired, revoked, superseded
    }

    /// The public key id (part of the token itself); the token's id on the wire.
    public var keyID: String
    public var userID: UserID
    public var name: String
    public var prefix: String
    public var lastFour: String
    public var secretHash: String
    /// The secret before the last rotation: accepted until `graceUntil`, recognised (and refused
    /// as superseded) after it, until the next rotation replaces it.
    public var previousSecretHash: String?
    public var graceUntil: Date?
    /// `nil`: the token inherits its user's permissions; otherwise it narrows them.
    public var scopes: [Permission]?
    /// `nil`: the user's list access; otherwise narrowed to these lists.
    public var lists: [ListID]?
    public var allowedCIDRs: [String]
    public var createdAt: Date
    public var createdBy: UserID?
    public var expiresAt: Date?
    public var lastUsedAt: Date?
    public var lastUsedIP: String?
    public var lastUsedUserAgent: String?
    /// The last few distinct client addresses, most recent first.
    public var recentIPs: [String]
    public var revokedAt: Date?
    public var revokedBy: UserID?
    public var revokedReason: String?

    public init(
        keyID: String, userID: UserID, name: String, prefix: String, lastFour: String, secretHash: String,
        scopes: [Permission]? = nil, lists: [ListID]? = nil, allowedCIDRs: [String] = [], createdAt: Date,
        createdBy: UserID?, expiresAt: Date?, previousSecretHash: String? = nil, graceUntil: Date? = nil,
        lastUsedAt: Date? = nil, lastUsedIP: String? = nil, lastUsedUserAgent: String? = nil, recentIPs: [String] = [],
        revokedAt: Date? = nil, revokedBy: UserID? = nil, revokedReason: String? = nil
    ) {
        self.keyID = keyID
        self.userID = userID
        self.name = name
        self.prefix = prefix
        self.lastFour = lastFour
        self.secretHash = secretHash
        self.scopes = scopes
        self.lists = lists
        self.allowedCIDRs = allowedCIDRs
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.lastUsedIP = lastUsedIP
        self.lastUsedUserAgent = lastUsedUserAgent
        self.recentIPs = recentIPs
        self.revokedAt = revokedAt
        self.revokedBy = revokedBy
        self.revokedReason = revokedReason
        self.previousSecretHash = previousSecretHash
        self.graceUntil = graceUntil
    }

    public var display: String { TokenFormat.display(prefix: prefix, keyID: keyID, lastFour: lastFour) }

    /// When the token stops working for lack of use: `idleLifetime` after its last use (or its
    /// creation, if never used).
    public func idleExpiry(after idleLifetime: TimeInterval) -> Date {
        (lastUsedAt ?? createdAt).addingTimeInterval(idleLifetime)
    }

    /// The token's state. A rotated token stays `active` (its entry carries the new secret); the
    /// old secret's window shows in `graceUntil`.
    public func state(at now: Date, idleLifetime: TimeInterval? = nil) -> State {
        if revokedAt != nil { return .revoked }
        if let expiresAt, expiresAt <= now { return .expired }
        if let idleLifetime, idleExpiry(after: idleLifetime) <= now { return .expired }
        return .active
    }
}

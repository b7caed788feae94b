import Foundation

/// A login user's browser session as stored: only the keyed hash of its id.
public struct StoredSession: Sendable, Equatable {
    public var idHash: String
    public var userID: UserID
    public var createdAt: Date
    public var lastSeenAt: Date
    public var expiresAt: Date
    public var clientIP: String?
    public var userAgent: String?

    public init(
        idHash: String, userID: UserID, createdAt: Date, lastSeenAt: Date, expiresAt: Date, clientIP: String?,
        userAgent: String?
    ) {
        self.idHash = idHash
        self.userID = userID
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.expiresAt = expiresAt
        self.clientIP = clientIP
        self.userAgent = userAgent
    }
}

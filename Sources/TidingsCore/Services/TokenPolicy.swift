import Foundation

/// How long tokens live and how rotation overlaps.
public struct TokenPolicy: Sendable, Equatable {
    /// Lifetime of a token created without an explicit expiry (90 days).
    public var defaultLifetime: TimeInterval
    /// The longest lifetime a token may be given (365 days).
    public var maximumLifetime: TimeInterval
    /// A token unused for this long stops working (365 days).
    public var idleLifetime: TimeInterval
    /// Whether `expires_at: null` (a token that never expires) may be asked for.
    public var allowsNoExpiry: Bool
    /// Within this much of its expiry, responses carry `Tidings-Token-Warning: expires-soon`.
    public var warningWindow: TimeInterval = 7 * 86_400
    /// A rotation's grace period: default and bounds (24 h, 0 s – 7 days).
    public var defaultGrace: TimeInterval = 86_400
    public var maximumGrace: TimeInterval = 7 * 86_400

    public init(
        defaultLifetime: TimeInterval = 90 * 86_400, maximumLifetime: TimeInterval = 365 * 86_400,
        idleLifetime: TimeInterval = 365 * 86_400, allowsNoExpiry: Bool = false
    ) {
        self.defaultLifetime = defaultLifetime
        self.maximumLifetime = maximumLifetime
        self.idleLifetime = idleLifetime
        self.allowsNoExpiry = allowsNoExpiry
    }
}

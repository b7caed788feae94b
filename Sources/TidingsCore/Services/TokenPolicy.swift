import Foundation

/// How long tokens live (credentials.md §4).
public struct TokenPolicy: Sendable, Equatable {
    public var defaultLifetime: TimeInterval
    public var maximumLifetime: TimeInterval

    public init(defaultLifetime: TimeInterval = 90 * 86_400, maximumLifetime: TimeInterval = 365 * 86_400) {
        self.defaultLifetime = defaultLifetime
        self.maximumLifetime = maximumLifetime
    }
}

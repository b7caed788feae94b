import Foundation

/// Lifetimes of browser sessions.
public struct SessionPolicy: Sendable, Equatable {
    /// A session ends this long after login, however active.
    public var absoluteLifetime: TimeInterval
    /// A session ends after this long without a request.
    public var idleLifetime: TimeInterval
    /// `lastSeenAt` is written at most this often per session.
    public var touchInterval: TimeInterval

    public init(
        absoluteLifetime: TimeInterval = 7 * 86_400, idleLifetime: TimeInterval = 12 * 3_600,
        touchInterval: TimeInterval = 60
    ) {
        self.absoluteLifetime = absoluteLifetime
        self.idleLifetime = idleLifetime
        self.touchInterval = touchInterval
    }
}

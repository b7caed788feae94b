import Foundation
import Synchronization
import TidingsCore

/// A clock that runs with real time plus an offset the test moves forward.
public final class OffsetClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)

    public init() {}

    public func advance(by seconds: TimeInterval) { offset.withLock { $0 += seconds } }

    public var clock: WallClock {
        WallClock { Date().addingTimeInterval(self.offset.withLock { $0 }) }
    }
}

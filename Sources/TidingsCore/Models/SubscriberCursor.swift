import Foundation

/// Where the next batch of a subscriber listing resumes: just past subscriber `id`, whose value
/// in the listing's order column is `key`, as the store read it (so that comparing it again is
/// exact). Made and read only by the store.
public struct SubscriberCursor: Sendable, Equatable {
    /// A value of the order column, in the form the database compares.
    public enum Key: Sendable, Equatable {
        case integer(Int)
        case text(String)
        case real(Double)
    }

    public var id: SubscriberID
    public var key: Key

    public init(id: SubscriberID, key: Key) {
        self.id = id
        self.key = key
    }
}

import Foundation

/// What an import does with each row (listmonk's `mode`).
public enum ImportMode: String, Sendable, CaseIterable {
    case subscribe, blocklist
}

/// Where an import stands (listmonk's import `status`).
public enum ImportState: String, Sendable {
    case none, importing, stopping, finished, failed
}

/// An import's progress, in listmonk's shape.
public struct ImportStatus: Sendable, Equatable {
    public var name: String
    /// Data rows read so far, bad ones included.
    public var total: Int
    /// Rows written.
    public var imported: Int
    public var state: ImportState

    public init(name: String = "", total: Int = 0, imported: Int = 0, state: ImportState = .none) {
        self.name = name
        self.total = total
        self.imported = imported
        self.state = state
    }
}

/// How rows are written.
public struct ImportOptions: Sendable, Equatable {
    public var mode: ImportMode
    /// The status of the subscriptions created (listmonk: `unconfirmed`, or `unsubscribed` when
    /// blocklisting).
    public var subscriptionStatus: SubscriptionStatus
    public var delimiter: UInt8
    public var lists: [ListID]
    /// Existing subscribers get the file's name and attributes.
    public var overwriteUserInfo: Bool
    /// Existing subscriptions to the import's lists get `subscriptionStatus`.
    public var overwriteSubscriptionStatus: Bool
    /// The lists whose subscribers the importing caller may manage; `nil`: every subscriber. An
    /// existing subscriber on none of them is skipped (not overwritten, blocklisted or
    /// subscribed), as `PUT /api/subscribers/{id}` would refuse to touch it.
    public var scope: Set<ListID>?

    public init(
        mode: ImportMode, subscriptionStatus: SubscriptionStatus, delimiter: UInt8 = UInt8(ascii: ","),
        lists: [ListID], overwriteUserInfo: Bool, overwriteSubscriptionStatus: Bool, scope: Set<ListID>? = nil
    ) {
        self.scope = scope
        self.mode = mode
        self.subscriptionStatus = subscriptionStatus
        self.delimiter = delimiter
        self.lists = lists
        self.overwriteUserInfo = overwriteUserInfo
        self.overwriteSubscriptionStatus = overwriteSubscriptionStatus
    }
}

/// One valid row of an import file.
public struct ImportRow: Sendable, Equatable {
    public var line: Int
    public var email: String
    public var name: String
    /// The attributes as the file gave them: JSON text already checked to be an object (parsing
    /// it into values and writing it back would cost more than the rest of the row).
    public var attributesJSON: String

    public init(line: Int, email: String, name: String, attributesJSON: String) {
        self.line = line
        self.email = email
        self.name = name
        self.attributesJSON = attributesJSON
    }
}

import Foundation

public typealias SubscriberID = Identifier<Subscriber>

/// A subscriber's own status.
public enum SubscriberStatus: String, Sendable, Codable, CaseIterable {
    case enabled, disabled, blocklisted
}

/// The status of one subscription (a subscriber on a list).
public enum SubscriptionStatus: String, Sendable, Codable, CaseIterable {
    case unconfirmed, confirmed, unsubscribed
}

/// One of a subscriber's subscriptions, with the list it is to.
public struct Subscription: Sendable, Equatable {
    public var list: MailingList
    public var status: SubscriptionStatus
    /// Free-form JSON the subscription carries (listmonk's `subscription_meta`), as JSON text.
    public var meta: JSONValue
    public var createdAt: Date
    public var updatedAt: Date

    public init(list: MailingList, status: SubscriptionStatus, meta: JSONValue, createdAt: Date, updatedAt: Date) {
        self.list = list
        self.status = status
        self.meta = meta
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A subscriber and its subscriptions.
public struct Subscriber: Sendable, Equatable, Identifiable {
    public var id: SubscriberID
    public var uuid: UUID
    public var email: String
    public var name: String
    /// Always a JSON object.
    public var attributes: [String: JSONValue]
    public var status: SubscriberStatus
    public var subscriptions: [Subscription]
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: SubscriberID, uuid: UUID, email: String, name: String, attributes: [String: JSONValue],
        status: SubscriberStatus, subscriptions: [Subscription], createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.uuid = uuid
        self.email = email
        self.name = name
        self.attributes = attributes
        self.status = status
        self.subscriptions = subscriptions
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A subscriber's own fields as an export writes them, attributes kept as the database's JSON
/// text (an export of a million rows need not parse and re-encode each).
public struct SubscriberRow: Sendable, Equatable {
    public var id: SubscriberID
    public var uuid: UUID
    public var email: String
    public var name: String
    public var attributesJSON: String
    public var status: SubscriberStatus
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: SubscriberID, uuid: UUID, email: String, name: String, attributesJSON: String, status: SubscriberStatus,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.uuid = uuid
        self.email = email
        self.name = name
        self.attributesJSON = attributesJSON
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A subscriber's own fields, to create or to write over an existing one.
public struct SubscriberDraft: Sendable, Equatable {
    public var email: String
    public var name: String
    public var attributes: [String: JSONValue]
    public var status: SubscriberStatus

    public init(email: String, name: String, attributes: [String: JSONValue], status: SubscriberStatus) {
        self.email = email
        self.name = name
        self.attributes = attributes
        self.status = status
    }
}

/// The subscriptions an update sets: the subscriber ends up on exactly `lists` among the lists
/// in `scope` (the ones the caller may manage; `nil` = every list), and its subscriptions to
/// other lists are left alone. A new subscription gets `status`; an existing `confirmed` or
/// `unsubscribed` one keeps its status, any other takes `status`.
public struct SubscriptionReplacement: Sendable, Equatable {
    public var lists: [ListID]
    public var scope: Set<ListID>?
    public var status: SubscriptionStatus

    public init(lists: [ListID], scope: Set<ListID>?, status: SubscriptionStatus) {
        self.lists = lists
        self.scope = scope
        self.status = status
    }
}

/// What `PUT /api/subscribers/lists` does to the target lists.
public enum SubscriptionAction: String, Sendable, CaseIterable {
    case add, remove, unsubscribe
}

/// The columns a subscriber listing may be ordered by (listmonk's allow-list).
public enum SubscriberOrder: String, Sendable, CaseIterable {
    case id, email, status, name
    case createdAt = "created_at"
    case updatedAt = "updated_at"
}

/// A filter for subscriber listings.
public struct SubscriberQuery: Sendable, Equatable {
    /// Subscribers on any of these lists; `nil` means no list filter. An empty set matches nothing.
    public var lists: Set<ListID>?
    /// Only these subscribers (`GET /api/subscribers/export?id=…`); `nil` means no id filter.
    public var ids: Set<SubscriberID>?
    /// With a list filter: only subscriptions of this status.
    public var subscriptionStatus: SubscriptionStatus?
    /// The caller's SQL filter (listmonk's `query`), run in the query sandbox.
    public var expression: FilterExpression?
    /// The lists whose subscribers the caller may see at all; `nil`: every subscriber. Unlike
    /// `lists`, a filter, this bounds what `expression` can read: for the expression, the tables
    /// `subscribers`, `subscriber_lists` and `lists` hold only what lies within it, in subqueries
    /// too (docs/segmentation.md).
    public var scope: Set<ListID>?
    /// Case-insensitive text in the e-mail address or the name, at most `SearchText.maximumLength` bytes.
    public var search: String = ""
    public var orderBy: SubscriberOrder = .id
    public var direction: SortDirection = .desc
    public var page: Pagination = .default

    public init() {}

    /// `400 invalid_search` when `search` is too long (see `SearchText`).
    public func checkSearch() throws(TidingsError) { try SearchText.check(search) }
}

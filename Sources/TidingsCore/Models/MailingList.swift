import Foundation

public enum ListType: String, Sendable, Codable, CaseIterable {
    case `public`, `private`, temporary
}

public enum ListOptin: String, Sendable, Codable, CaseIterable {
    case single, double
}

public enum ListStatus: String, Sendable, Codable, CaseIterable {
    case active, archived
}

/// A mailing list, with its subscription counts.
public struct MailingList: Sendable, Equatable, Identifiable {
    public var id: ListID
    public var uuid: UUID
    public var name: String
    public var type: ListType
    public var optin: ListOptin
    public var status: ListStatus
    public var tags: [String]
    public var description: String
    public var subscriberCount: Int
    /// Subscription status → number of subscriptions, only for statuses that occur.
    public var subscriberStatuses: [String: Int]
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: ListID, uuid: UUID, name: String, type: ListType, optin: ListOptin, status: ListStatus,
        tags: [String], description: String, subscriberCount: Int = 0, subscriberStatuses: [String: Int] = [:],
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.uuid = uuid
        self.name = name
        self.type = type
        self.optin = optin
        self.status = status
        self.tags = tags
        self.description = description
        self.subscriberCount = subscriberCount
        self.subscriberStatuses = subscriberStatuses
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// The fields of a list to create or to write over an existing one.
public struct ListDraft: Sendable, Equatable {
    public var name: String
    public var type: ListType
    public var optin: ListOptin
    public var status: ListStatus
    public var tags: [String]
    public var description: String

    public init(name: String, type: ListType, optin: ListOptin, status: ListStatus, tags: [String], description: String)
    {
        self.name = name
        self.type = type
        self.optin = optin
        self.status = status
        self.tags = tags
        self.description = description
    }
}

/// Sort columns for list queries; a whitelist, never spliced from user input.
public enum ListOrder: String, Sendable, CaseIterable {
    case name, status
    case createdAt = "created_at"
    case updatedAt = "updated_at"
    case subscriberCount = "subscriber_count"
}

public enum SortDirection: String, Sendable {
    case asc, desc
}

/// A filtered, paginated list query.
public struct ListQuery: Sendable, Equatable {
    /// Free text matched against list names (case-insensitive substring).
    public var search: String?
    public var tags: [String] = []
    public var type: ListType?
    public var optin: ListOptin?
    public var status: ListStatus?
    public var orderBy: ListOrder = .createdAt
    public var direction: SortDirection = .desc
    public var page: Pagination = .default
    /// `nil`: every list; otherwise only these (the caller's visible lists).
    public var onlyIDs: Set<ListID>?

    public init() {}
}

/// `page`/`per_page` as listmonk parses them.
public struct Pagination: Sendable, Equatable {
    /// 1-based.
    public var page: Int
    /// `nil` = no limit (`per_page=all` or a negative number).
    public var perPage: Int?

    public init(page: Int, perPage: Int?) {
        self.page = page
        self.perPage = perPage
    }

    public static let `default` = Pagination(page: 1, perPage: 20)

    public var offset: Int {
        guard let perPage else { return 0 }
        let (product, overflow) = (page - 1).multipliedReportingOverflow(by: perPage)
        return overflow ? Int.max : product
    }
}

/// One page of results and the total count across all pages.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int

    public init(items: [Item], total: Int) {
        self.items = items
        self.total = total
    }
}

import Foundation
import TidingsCore

/// A list as listmonk serialises it, in its key order. In `minimal` mode the
/// counts are `0` and `null`, as in listmonk.
struct ListJSON: Encodable, Sendable {
    let list: MailingList
    var minimal = false

    enum CodingKeys: String, CodingKey {
        case id, created_at, updated_at, uuid, name, type, optin, status, tags, description
        case subscriber_count, subscriber_statuses, subscription_created_at, subscription_updated_at
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(list.id, forKey: .id)
        try container.encode(list.createdAt, forKey: .created_at)
        try container.encode(list.updatedAt, forKey: .updated_at)
        try container.encode(list.uuid.uuidString.lowercased(), forKey: .uuid)
        try container.encode(list.name, forKey: .name)
        try container.encode(list.type, forKey: .type)
        try container.encode(list.optin, forKey: .optin)
        try container.encode(list.status, forKey: .status)
        try container.encode(list.tags, forKey: .tags)
        try container.encode(list.description, forKey: .description)
        try container.encode(minimal ? 0 : list.subscriberCount, forKey: .subscriber_count)
        if minimal {
            try container.encodeNil(forKey: .subscriber_statuses)
        } else {
            try container.encode(SortedKeysJSON(list.subscriberStatuses), forKey: .subscriber_statuses)
        }
        try container.encodeNil(forKey: .subscription_created_at)
        try container.encodeNil(forKey: .subscription_updated_at)
    }
}

/// A JSON object with its keys in sorted order (subscriber counts, audit details).
struct SortedKeysJSON<Value: Encodable & Sendable>: Encodable, Sendable {
    let values: [String: Value]
    init(_ values: [String: Value]) { self.values = values }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            try container.encode(value, forKey: DynamicKey(stringValue: key))
        }
    }
}

/// listmonk's paginated payload: `{results, search, query, total, per_page, page}`.
struct PageJSON<Item: Encodable & Sendable>: Encodable, Sendable {
    let results: [Item]
    var search = ""
    var query = ""
    let total: Int
    let per_page: Int
    let page: Int
}

import Foundation
import TidingsCore

/// A list as listmonk serialises it, in its key order. In `minimal` mode the
/// counts are `0` and `null`, as in listmonk.
struct ListJSON: JSONWritable, Sendable {
    let list: MailingList
    var minimal = false

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.member("id", list.id.rawValue)
        json.member("created_at", list.createdAt)
        json.member("updated_at", list.updatedAt)
        let texts = [
            ("uuid", list.uuid.lowercasedText), ("name", list.name), ("type", list.type.rawValue),
            ("optin", list.optin.rawValue), ("status", list.status.rawValue),
        ]
        for (name, text) in texts { json.member(name, text) }
        json.key("tags")
        json.strings(list.tags)
        json.member("description", list.description)
        json.member("subscriber_count", minimal ? 0 : list.subscriberCount)
        json.key("subscriber_statuses")
        if minimal {
            json.null()
        } else {
            json.beginObject()
            for (status, count) in list.subscriberStatuses.sorted(by: { $0.key < $1.key }) {
                json.member(status, count)
            }
            json.endObject()
        }
        for name in ["subscription_created_at", "subscription_updated_at"] {
            json.key(name)
            json.null()
        }
        json.endObject()
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

/// A page of items that write themselves (`JSONWritable`), written into one buffer with the
/// members of `PageJSON`, in its order: no tree node or buffer per item.
struct WrittenPageJSON<Item: JSONWritable & Sendable>: JSONWritable, Sendable {
    let results: [Item]
    var query = ""
    let total: Int
    let per_page: Int
    let page: Int

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("results")
        json.beginArray()
        for item in results { item.write(to: &json) }
        json.endArray()
        json.member("search", "")
        json.member("query", query)
        json.member("total", total)
        json.member("per_page", per_page)
        json.member("page", page)
        json.endObject()
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

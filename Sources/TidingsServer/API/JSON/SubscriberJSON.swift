import Foundation
import TidingsCore

/// A subscriber as listmonk serialises it, in its key order, with
/// `lists[]` shown as the caller may see them.
struct SubscriberJSON: Encodable, Sendable {
    let subscriber: Subscriber
    let access: ListAccess

    enum CodingKeys: String, CodingKey {
        case id, created_at, updated_at, uuid, email, name, attribs, status, lists
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(subscriber.id, forKey: .id)
        try container.encode(subscriber.createdAt, forKey: .created_at)
        try container.encode(subscriber.updatedAt, forKey: .updated_at)
        try container.encode(subscriber.uuid.lowercasedText, forKey: .uuid)
        try container.encode(subscriber.email, forKey: .email)
        try container.encode(subscriber.name, forKey: .name)
        try container.encode(JSONValue.object(subscriber.attributes), forKey: .attribs)
        try container.encode(subscriber.status, forKey: .status)
        let unrestricted = access.getAll || access.manageAll
        try container.encode(
            subscriber.subscriptions.map { subscription in
                SubscriptionJSON(
                    subscription: subscription, ordered: unrestricted,
                    masked: !unrestricted && access.grants[subscription.list.id]?.isEmpty != false)
            }, forKey: .lists)
    }
}

/// One entry of a subscriber's `lists[]`. For callers who see every list, listmonk's order
/// (subscription fields first); for the others, listmonk re-encodes every entry with its keys
/// in alphabetical order, and a list they have no grant on shows as `*Unknown`, restricted,
/// without a description.
struct SubscriptionJSON: Encodable, Sendable {
    let subscription: Subscription
    let ordered: Bool
    let masked: Bool

    func encode(to encoder: any Encoder) throws {
        let list = subscription.list
        let fields: [(String, any Encodable & Sendable)] = [
            ("subscription_status", subscription.status.rawValue),
            ("subscription_created_at", Timestamp.postgresJSON(subscription.createdAt)),
            ("subscription_updated_at", Timestamp.postgresJSON(subscription.updatedAt)),
            ("subscription_meta", subscription.meta),
            ("id", list.id),
            ("uuid", list.uuid.lowercasedText),
            ("name", masked ? "*Unknown" : list.name),
            ("type", list.type.rawValue),
            ("optin", list.optin.rawValue),
            ("status", list.status.rawValue),
            ("tags", list.tags.isEmpty ? nil : list.tags),
            ("description", masked ? nil : list.description),
            ("created_at", Timestamp.postgresJSON(list.createdAt)),
            ("updated_at", Timestamp.postgresJSON(list.updatedAt)),
        ]
        var container = encoder.container(keyedBy: DynamicKey.self)
        var entries = fields.filter { !(masked && $0.0 == "description") }
        if masked { entries.append(("restricted", true)) }
        if !ordered { entries.sort { $0.0 < $1.0 } }
        for (name, value) in entries { try container.encode(value, forKey: DynamicKey(stringValue: name)) }
    }
}

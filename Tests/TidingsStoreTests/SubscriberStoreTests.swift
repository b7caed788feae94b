import Foundation
import SQLKit
import Testing
import TidingsCore
import TidingsStore
import TidingsStoreTestSupport

/// `SubscriberStore`'s contract, on every backend. (Reading a page in batches is
/// `SubscriberBatchTests`; the kept counts are `SubscriptionCountTests`.)
@Suite struct SubscriberStoreTests {
    /// Each subscription's status, by list.
    static func statuses(_ subscriber: Subscriber?) -> [ListID: SubscriptionStatus] {
        (subscriber?.subscriptions ?? []).reduce(into: [:]) { $0[$1.list.id] = $1.status }
    }

    /// Three lists, A, B and C.
    static func lists(_ stores: TestStores) async throws -> (MailingList, MailingList, MailingList) {
        (
            try await stores.list("A"),
            try await stores.list("B"),
            try await stores.list("C")
        )
    }

    @Test(
        "create and read back by id and by UUID, with subscriptions; unknown lists are ignored",
        arguments: TestBackend.enabled)
    func createAndRead(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let store = stores.subscribers
            let (a, b, _) = try await Self.lists(stores)
            let attributes: [String: JSONValue] = [
                "city": .string("Bengaluru"), "n": .number(2.5), "tags": .array([.bool(true), .null]),
                "nested": .object(["ü": .string("✉️")]),
            ]
            let draft = Drafts.subscriber("o@example.com", name: "Dée", attributes: attributes)
            let created = try await store.createSubscriber(
                draft, lists: [b.id, a.id, ListID(9_999)], status: .confirmed, at: Drafts.epoch)
            #expect(created.email == "o@example.com" && created.name == "Dée" && created.status == .enabled)
            #expect(created.attributes == attributes)
            #expect(created.createdAt == Drafts.epoch && created.updatedAt == Drafts.epoch)
            #expect(created.subscriptions.map(\.list.id) == [a.id, b.id])
            #expect(created.subscriptions.allSatisfy { $0.status == .confirmed && $0.meta == .object([:]) })
            #expect(try await store.subscriber(id: created.id) == created)
            #expect(try await store.subscriber(uuid: created.uuid) == created)
            #expect(try await store.subscriber(id: SubscriberID(9_999)) == nil)
            #expect(try await store.subscriber(uuid: UUID()) == nil)
            let bare = try await store.createSubscriber(
                Drafts.subscriber("p@example.com"), lists: [], status: .confirmed, at: Drafts.epoch)
            #expect(bare.subscriptions.isEmpty && bare.attributes.isEmpty && bare.uuid != created.uuid)
        }
    }

    @Test(
        "a taken e-mail address is a conflict, on create and update, and changes nothing",
        arguments: TestBackend.enabled)
    func emailTaken(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let store = stores.subscribers
            let (a, b, _) = try await Self.lists(stores)
            let first = try await stores.subscriber("a@example.com", on: [a.id], .unconfirmed)
            let second = try await stores.subscriber("b@example.com", on: [a.id], .unconfirmed)
            await expectConflict(field: "email") {
                try await store.createSubscriber(
                    Drafts.subscriber("a@example.com", name: "Other"), lists: [b.id], status: .confirmed, at: Date())
            }
            await expectConflict(field: "email") {
                try await store.updateSubscriber(
                    id: second.id, draft: Drafts.subscriber("a@example.com", name: "Renamed"),
                    subscriptions: SubscriptionReplacement(lists: [b.id], scope: nil, status: .confirmed), at: Date())
            }
            #expect(try await store.subscriber(id: first.id) == first)
            #expect(try await store.subscriber(id: second.id) == second)
            #expect(try await stores.lists.list(id: b.id)?.subscriberCount == 0)
            // Its own address is not taken from itself.
            let same = try await store.updateSubscriber(
                id: second.id, draft: Drafts.subscriber("b@example.com", name: "Bee"), subscriptions: nil, at: Date())
            #expect(same.name == "Bee")
        }
    }

    @Test(
        "update writes the draft; without a replacement the subscriptions stay; unknown is not found",
        arguments: TestBackend.enabled)
    func update(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let store = stores.subscribers
            let (a, _, _) = try await Self.lists(stores)
            let subscriber = try await store.createSubscriber(
                Drafts.subscriber("a@example.com", attributes: ["x": .number(1)]), lists: [a.id], status: .confirmed,
                at: Drafts.epoch)
            let later = Drafts.epoch + 60
            let draft = Drafts.subscriber(
                "new@example.com", name: "New", status: .disabled, attributes: ["y": .bool(false)])
            let updated = try await store.updateSubscriber(
                id: subscriber.id, draft: draft, subscriptions: nil, at: later)
            #expect(updated.email == "new@example.com" && updated.name == "New" && updated.status == .disabled)
            #expect(updated.attributes == ["y": .bool(false)])
            #expect(updated.uuid == subscriber.uuid && updated.createdAt == Drafts.epoch && updated.updatedAt == later)
            #expect(Self.statuses(updated) == [a.id: .confirmed])
            #expect(try await store.subscriber(id: subscriber.id) == updated)
            let ghost = Drafts.subscriber("ghost@example.com")
            await expectNotFound {
                try await store.updateSubscriber(id: SubscriberID(9_999), draft: ghost, subscriptions: nil, at: later)
            }
        }
    }

    @Test(
        "a replacement: exactly these lists within its scope; confirmed and unsubscribed keep their status",
        arguments: TestBackend.enabled)
    func replaceSubscriptions(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let store = stores.subscribers
            let (a, b, c) = try await Self.lists(stores)
            let d = try await stores.list("D")
            let subscriber = try await stores.subscriber("s@example.com", on: [a.id, b.id, c.id], .unconfirmed)
            try await store.changeSubscriptions(
                ids: [subscriber.id], action: .add, lists: [b.id], status: .confirmed, overwrite: true, at: Date())
            try await store.changeSubscriptions(
                ids: [subscriber.id], action: .unsubscribe, lists: [c.id], status: nil, overwrite: false, at: Date())
            // Within scope {A, B, C, D}: keep B, C and add D; drop A. Everything takes `confirmed`
            // except what is confirmed or unsubscribed already.
            let everywhere = SubscriptionReplacement(lists: [b.id, c.id, d.id], scope: nil, status: .confirmed)
            let replaced = try await store.updateSubscriber(
                id: subscriber.id, draft: Drafts.subscriber("s@example.com"), subscriptions: everywhere, at: Date())
            #expect(Self.statuses(replaced) == [b.id: .confirmed, c.id: .unsubscribed, d.id: .confirmed])

            // An unconfirmed subscription in the list takes the replacement's status.
            try await store.changeSubscriptions(
                ids: [subscriber.id], action: .add, lists: [a.id], status: .unconfirmed, overwrite: false, at: Date())
            let scoped = SubscriptionReplacement(lists: [a.id], scope: [a.id, b.id], status: .confirmed)
            let narrowed = try await store.updateSubscriber(
                id: subscriber.id, draft: Drafts.subscriber("s@example.com"), subscriptions: scoped, at: Date())
            // B (in scope, not listed) goes; C and D (outside the scope) are left alone.
            #expect(Self.statuses(narrowed) == [a.id: .confirmed, c.id: .unsubscribed, d.id: .confirmed])

            let none = SubscriptionReplacement(lists: [], scope: nil, status: .confirmed)
            let emptied = try await store.updateSubscriber(
                id: subscriber.id, draft: Drafts.subscriber("s@example.com"), subscriptions: none, at: Date())
            #expect(emptied.subscriptions.isEmpty)
        }
    }

    @Test(
        "a blocklisted subscriber's subscriptions are all unsubscribed, however it got there",
        arguments: TestBackend.enabled)
    func blocklistInvariant(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let store = stores.subscribers
            let (a, b, c) = try await Self.lists(stores)
            // Created blocklisted.
            let created = try await store.createSubscriber(
                Drafts.subscriber("x@example.com", status: .blocklisted), lists: [a.id], status: .confirmed, at: Date())
            #expect(Self.statuses(created) == [a.id: .unsubscribed])
            // Updated to blocklisted, with a replacement that would subscribe it.
            let other = try await stores.subscriber("y@example.com", on: [a.id], .confirmed)
            let updated = try await store.updateSubscriber(
                id: other.id, draft: Drafts.subscriber("y@example.com", status: .blocklisted),
                subscriptions: SubscriptionReplacement(lists: [a.id, b.id], scope: nil, status: .confirmed), at: Date())
            #expect(Self.statuses(updated) == [a.id: .unsubscribed, b.id: .unsubscribed])
            // Added to, or overwritten on, a list while blocklisted.
            try await store.changeSubscriptions(
                ids: [created.id, other.id], action: .add, lists: [a.id, c.id], status: .confirmed, overwrite: true,
                at: Date())
            #expect(
                Self.statuses(try await store.subscriber(id: created.id)) == [a.id: .unsubscribed, c.id: .unsubscribed])
            #expect(Self.statuses(try await store.subscriber(id: other.id)).values.allSatisfy { $0 == .unsubscribed })
            // Confirmed through the opt-in link while blocklisted.
            #expect(try await store.confirmSubscriptions(of: other.id, lists: [a.id, b.id, c.id], at: Date()) == 0)
        }
    }

    @Test(
        "blocklisting sets the status and unsubscribes everywhere; unknown ids are ignored",
        arguments: TestBackend.enabled)
    func blocklist(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let store = stores.subscribers
            let (a, b, _) = try await Self.lists(stores)
            let one = try await stores.subscriber("1@example.com", on: [a.id, b.id], .confirmed)
            let two = try await stores.subscriber("2@example.com", on: [a.id], .unconfirmed)
            try await store.blocklistSubscribers(ids: [one.id, SubscriberID(9_999)], at: Date())
            let blocked = try await store.subscriber(id: one.id)
            #expect(blocked?.status == .blocklisted)
            #expect(Self.statuses(blocked) == [a.id: .unsubscribed, b.id: .unsubscribed])
            #expect(try await store.subscriber(id: two.id) == two)
            #expect(try await stores.lists.list(id: a.id)?.subscriberStatuses == ["unsubscribed": 1, "unconfirmed": 1])
        }
    }

    @Test("delete takes the subscriptions along and ignores unknown ids", arguments: TestBackend.enabled)
    func delete(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let store = stores.subscribers
            let (a, _, _) = try await Self.lists(stores)
            let one = try await stores.subscriber("1@example.com", on: [a.id], .confirmed)
            let two = try await stores.subscriber("2@example.com", on: [a.id], .confirmed)
            try await store.deleteSubscribers(ids: [one.id, SubscriberID(9_999)])
            #expect(try await store.subscriber(id: one.id) == nil)
            #expect(try await store.subscriber(id: two.id) != nil)
            #expect(try await stores.lists.list(id: a.id)?.subscriberCount == 1)
            try await store.deleteSubscribers(ids: [])
            #expect(try await store.subscriber(id: two.id) != nil)
        }
    }

    @Test(
        "add, remove, unsubscribe; add overwrites a status only when told to and given one",
        arguments: TestBackend.enabled)
    func changeSubscriptions(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let store = stores.subscribers
            let (a, b, c) = try await Self.lists(stores)
            let one = try await stores.subscriber("1@example.com", on: [a.id], .unconfirmed)
            let two = try await stores.subscriber("2@example.com", on: [], .unconfirmed)
            let ids = [one.id, two.id]
            func change(
                _ action: SubscriptionAction, _ lists: [ListID], _ status: SubscriptionStatus?, overwrite: Bool
            ) async throws -> ([ListID: SubscriptionStatus], [ListID: SubscriptionStatus]) {
                try await store.changeSubscriptions(
                    ids: ids, action: action, lists: lists, status: status, overwrite: overwrite, at: Date())
                return (
                    Self.statuses(try await store.subscriber(id: one.id)),
                    Self.statuses(try await store.subscriber(id: two.id))
                )
            }
            // Without a status, new subscriptions are unconfirmed; unknown lists are ignored.
            var (first, second) = try await change(.add, [b.id, ListID(9_999)], nil, overwrite: false)
            #expect(first == [a.id: .unconfirmed, b.id: .unconfirmed] && second == [b.id: .unconfirmed])
            // A status without `overwrite` only applies to new subscriptions.
            (first, second) = try await change(.add, [a.id, c.id], .confirmed, overwrite: false)
            #expect(first == [a.id: .unconfirmed, b.id: .unconfirmed, c.id: .confirmed])
            #expect(second == [a.id: .confirmed, b.id: .unconfirmed, c.id: .confirmed])
            // `overwrite` without a status changes nothing that exists.
            (first, second) = try await change(.add, [a.id], nil, overwrite: true)
            #expect(first[a.id] == .unconfirmed)
            (first, second) = try await change(.add, [a.id, b.id], .unsubscribed, overwrite: true)
            #expect(first == [a.id: .unsubscribed, b.id: .unsubscribed, c.id: .confirmed])
            #expect(second == [a.id: .unsubscribed, b.id: .unsubscribed, c.id: .confirmed])
            (first, second) = try await change(.unsubscribe, [c.id], nil, overwrite: false)
            #expect(first[c.id] == .unsubscribed && second[c.id] == .unsubscribed)
            (first, second) = try await change(.remove, [a.id, c.id], nil, overwrite: false)
            #expect(first == [b.id: .unsubscribed] && second == [b.id: .unsubscribed])
            // No lists, or no subscribers: nothing happens.
            (first, second) = try await change(.remove, [], nil, overwrite: false)
            #expect(first == [b.id: .unsubscribed])
            try await store.changeSubscriptions(
                ids: [], action: .remove, lists: [b.id], status: nil, overwrite: false, at: Date())
            #expect(Self.statuses(try await store.subscriber(id: one.id)) == [b.id: .unsubscribed])
        }
    }

    @Test(
        "opt-in confirmation touches only unconfirmed subscriptions to the lists named", arguments: TestBackend.enabled)
    func confirm(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let store = stores.subscribers
            let (a, b, c) = try await Self.lists(stores)
            let subscriber = try await stores.subscriber("o@example.com", on: [a.id, b.id], .unconfirmed)
            try await store.changeSubscriptions(
                ids: [subscriber.id], action: .add, lists: [c.id], status: .unsubscribed, overwrite: true, at: Date())
            #expect(try await store.confirmSubscriptions(of: subscriber.id, lists: [a.id, c.id], at: Date()) == 1)
            #expect(
                Self.statuses(try await store.subscriber(id: subscriber.id))
                    == [a.id: .confirmed, b.id: .unconfirmed, c.id: .unsubscribed])
            #expect(try await store.confirmSubscriptions(of: subscriber.id, lists: [a.id], at: Date()) == 0)
            #expect(try await store.confirmSubscriptions(of: subscriber.id, lists: [], at: Date()) == 0)
            #expect(try await store.confirmSubscriptions(of: SubscriberID(9_999), lists: [b.id], at: Date()) == 0)

            let blocked = try await stores.subscriber("b@example.com", on: [b.id], .unconfirmed)
            try await stores.engine.write { database in
                try await database.raw(
                    "UPDATE subscribers SET status = 'blocklisted' WHERE id = \(bind: blocked.id.rawValue)"
                ).run()
            }
            #expect(try await store.confirmSubscriptions(of: blocked.id, lists: [b.id], at: Date()) == 0)
            #expect(try await stores.lists.list(id: b.id)?.subscriberStatuses == ["unconfirmed": 2])
        }
    }

    @Test("subscribed lists: any status, per existing subscriber; unknown ids absent", arguments: TestBackend.enabled)
    func subscribedLists(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let store = stores.subscribers
            let (a, b, _) = try await Self.lists(stores)
            let one = try await stores.subscriber("1@example.com", on: [a.id, b.id], .confirmed)
            let two = try await stores.subscriber("2@example.com", on: [], .confirmed)
            try await store.changeSubscriptions(
                ids: [one.id], action: .unsubscribe, lists: [b.id], status: nil, overwrite: false, at: Date())
            let lists = try await store.subscribedLists(of: [one.id, two.id, SubscriberID(9_999)])
            #expect(lists == [one.id: [a.id, b.id], two.id: []])
            #expect(try await store.subscribedLists(of: []).isEmpty)
        }
    }

    /// The page of a query ordered by e-mail address, ascending unless told otherwise.
    static func listing(
        _ store: any SubscriberStore, lists: Set<ListID>? = nil, status: SubscriptionStatus? = nil,
        ids: Set<SubscriberID>? = nil, search: String = "", page: Pagination = .default,
        direction: SortDirection = .asc
    ) async throws -> Listing {
        var query = SubscriberQuery()
        (query.lists, query.subscriptionStatus, query.ids, query.search) = (lists, status, ids, search)
        (query.orderBy, query.direction, query.page) = (.email, direction, page)
        let page = try await store.subscribers(query)
        return Listing(page.items.map(\.email), page.total)
    }

    /// A page's e-mail addresses and total.
    struct Listing: Equatable {
        var emails: [String]
        var total: Int

        init(_ emails: [String], _ total: Int) { (self.emails, self.total) = (emails, total) }
    }

    @Test("a page: filters, each subscriber once, order, and the total across pages", arguments: TestBackend.enabled)
    func page(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let store = stores.subscribers
            let (a, b, c) = try await Self.lists(stores)
            var made: [Subscriber] = []
            for (index, name) in ["Carol", "alice", "Bob_1", "dave"].enumerated() {
                let subscriber = try await store.createSubscriber(
                    Drafts.subscriber("\(name.lowercased())@example.com", name: name),
                    lists: index < 3 ? [a.id, b.id] : [c.id], status: index == 0 ? .confirmed : .unconfirmed,
                    at: Drafts.epoch + Double(index))
                made.append(subscriber)
            }
            let (alice, bob, carol, dave) = (
                "alice@example.com", "bob_1@example.com", "carol@example.com", "dave@example.com"
            )
            #expect(try await Self.listing(store).emails == [alice, bob, carol, dave])
            // On both lists, yet listed once.
            #expect(try await Self.listing(store, lists: [a.id, b.id]) == Listing([alice, bob, carol], 3))
            #expect(try await Self.listing(store, lists: [a.id]) == Listing([alice, bob, carol], 3))
            let confirmed = try await Self.listing(store, lists: [a.id], status: .confirmed)
            #expect(confirmed == Listing([carol], 1))
            let unconfirmed = try await Self.listing(store, lists: [a.id, c.id], status: .unconfirmed)
            #expect(unconfirmed == Listing([alice, bob, dave], 3))
            #expect(try await Self.listing(store, lists: []) == Listing([], 0))
            let ids = [made[1].id, made[3].id]
            #expect(try await Self.listing(store, ids: Set(ids)) == Listing([alice, dave], 2))
            #expect(try await Self.listing(store, ids: []) == Listing([], 0))
            // Case-insensitive, in the name or the address; `_` taken literally.
            #expect(try await Self.listing(store, search: "ALICE").emails == [alice])
            #expect(try await Self.listing(store, search: "b_").emails == [bob])
            #expect(try await Self.listing(store, search: "_").emails == [bob])
            let paged = try await Self.listing(store, page: Pagination(page: 2, perPage: 3), direction: .desc)
            #expect(paged == Listing([alice], 4))
            let onList = try await Self.listing(store, lists: [a.id], page: Pagination(page: 2, perPage: 2))
            #expect(onList == Listing([carol], 3))
            // The default order: newest id first, each with its subscriptions.
            let newest = try await store.subscribers(SubscriberQuery()).items
            #expect(newest.map(\.id) == made.map(\.id).reversed())
            #expect(newest.last?.subscriptions.map(\.list.id) == [a.id, b.id])
        }
    }

    @Test("export batches: ids above the last, in id order, the filters applied", arguments: TestBackend.enabled)
    func exportBatches(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let store = stores.subscribers
            let (a, _, _) = try await Self.lists(stores)
            var made: [Subscriber] = []
            for index in 0..<7 {
                made.append(
                    try await store.createSubscriber(
                        Drafts.subscriber("e\(index)@example.com", attributes: ["n": .number(Double(index))]),
                        lists: index.isMultiple(of: 2) ? [a.id] : [], status: .confirmed, at: Drafts.epoch))
            }
            var all = SubscriberQuery()
            all.direction = .desc  // ignored: batches are in id order
            let first = try await store.subscriberBatch(all, after: nil, limit: 3)
            #expect(first.map(\.id) == made.prefix(3).map(\.id))
            #expect(first.first?.email == "e0@example.com" && first.first?.uuid == made[0].uuid)
            #expect((try JSONValue.parse(first[1].attributesJSON)) == .object(["n": .number(1)]))
            let rest = try await store.subscriberBatch(all, after: first.last?.id, limit: 10)
            #expect(rest.map(\.id) == made.dropFirst(3).map(\.id))
            #expect(try await store.subscriberBatch(all, after: made.last?.id, limit: 10).isEmpty)
            var onList = SubscriberQuery()
            onList.lists = [a.id]
            #expect(
                try await store.subscriberBatch(onList, after: made[0].id, limit: 2).map(\.email) == [
                    "e2@example.com", "e4@example.com",
                ])
        }
    }
}

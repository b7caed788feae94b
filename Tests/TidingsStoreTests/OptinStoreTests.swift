import Foundation
import Testing
import TidingsCore
import TidingsServer
import TidingsTestSupport

/// The two store calls behind the double opt-in link, on both databases.
@Suite struct OptinStoreTests {
    @Test(
        "a subscriber is found by its UUID; confirming touches only unconfirmed subscriptions of a non-blocklisted subscriber",
        arguments: TestBackend.enabled)
    func confirm(backend: TestBackend) async throws {
        try await backend.withServices { services async throws in
            let store = services.stores.subscribers
            let lists = services.stores.lists
            let a = try await lists.createList(UserRoleStoreTests.draft("A"), at: Date())
            let b = try await lists.createList(UserRoleStoreTests.draft("B"), at: Date())
            let c = try await lists.createList(UserRoleStoreTests.draft("C"), at: Date())
            let draft = SubscriberDraft(email: "o@example.com", name: "O", attributes: [:], status: .enabled)
            let subscriber = try await store.createSubscriber(
                draft, lists: [a.id, b.id], status: .unconfirmed, at: Date())
            try await store.changeSubscriptions(
                ids: [subscriber.id], action: .add, lists: [c.id], status: .unsubscribed, overwrite: true, at: Date())

            let found = try #require(try await store.subscriber(uuid: subscriber.uuid))
            #expect(found.id == subscriber.id)
            #expect(found.subscriptions.count == 3)
            #expect(try await store.subscriber(uuid: UUID()) == nil)

            #expect(try await store.confirmSubscriptions(of: subscriber.id, lists: [a.id, c.id], at: Date()) == 1)
            let statuses = try #require(try await store.subscriber(id: subscriber.id)).subscriptions
                .reduce(into: [ListID: SubscriptionStatus]()) { $0[$1.list.id] = $1.status }
            #expect(statuses == [a.id: .confirmed, b.id: .unconfirmed, c.id: .unsubscribed])
            #expect(try await store.confirmSubscriptions(of: subscriber.id, lists: [a.id], at: Date()) == 0)
            #expect(try await store.confirmSubscriptions(of: subscriber.id, lists: [], at: Date()) == 0)

            let blocked = try await store.createSubscriber(
                SubscriberDraft(email: "b@example.com", name: "B", attributes: [:], status: .enabled), lists: [b.id],
                status: .unconfirmed, at: Date())
            try await services.engine.write { database in
                try await database.raw(
                    "UPDATE subscribers SET status = 'blocklisted' WHERE id = \(bind: blocked.id.rawValue)"
                ).run()
            }
            #expect(try await store.confirmSubscriptions(of: blocked.id, lists: [b.id], at: Date()) == 0)
            #expect(try await lists.list(id: b.id)?.subscriberStatuses == ["unconfirmed": 2])
        }
    }
}

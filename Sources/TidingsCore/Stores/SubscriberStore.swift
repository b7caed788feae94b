import Foundation

/// Persistence of subscribers and their subscriptions. Every method is atomic. Subscription
/// counts per list follow every write (the database keeps them; see migration 4).
///
/// Invariant kept by every write: a blocklisted subscriber's subscriptions are all `unsubscribed`.
public protocol SubscriberStore: Sendable {
    /// One page of subscribers matching `query` (each subscriber once), with the total across pages.
    func subscribers(_ query: SubscriberQuery) async throws -> Page<Subscriber>
    func subscriber(id: SubscriberID) async throws -> Subscriber?
    /// The subscriber with this public id (the one in its links), with its subscriptions.
    func subscriber(uuid: UUID) async throws -> Subscriber?
    /// Up to `limit` subscribers matching `query`'s filters with ids above `after`, in id order,
    /// without their subscriptions: one batch of an export, however large the whole.
    func subscriberBatch(_ query: SubscriberQuery, after: SubscriberID?, limit: Int) async throws -> [SubscriberRow]
    /// Up to `limit` subscribers of the listing `query` describes (filters, order and direction,
    /// with their subscriptions), resuming just past `cursor`, or at the start of `query.page` when
    /// it is `nil` (the page's size is for the caller to count down). Answers where the next batch
    /// resumes, `nil` when there is no more: one batch of a page too large to read at once.
    func subscribers(
        _ query: SubscriberQuery, after cursor: SubscriberCursor?, limit: Int
    ) async throws -> (subscribers: [Subscriber], next: SubscriberCursor?)
    /// Inserts a subscriber on `lists` (ids of lists that do not exist are ignored), each
    /// subscription with `status`. Throws `StoreFailure.taken` when the e-mail address is taken.
    func createSubscriber(
        _ draft: SubscriberDraft, lists: [ListID], status: SubscriptionStatus, at: Date
    ) async throws -> Subscriber
    /// Writes `draft` over a subscriber and, when given, replaces its subscriptions as
    /// `SubscriptionReplacement` describes. Throws `StoreFailure.notFound` when there is no such
    /// subscriber and `taken` when the e-mail address belongs to another.
    func updateSubscriber(
        id: SubscriberID, draft: SubscriberDraft, subscriptions: SubscriptionReplacement?, at: Date
    ) async throws -> Subscriber
    /// Deletes subscribers (and their subscriptions). Unknown ids are ignored.
    func deleteSubscribers(ids: [SubscriberID]) async throws
    /// Blocklists subscribers and unsubscribes them from every list. Unknown ids are ignored.
    func blocklistSubscribers(ids: [SubscriberID], at: Date) async throws
    /// Adds, removes or unsubscribes subscriptions of `ids` to `lists`. `add` inserts with
    /// `status ?? .unconfirmed`, and sets an existing subscription to `status` only when
    /// `overwrite` is true and `status` is given.
    func changeSubscriptions(
        ids: [SubscriberID], action: SubscriptionAction, lists: [ListID], status: SubscriptionStatus?,
        overwrite: Bool, at: Date
    ) async throws
    /// Confirms the subscriber's `unconfirmed` subscriptions to `lists` (double opt-in); other
    /// statuses, and a blocklisted subscriber, are left alone. Answers how many it confirmed.
    func confirmSubscriptions(of id: SubscriberID, lists: [ListID], at: Date) async throws -> Int
    /// The lists each existing subscriber among `ids` is subscribed to (any status); unknown ids
    /// are absent from the answer.
    func subscribedLists(of ids: [SubscriberID]) async throws -> [SubscriberID: Set<ListID>]
}

/// Writing imported subscribers in batches.
public protocol SubscriberImportStore: Sendable {
    /// Writes `rows` (unique e-mail addresses) as `options` says, in one transaction. Existing
    /// subscribers keep their name, attributes and subscription statuses unless told to
    /// overwrite them; blocklisting also unsubscribes them everywhere. With `options.scope`, an
    /// existing subscriber on none of those lists is left entirely alone; returns the lines of
    /// the rows so skipped.
    @discardableResult
    func importSubscribers(_ rows: [ImportRow], options: ImportOptions, at: Date) async throws -> [Int]
}

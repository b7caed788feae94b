import Foundation

/// Subscribers, validated as listmonk validates them and guarded by the caller's list access.
/// Where listmonk widens a restricted caller's view or answers
/// a 500, this service narrows or answers a 4xx; `docs/compatibility.md` lists each case.
public struct SubscriberService: Sendable {
    private let listStore: any ListStore
    private let subscriberStore: any SubscriberStore
    private let clock: WallClock
    private let optin: OptinMail
    private let outbox: any MailOutbox

    /// `optin` writes the double opt-in mail that `outbox` delivers.
    public init(
        listStore: any ListStore, subscriberStore: any SubscriberStore, clock: WallClock, optin: OptinMail,
        outbox: any MailOutbox
    ) {
        self.listStore = listStore
        self.subscriberStore = subscriberStore
        self.clock = clock
        self.optin = optin
        self.outbox = outbox
    }

    // MARK: Reading

    /// A page of the subscribers `principal` may see. `requestedLists` are the `list_id`s asked
    /// for: narrowed to the caller's lists (never widened, unlike listmonk).
    public func subscribers(
        _ query: SubscriberQuery, requestedLists: [ListID], for principal: Principal
    ) async throws -> Page<Subscriber> {
        try await subscriberStore.subscribers(try scoped(query, requestedLists: requestedLists, for: principal))
    }

    /// A page too large to read at once (`per_page=all` over a million subscribers): its total,
    /// counted first, and a reader of its subscribers in the listing's order, `batchSize` per
    /// read of the store, so memory holds one batch and the database is free between batches.
    public func largePage(
        _ query: SubscriberQuery, requestedLists: [ListID], for principal: Principal, batchSize: Int = 1_000
    ) async throws -> (total: Int, subscribers: BatchReader<Subscriber, SubscriberCursor>) {
        let query = try scoped(query, requestedLists: requestedLists, for: principal)
        var counting = query
        counting.page = Pagination(page: 1, perPage: 0)  // an empty page: only its total is read
        let total = try await subscriberStore.subscribers(counting).total
        let store = subscriberStore
        let reader = BatchReader(batchSize: batchSize, limit: query.page.perPage) { cursor, limit in
            let batch = try await store.subscribers(query, after: cursor, limit: limit)
            return (batch.subscribers, batch.next)
        }
        return (total, reader)
    }

    /// Every subscriber `principal` may see that matches `query`, in id order, `batchSize` at a
    /// time: memory stays bounded however many there are.
    public func export(
        _ query: SubscriberQuery, requestedLists: [ListID], for principal: Principal, batchSize: Int = 1_000
    ) throws -> BatchReader<SubscriberRow, SubscriberID> {
        let query = try scoped(query, requestedLists: requestedLists, for: principal)
        let store = subscriberStore
        return BatchReader(batchSize: batchSize) { last, limit in
            let rows = try await store.subscriberBatch(query, after: last, limit: limit)
            return (rows, rows.count < limit ? nil : rows.last?.id)
        }
    }

    /// `query` within what `principal` may see: requested lists are narrowed to the caller's
    /// (never widened, unlike listmonk); without any, `subscribers:get_all` sees everyone and
    /// others the subscribers of their lists. A search longer than
    /// `SearchText.maximumLength` is refused.
    private func scoped(
        _ query: SubscriberQuery, requestedLists: [ListID], for principal: Principal
    ) throws -> SubscriberQuery {
        try query.checkSearch()
        var query = query
        let visible = principal.lists.subscriberLists
        query.scope = principal.has(.subscribersGetAll) ? nil : visible
        if !requestedLists.isEmpty {
            let requested = Set(requestedLists)
            query.lists = visible.map { requested.intersection($0) } ?? requested
        } else {
            query.subscriptionStatus = nil  // only meaningful with a list filter, as in listmonk
            query.lists = principal.has(.subscribersGetAll) ? nil : visible
        }
        return query
    }

    public func subscriber(_ id: SubscriberID, for principal: Principal) async throws -> Subscriber {
        try await requireAccess(to: [id], for: principal)
        guard let subscriber = try await subscriberStore.subscriber(id: id) else { throw Self.notFound(id) }
        return subscriber
    }

    // MARK: Writing

    /// Creates a subscriber on the lists among `lists` the caller may manage (listmonk's
    /// `preconfirm_subscriptions` makes them `confirmed`).
    public func create(
        _ input: SubscriberInput, lists: [ListID], preconfirm: Bool, for principal: Principal
    ) async throws -> Subscriber {
        let draft = try input.draft(over: nil)
        let targets = try await manageable(lists, for: principal)
        let subscriber = try await storeCall(.subscriber) {
            try await subscriberStore.createSubscriber(
                draft, lists: targets, status: preconfirm ? .confirmed : .unconfirmed, at: clock.now())
        }
        // The subscriber exists whatever happens to the mail: a full queue (which the outbox
        // logs) is no reason to fail the request; `POST …/optin` sends it again.
        _ = try? queueOptin(for: subscriber)
        return subscriber
    }

    /// Writes `change` over a subscriber the caller may act on. `lists`, when given, replaces
    /// the subscriptions to the lists the caller may manage; the others are left alone.
    public func update(
        _ id: SubscriberID, lists: [ListID]?, preconfirm: Bool, for principal: Principal,
        change: (Subscriber) throws -> SubscriberInput
    ) async throws -> Subscriber {
        try await requireAccess(to: [id], for: principal)
        guard let current = try await subscriberStore.subscriber(id: id) else { throw Self.notFound(id) }
        let draft = try change(current).draft(over: current)
        var replacement: SubscriptionReplacement?
        if let lists {
            replacement = SubscriptionReplacement(
                lists: try await manageable(lists, for: principal), scope: principal.lists.manageableLists,
                status: preconfirm ? .confirmed : .unconfirmed)
        }
        do {
            return try await storeCall(.subscriber) {
                try await subscriberStore.updateSubscriber(
                    id: id, draft: draft, subscriptions: replacement, at: clock.now())
            }
        } catch let error as TidingsError where error.kind == .notFound {
            throw Self.notFound(id)
        }
    }

    public func delete(_ ids: [SubscriberID], for principal: Principal) async throws {
        try await requireAccess(to: ids, for: principal)
        try await subscriberStore.deleteSubscribers(ids: ids)
    }

    public func blocklist(_ ids: [SubscriberID], for principal: Principal) async throws {
        try await requireAccess(to: ids, for: principal)
        try await subscriberStore.blocklistSubscribers(ids: ids, at: clock.now())
    }

    /// `PUT /api/subscribers/lists`: add, remove or unsubscribe `ids` on the target lists the
    /// caller may manage.
    public func changeSubscriptions(
        _ ids: [SubscriberID], action: SubscriptionAction, lists: [ListID], status: SubscriptionStatus?,
        for principal: Principal
    ) async throws {
        try await requireAccess(to: ids, for: principal)
        let targets = try await manageable(lists, for: principal)
        try await subscriberStore.changeSubscriptions(
            ids: ids, action: action, lists: targets, status: status, overwrite: true, at: clock.now())
    }

    // MARK: Double opt-in

    /// `POST /api/subscribers/{id}/optin`: queues the opt-in mail again. `false` when the
    /// subscriber has no unconfirmed double opt-in subscription (nothing is sent).
    @discardableResult
    public func sendOptin(_ id: SubscriberID, for principal: Principal) async throws -> Bool {
        try await requireAccess(to: [id], for: principal)
        guard let subscriber = try await subscriberStore.subscriber(id: id) else { throw Self.notFound(id) }
        return try queueOptin(for: subscriber)
    }

    private func queueOptin(for subscriber: Subscriber) throws -> Bool {
        let lists = OptinMail.pending(for: subscriber)
        guard !lists.isEmpty else { return false }
        do {
            try outbox.enqueue(optin.message(for: subscriber, lists: lists))
        } catch {
            throw TidingsError(.unavailable, code: "mail_queue_full", message: "Error sending opt-in e-mail.")
        }
        return true
    }

    /// What the public opt-in link (`/subscription/optin/<uuid>?l=…`) is about: the subscriber
    /// and those of its pending double opt-in lists that `listUUIDs` names (all when empty).
    /// `nil` when no subscriber has that id.
    public func pendingOptin(subscriber uuid: UUID, lists listUUIDs: [UUID]) async throws -> PendingOptin? {
        guard let subscriber = try await subscriberStore.subscriber(uuid: uuid) else { return nil }
        let wanted = Set(listUUIDs)
        let lists = OptinMail.pending(for: subscriber).filter { wanted.isEmpty || wanted.contains($0.uuid) }
        return PendingOptin(subscriber: subscriber, lists: lists)
    }

    /// Confirms what `pendingOptin` describes. Answers the lists now confirmed (none when the
    /// link was already used); `nil` when no subscriber has that id.
    public func confirmOptin(subscriber uuid: UUID, lists listUUIDs: [UUID]) async throws -> PendingOptin? {
        guard let pending = try await pendingOptin(subscriber: uuid, lists: listUUIDs) else { return nil }
        _ = try await subscriberStore.confirmSubscriptions(
            of: pending.subscriber.id, lists: pending.lists.map(\.id), at: clock.now())
        return pending
    }

    // MARK: By query

    /// Deletes every subscriber `principal` may see that matches `query`, a batch at a time.
    public func deleteMatching(
        _ query: SubscriberQuery, requestedLists: [ListID], for principal: Principal
    )
        async throws
    {
        try await eachMatchingBatch(query, requestedLists: requestedLists, for: principal) { ids in
            try await subscriberStore.deleteSubscribers(ids: ids)
        }
    }

    /// Blocklists every subscriber `principal` may see that matches `query`.
    public func blocklistMatching(
        _ query: SubscriberQuery, requestedLists: [ListID], for principal: Principal
    )
        async throws
    {
        try await eachMatchingBatch(query, requestedLists: requestedLists, for: principal) { ids in
            try await subscriberStore.blocklistSubscribers(ids: ids, at: clock.now())
        }
    }

    /// Adds, removes or unsubscribes every matching subscriber on the target lists the caller
    /// may manage. Unlike the by-id action, `add` never changes an existing subscription.
    public func changeSubscriptionsMatching(
        _ query: SubscriberQuery, requestedLists: [ListID], action: SubscriptionAction, lists: [ListID],
        status: SubscriptionStatus?, for principal: Principal
    ) async throws {
        let targets = try await manageable(lists, for: principal)
        try await eachMatchingBatch(query, requestedLists: requestedLists, for: principal) { ids in
            try await subscriberStore.changeSubscriptions(
                ids: ids, action: action, lists: targets, status: status, overwrite: false, at: clock.now())
        }
    }

    private func eachMatchingBatch(
        _ query: SubscriberQuery, requestedLists: [ListID], for principal: Principal,
        apply: ([SubscriberID]) async throws -> Void
    ) async throws {
        var matching = try export(query, requestedLists: requestedLists, for: principal)
        while let batch = try await matching.next() { try await apply(batch.map(\.id)) }
    }

    // MARK: Access

    /// Each existing subscriber among `ids` must be on at least one list the caller may see or
    /// act on (unknown ids pass, as in listmonk); else `Permission denied: subscriber: <id>`.
    private func requireAccess(to ids: [SubscriberID], for principal: Principal) async throws {
        guard let permitted = principal.lists.subscriberLists else { return }
        let subscribed = try await subscriberStore.subscribedLists(of: ids)
        for id in ids {
            if let lists = subscribed[id], lists.isDisjoint(with: permitted) {
                throw TidingsError(
                    .forbidden, code: "permission_denied", message: "Permission denied: subscriber: \(id)",
                    details: ["subscriber_id": id.description])
            }
        }
    }

    /// The lists among `lists` the caller may manage; asking only for others is refused with
    /// listmonk's `Permission denied: lists`. A caller who may manage every list is told which
    /// ids name no list (listmonk drops them silently); a list-scoped caller is not, so that it
    /// learns nothing of lists outside its scope.
    private func manageable(_ lists: [ListID], for principal: Principal) async throws -> [ListID] {
        guard let manageable = principal.lists.manageableLists else {
            try await requireExisting(lists)
            return lists
        }
        let allowed = lists.filter(manageable.contains)
        if !lists.isEmpty, allowed.isEmpty {
            throw TidingsError(.forbidden, code: "permission_denied", message: "Permission denied: lists")
        }
        return allowed
    }

    /// `400 Invalid fields: lists (no list with id …)` naming every id that is not a list.
    private func requireExisting(_ lists: [ListID]) async throws {
        guard !lists.isEmpty else { return }
        let found = Set(try await listStore.minimalLists(status: nil, onlyIDs: Set(lists)).map(\.id))
        var unknown: [ListID] = []
        for list in lists where !found.contains(list) && !unknown.contains(list) { unknown.append(list) }
        guard unknown.isEmpty else {
            throw TidingsError.invalidField(
                "lists",
                "Invalid fields: lists (no list with id \(unknown.map(\.description).joined(separator: ", ")))")
        }
    }

    /// listmonk's text, with a 404 (listmonk answers 400).
    static func notFound(_ id: SubscriberID) -> TidingsError {
        TidingsError(.notFound, code: "not_found", message: "Subscriber (\(id): ) not found")
    }
}

/// A subscriber and the double opt-in lists it has yet to confirm.
public struct PendingOptin: Sendable, Equatable {
    public var subscriber: Subscriber
    public var lists: [MailingList]
}

/// A subscriber's fields as a client sent them, before validation. `nil` keeps the current
/// value on update (and takes listmonk's default on create).
public struct SubscriberInput: Sendable, Equatable {
    public var email: String?
    public var name: String?
    public var status: String?
    public var attributes: [String: JSONValue]?

    public init(
        email: String? = nil, name: String? = nil, status: String? = nil, attributes: [String: JSONValue]? = nil
    ) {
        self.email = email
        self.name = name
        self.status = status
        self.attributes = attributes
    }

    /// The validated draft: e-mail trimmed and lower-cased (`400 Invalid email.`), name trimmed
    /// (derived from the address when empty, ≤ 2000 bytes), status one of listmonk's.
    public func draft(over current: Subscriber?) throws -> SubscriberDraft {
        let email = (email ?? current?.email ?? "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard !email.isEmpty, email.utf8.count <= 1000, Validation.isValidEmail(email) else {
            throw TidingsError(
                .badRequest, code: "invalid_email", message: "Invalid email.", details: ["field": "email"])
        }
        var name = (name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty { name = current?.name ?? Self.name(fromEmail: email) }
        guard name.utf8.count <= Validation.maxFieldBytes else {
            throw TidingsError(.badRequest, code: "invalid_name", message: "Invalid name.", details: ["field": "name"])
        }
        let status: SubscriberStatus
        if let raw = self.status, !raw.isEmpty {
            guard let parsed = SubscriberStatus(rawValue: raw) else { throw TidingsError.invalidField("status") }
            status = parsed
        } else {
            status = current?.status ?? .enabled
        }
        let attributes = attributes ?? [:]
        guard JSONValue.object(attributes).text.utf8.count <= 1 << 20 else {
            throw TidingsError.invalidField("attribs", "Invalid fields: attribs (larger than 1 MiB)")
        }
        return SubscriberDraft(email: email, name: name, attributes: attributes, status: status)
    }

    /// listmonk's name for a subscriber created without one: the address's local part, dots as
    /// spaces, each word capitalised (`jane.doe@…` → `Jane Doe`).
    static func name(fromEmail email: String) -> String {
        let local = email.split(separator: "@").first.map(String.init) ?? email
        return local.split(separator: ".").map { word in word.prefix(1).uppercased() + word.dropFirst() }
            .joined(separator: " ")
    }
}

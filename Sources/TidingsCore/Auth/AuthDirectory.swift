import Synchronization

/// The in-memory cache of `AuthSnapshot` that keeps the token path free of database reads.
///
/// - Any write to users, roles, tokens or lists through this process calls `invalidate()`; the
///   next request loads a fresh snapshot (once, however many requests wait for it). A load that
///   began before an invalidation is never served to a request that arrived after it, so a change
///   takes effect on the very next request.
/// - Changes made by another process (the CLI, another instance on the same PostgreSQL) are
///   picked up by a background refresh once the snapshot is older than `refreshAfter`, while
///   requests go on being served from the current one; and a token whose key id is unknown
///   triggers a reload, at most once per `missReloadInterval`, without stalling other requests.
public final class AuthDirectory: Sendable {
    private struct Loaded {
        let generation: UInt64
        let snapshot: AuthSnapshot
        let loadedAt: ContinuousClock.Instant
    }

    private struct State {
        var generation: UInt64 = 0
        var current: Loaded?
        var loading: (generation: UInt64, task: Task<AuthSnapshot, any Error>)?
    }

    private let state = Mutex(State())
    /// What `cachedSnapshot()` would answer, for the token path to read on every request without
    /// the lock: the current snapshot's serial (0: none is current), and when it is due for a
    /// background refresh (nanoseconds after `epoch`). Written only under `state`'s lock.
    private let currentSerial = Atomic<UInt64>(0)
    private let refreshDue = Atomic<Int64>(.max)
    private let epoch: ContinuousClock.Instant
    private let load: @Sendable () async throws -> AuthSnapshot
    private let refreshAfter: Duration
    private let missReloadInterval: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let changes: (any AuthChangeChannel)?

    /// - Parameter now: the time source for snapshot ages (tests move it by hand).
    public init(
        refreshAfter: Duration = .seconds(5), missReloadInterval: Duration = .seconds(1),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }, changes: (any AuthChangeChannel)? = nil,
        load: @escaping @Sendable () async throws -> AuthSnapshot
    ) {
        self.changes = changes
        self.load = load
        self.refreshAfter = refreshAfter
        self.missReloadInterval = missReloadInterval
        self.now = now
        epoch = now()
    }

    /// Builds snapshots from the user, role and token stores.
    public convenience init(
        userStore: any UserStore, roleStore: any RoleStore, tokenStore: any TokenStore,
        refreshAfter: Duration = .seconds(5), changes: (any AuthChangeChannel)? = nil
    ) {
        self.init(refreshAfter: refreshAfter, changes: changes) {
            async let users = userStore.users()
            async let userRoles = roleStore.userRoles()
            async let listRoles = roleStore.listRoles()
            async let tokens = tokenStore.allTokens()
            return try await AuthSnapshot(
                users: users, userRoles: userRoles, listRoles: listRoles, tokens: tokens)
        }
    }

    /// The current snapshot, loading it if a change made the cached one stale.
    public func snapshot() async throws -> AuthSnapshot {
        if let cached = cachedSnapshot() { return cached }
        let now = self.now()
        let (ready, pending) = state.withLock { state -> (AuthSnapshot?, Task<AuthSnapshot, any Error>?) in
            if let current = state.current, current.generation == state.generation {
                return (current.snapshot, nil)
            }
            if let loading = state.loading, loading.generation == state.generation {
                return (nil, loading.task)
            }
            return (nil, startLoad(&state, at: now))
        }
        if let ready { return ready }
        return try await pending!.value
    }

    /// The snapshot, without suspending, when the cached one is current (starting a background
    /// refresh when it is older than `refreshAfter`); `nil` when a load is needed.
    public func cachedSnapshot() -> AuthSnapshot? {
        let now = self.now()
        return state.withLock { state in
            guard let current = state.current, current.generation == state.generation else { return nil }
            if now - current.loadedAt > refreshAfter, state.loading == nil {
                _ = startLoad(&state, at: now)
            }
            return current.snapshot
        }
    }

    /// Whether the snapshot numbered `serial` is still the one `cachedSnapshot()` answers with
    /// (starting a background refresh when it is due, as that does). Two atomic reads and a clock
    /// read, no lock: for a request whose credential was verified against that snapshot before.
    public func isCurrent(serial: UInt64) -> Bool {
        guard serial != 0, currentSerial.load(ordering: .sequentiallyConsistent) == serial else { return false }
        if nanosecondsSinceEpoch(now()) > refreshDue.load(ordering: .relaxed) { _ = cachedSnapshot() }
        return true
    }

    /// `snapshot()` for the authentication path: a failed load becomes `AuthFailure.unavailable`.
    public func loadedSnapshot() async throws(AuthFailure) -> AuthSnapshot {
        do { return try await snapshot() } catch { throw .unavailable }
    }

    /// `snapshotAfterMiss()` for the authentication path: a failed load becomes `.unavailable`.
    public func loadedSnapshotAfterMiss() async throws(AuthFailure) -> AuthSnapshot? {
        do { return try await snapshotAfterMiss() } catch { throw .unavailable }
    }

    /// Marks the cached snapshot stale (the next `snapshot()` reloads) and tells the other
    /// processes on the same database. Call it after every committed change to users, roles,
    /// lists or tokens.
    ///
    /// It returns once the other processes have been told (one round trip on PostgreSQL), so that
    /// when an API call that revoked a token answers, every instance already knows.
    public func invalidate() async {
        invalidateAfterRemoteChange()
        try? await changes?.announce()
    }

    /// Marks the cached snapshot stale because another process announced a change.
    public func invalidateAfterRemoteChange() {
        state.withLock { state in
            state.generation &+= 1
            publish(state)
        }
    }

    /// Loads a fresh snapshot in the background, serving the current one meanwhile (the periodic
    /// reload that catches changes whose announcement was lost, or made by the CLI on SQLite).
    public func refreshInBackground() {
        let now = self.now()
        state.withLock { state in
            guard state.loading == nil else { return }
            _ = startLoad(&state, at: now)
        }
    }

    /// Whether `snapshotAfterMiss()` would load (or wait for) a snapshot now, rather than answer
    /// `nil` at once: lets the warm token path refuse an unknown key id without suspending.
    public func reloadsAfterMiss() -> Bool {
        let now = self.now()
        return state.withLock { Self.missReloadDue($0, at: now, interval: missReloadInterval) }
    }

    private static func missReloadDue(_ state: State, at now: ContinuousClock.Instant, interval: Duration) -> Bool {
        guard let current = state.current, current.generation == state.generation else { return false }
        return now - current.loadedAt > interval
    }

    /// For a key id the snapshot does not know (it may have been created by another process a
    /// moment ago): a freshly loaded snapshot if the current one is older than
    /// `missReloadInterval`, else `nil`. Other requests go on with the current snapshot while it
    /// loads, so a flood of unknown keys costs at most one load per interval and stalls nobody.
    public func snapshotAfterMiss() async throws -> AuthSnapshot? {
        let now = self.now()
        let task = state.withLock { state -> Task<AuthSnapshot, any Error>? in
            guard Self.missReloadDue(state, at: now, interval: missReloadInterval) else { return nil }
            if let loading = state.loading, loading.generation == state.generation { return loading.task }
            return startLoad(&state, at: now)
        }
        return try await task?.value
    }

    /// Starts a load for the current generation; the task installs its own result, so a
    /// background refresh completes even when no request waits for it.
    private func startLoad(_ state: inout State, at start: ContinuousClock.Instant) -> Task<AuthSnapshot, any Error> {
        let generation = state.generation
        let load = self.load
        let task = Task { [weak self] in
            do {
                let snapshot = try await load()
                self?.install(snapshot, generation: generation, loadedAt: start)
                return snapshot
            } catch {
                self?.finishLoading(generation)
                throw error
            }
        }
        state.loading = (generation, task)
        return task
    }

    private func install(_ snapshot: AuthSnapshot, generation: UInt64, loadedAt: ContinuousClock.Instant) {
        state.withLock { state in
            if state.loading?.generation == generation { state.loading = nil }
            if generation == state.generation {
                state.current = Loaded(generation: generation, snapshot: snapshot, loadedAt: loadedAt)
                publish(state)
            }
        }
    }

    /// Mirrors `state` into the lock-free fields `isCurrent(serial:)` reads; called under the lock
    /// after every change to which snapshot is current.
    private func publish(_ state: State) {
        guard let current = state.current, current.generation == state.generation else {
            currentSerial.store(0, ordering: .sequentiallyConsistent)
            return
        }
        refreshDue.store(nanosecondsSinceEpoch(current.loadedAt + refreshAfter), ordering: .relaxed)
        currentSerial.store(current.snapshot.serial, ordering: .sequentiallyConsistent)
    }

    /// Saturating: a refresh period of centuries is "never", not a crash.
    private func nanosecondsSinceEpoch(_ instant: ContinuousClock.Instant) -> Int64 {
        let (seconds, attoseconds) = (instant - epoch).components
        let (nanoseconds, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        return nanoseconds.addingReportingOverflow(attoseconds / 1_000_000_000).overflow
            ? .max : nanoseconds + attoseconds / 1_000_000_000
    }

    private func finishLoading(_ generation: UInt64) {
        state.withLock { state in
            if state.loading?.generation == generation { state.loading = nil }
        }
    }
}

import Synchronization

/// The in-memory cache of `AuthSnapshot` that keeps the token path free of database reads.
///
/// Any write to users, roles, tokens or lists calls `invalidate()`; the next request then loads a
/// fresh snapshot (once, however many requests wait for it). A load that began before an
/// invalidation is never served to a request that arrived after it, so a change takes effect
/// on the very next request.
public final class AuthDirectory: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var current: (generation: UInt64, snapshot: AuthSnapshot)?
        var loading: (generation: UInt64, task: Task<AuthSnapshot, any Error>)?
    }

    private let state = Mutex(State())
    private let load: @Sendable () async throws -> AuthSnapshot

    public init(load: @escaping @Sendable () async throws -> AuthSnapshot) {
        self.load = load
    }

    /// Builds snapshots from the stores.
    public convenience init(stores: Stores) {
        self.init {
            async let users = stores.users.users()
            async let userRoles = stores.roles.userRoles()
            async let listRoles = stores.roles.listRoles()
            async let tokens = stores.tokens.allTokens()
            return try await AuthSnapshot(
                users: users, userRoles: userRoles, listRoles: listRoles, tokens: tokens)
        }
    }

    /// The current snapshot, loading it if a change made the cached one stale.
    public func snapshot() async throws -> AuthSnapshot {
        let (ready, pending) = state.withLock { state -> (AuthSnapshot?, (UInt64, Task<AuthSnapshot, any Error>)?) in
            if let current = state.current, current.generation == state.generation {
                return (current.snapshot, nil)
            }
            if let loading = state.loading, loading.generation == state.generation {
                return (nil, loading)
            }
            let load = self.load
            let task = Task { try await load() }
            state.loading = (state.generation, task)
            return (nil, (state.generation, task))
        }
        if let ready { return ready }
        let (generation, task) = pending!
        do {
            let snapshot = try await task.value
            state.withLock { state in
                if state.loading?.generation == generation { state.loading = nil }
                if generation == state.generation, (state.current?.generation ?? 0) <= generation {
                    state.current = (generation, snapshot)
                }
            }
            return snapshot
        } catch {
            state.withLock { state in
                if state.loading?.generation == generation { state.loading = nil }
            }
            throw error
        }
    }

    /// Marks the cached snapshot stale; the next `snapshot()` reloads.
    public func invalidate() {
        state.withLock { $0.generation &+= 1 }
    }
}

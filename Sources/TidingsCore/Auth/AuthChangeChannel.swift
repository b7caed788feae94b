/// Carries "users, roles or tokens changed" between Tidings processes that share one database,
/// so that a token revoked through one instance is refused by every other within a second.
/// (Each process also reloads periodically, in case a message is lost.)
public protocol AuthChangeChannel: Sendable {
    /// Tells the other processes that something changed. Called after the change committed.
    func announce() async throws
    /// Calls `onChange` for every change another process announces, until the task is cancelled
    /// or the connection fails (then it throws, and the caller listens again). It also calls
    /// `onChange` once as soon as it listens, for whatever happened while it was not listening.
    func listen(onChange: @escaping @Sendable () -> Void) async throws
}

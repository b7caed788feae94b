/// Persistence of the audit log: append and read, nothing else (the database refuses updates
/// and deletes of its rows as well).
public protocol AuditStore: Sendable {
    /// Appends events in one transaction, in order.
    func appendAuditEvents(_ events: [AuditEvent]) async throws
    /// Events matching `query`, newest first, with the total count.
    func auditEvents(_ query: AuditQuery) async throws -> Page<AuditEvent>
}

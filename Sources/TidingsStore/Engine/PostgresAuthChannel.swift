import Foundation
import PostgresNIO
import TidingsCore

/// `AuthChangeChannel` over PostgreSQL's LISTEN/NOTIFY. Each process tags its announcements with
/// its own id and ignores them when they come back.
public struct PostgresAuthChannel: AuthChangeChannel {
    /// The notification channel's name.
    static let channel = "tidings_auth"

    private let client: PostgresClient
    private let instance = UUID().uuidString
    private let logger: Logger

    init(engine: PostgresEngine, logger: Logger) {
        self.client = engine.client
        self.logger = logger
    }

    public func announce() async throws {
        _ = try await client.query("SELECT pg_notify(\(Self.channel), \(instance))", logger: logger)
    }

    public func listen(onChange: @escaping @Sendable () -> Void) async throws {
        let instance = instance
        try await client.withConnection { connection in
            try await connection.listen(on: Self.channel) { notifications in
                onChange()
                for try await notification in notifications where notification.payload != instance {
                    onChange()
                }
            }
        }
    }
}

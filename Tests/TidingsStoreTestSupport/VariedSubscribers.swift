import Foundation
import SQLKit
import TidingsCore
import TidingsStore

/// Subscribers written straight into the tables, for tests of large listings: they differ in
/// every column a listing can be ordered by, in an order unlike their ids, and tie in each
/// (names, statuses and times repeat, times to the microsecond), so only the id tells tied rows
/// apart. Every third is subscribed (`confirmed`) to `list`, every fifth to `other`
/// (`unconfirmed`, or `unsubscribed` when blocklisted).
public enum VariedSubscribers {
    public static func insert(
        _ count: Int, list: ListID? = nil, other: ListID? = nil, engine: any DatabaseEngine
    ) async throws {
        let base = Date(timeIntervalSince1970: 1_750_000_000.123_456)
        let statuses = ["enabled", "disabled", "blocklisted"]
        let attributes: @Sendable (Int) -> SQLQueryString = { index in
            let json = #"{"n": \#(index), "city": "City \#(index % 4)"}"#
            return engine.flavor == .postgres ? "CAST(\(bind: json) AS JSONB)" : "\(bind: json)"
        }
        try await engine.write { database in
            for index in 0..<count {
                let created = base.addingTimeInterval(Double(index % 97) * 1.000_001)
                let updated = base.addingTimeInterval(Double(index % 251) * 0.000_013)
                try await database.raw(
                    """
                    INSERT INTO subscribers (uuid, email, name, attribs, status, created_at, updated_at)
                    VALUES (\(bind: UUID()), \(bind: "u\(index * 7_919 % 10_007)@example.com"),
                        \(bind: "Name \(index % 37)"), \(attributes(index)), \(bind: statuses[index % 3]),
                        \(bind: created), \(bind: updated))
                    """
                ).run()
                for (target, every, status) in [(list, 3, "confirmed"), (other, 5, "unconfirmed")] {
                    guard let target, index % every == 0 else { continue }
                    try await database.raw(
                        """
                        INSERT INTO subscriber_lists (subscriber_id, list_id, status, created_at, updated_at)
                        VALUES ((SELECT MAX(id) FROM subscribers), \(bind: target.rawValue),
                            \(bind: statuses[index % 3] == "blocklisted" ? "unsubscribed" : status),
                            \(bind: created), \(bind: updated))
                        """
                    ).run()
                }
            }
        }
    }
}

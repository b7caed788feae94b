import Foundation
import SQLKit

extension Migration {
    /// The two lists a new listmonk installation starts with, so that examples subscribing to
    /// `"lists": [1]` work on a new database: list 1, "Default list" (private, single opt-in)
    /// and list 2, "Opt-in list" (public, double opt-in), both tagged `test`.
    ///
    /// Only on a database nobody has used yet: no user, no list, no subscriber. A database that
    /// was in use before this version keeps the lists it has. As a migration it runs once per
    /// database, so lists deleted afterwards are never created again.
    static let defaultLists = Migration(
        version: 7, name: "default lists", statements: [],
        seed: { database, flavor, now in
            let used = try await database.raw(
                """
                SELECT 1 AS used FROM users UNION ALL SELECT 1 FROM lists UNION ALL SELECT 1 FROM subscribers LIMIT 1
                """
            ).first()
            guard used == nil else { return }
            for list in defaults {
                try await database.raw(
                    """
                    INSERT INTO lists (uuid, name, type, optin, status, tags, description, created_at, updated_at)
                    VALUES (\(bind: SQLStore.uuidBind(UUID(), flavor: flavor)), \(bind: list.name), \(bind: list.type),
                        \(bind: list.optin), 'active', '["test"]', '', \(bind: now), \(bind: now))
                    """
                ).run()
            }
        })

    /// Name, type and opt-in of each default list, in id order.
    static let defaults: [(name: String, type: String, optin: String)] = [
        ("Default list", "private", "single"), ("Opt-in list", "public", "double"),
    ]
}

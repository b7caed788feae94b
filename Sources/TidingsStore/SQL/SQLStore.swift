import Foundation
import PostgresNIO
import SQLKit
import SQLiteNIO
import TidingsCore

/// The one SQL implementation of the store protocols, on SQLite and PostgreSQL alike.
/// Queries are shared; where the dialects differ, `flavor` picks the fragment.
public struct SQLStore: Sendable {
    let engine: any DatabaseEngine

    public init(engine: any DatabaseEngine) { self.engine = engine }

    var flavor: SQLFlavor { engine.flavor }

    /// `uuid` as a bind: PostgreSQL's `uuid` type; on SQLite, where the column is text, the
    /// canonical lower-case form the API prints, so that a caller's SQL comparing `uuid` with
    /// what it was shown finds the row (see docs/compatibility.md).
    func uuidBind(_ uuid: UUID) -> any Encodable & Sendable { Self.uuidBind(uuid, flavor: flavor) }

    static func uuidBind(_ uuid: UUID, flavor: SQLFlavor) -> any Encodable & Sendable {
        flavor == .postgres ? uuid : uuid.uuidString.lowercased()
    }

    /// This store as every protocol the services need.
    public var stores: Stores {
        Stores(
            users: self, roles: self, lists: self, subscribers: self, imports: self, tokens: self, sessions: self,
            audit: self, twoFactor: self)
    }
}

/// JSON text columns (tags, permissions, scopes).
enum JSONColumn {
    static func encode<T: Encodable>(_ value: T) -> String {
        // Encoding arrays of strings and integers cannot fail.
        (try? String(decoding: JSONEncoder().encode(value), as: UTF8.self)) ?? "[]"
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String?) -> T? {
        guard let text else { return nil }
        return try? JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}

/// Recognises constraint violations by the drivers' codes: SQLite's extended result code and
/// PostgreSQL's SQLSTATE, never by an error's text.
enum ConstraintViolation {
    static func isUnique(_ error: any Error) -> Bool {
        if let error = error as? SQLiteError {
            return error.reason == .constraintUniqueFailed || error.reason == .constraintPrimaryKeyFailed
        }
        return sqlState(of: error) == "23505"
    }

    static func isForeignKey(_ error: any Error) -> Bool {
        if let error = error as? SQLiteError { return error.reason == .constraintForeignKeyFailed }
        return sqlState(of: error) == "23503"
    }

    /// PostgreSQL's five-character error code, when `error` came from the server.
    static func sqlState(of error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}

/// Typed column reads, so that row mapping reads like the table.
extension SQLRow {
    func string(_ column: String) throws -> String { try decode(column: column, as: String.self) }
    func optionalString(_ column: String) throws -> String? { try decode(column: column, as: String?.self) }
    func int(_ column: String) throws -> Int { try decode(column: column, as: Int.self) }
    func optionalInt(_ column: String) throws -> Int? { try decode(column: column, as: Int?.self) }
    func bool(_ column: String) throws -> Bool { try decode(column: column, as: Bool.self) }
    func date(_ column: String) throws -> Date { try decode(column: column, as: Date.self) }
    func optionalDate(_ column: String) throws -> Date? { try decode(column: column, as: Date?.self) }
    func uuid(_ column: String) throws -> UUID { try decode(column: column, as: UUID.self) }
}

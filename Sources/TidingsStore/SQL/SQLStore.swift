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
        flavor == .postgres ? uuid : uuid.lowercasedText
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

    /// An array of strings (a list's tags): read directly when no string in it has an escape,
    /// which is every array of plain tags, else through `decode`. A page of lists reads one per
    /// row, and a `JSONDecoder` costs several microseconds each.
    static func strings(from text: String?) -> [String]? {
        guard let text else { return nil }
        let bytes = text.utf8
        guard !bytes.contains(UInt8(ascii: "\\")) else { return decode([String].self, from: text) }
        var index = bytes.startIndex
        /// Whether `byte` comes next (after white space); steps over it if so.
        func take(_ byte: UInt8) -> Bool {
            while index < bytes.endIndex, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) {
                index = bytes.index(after: index)
            }
            guard index < bytes.endIndex, bytes[index] == byte else { return false }
            index = bytes.index(after: index)
            return true
        }
        var strings: [String] = []
        guard take(UInt8(ascii: "[")) else { return decode([String].self, from: text) }
        if !take(UInt8(ascii: "]")) {
            repeat {
                guard take(UInt8(ascii: "\"")), let end = bytes[index...].firstIndex(of: UInt8(ascii: "\""))
                else { return decode([String].self, from: text) }
                strings.append(String(text[index..<end]))
                index = bytes.index(after: end)
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "]")) else { return decode([String].self, from: text) }
        }
        _ = take(UInt8(ascii: " "))  // trailing white space
        return index == bytes.endIndex ? strings : decode([String].self, from: text)
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

import Foundation

/// A bound parameter of a statement on the row path (`DatabaseEngine.rows`), in the few types
/// Tidings' queries bind. SQLKit hands binds over as `any Encodable`; this is the closed set
/// they are read into, so that binding never goes through an encoder.
enum StatementValue: Sendable, Equatable {
    case integer(Int)
    case real(Double)
    case text(String)
    case null

    /// The value SQLKit was given, as SQLite stores it (dates as seconds since 1970, UUIDs as
    /// lower-case text, Booleans as 0 and 1: what SQLiteKit's encoder writes).
    init(sqliteBind bind: any Encodable & Sendable) throws {
        switch bind {
        case let value as Int: self = .integer(value)
        case let value as String: self = .text(value)
        case let value as Double: self = .real(value)
        case let value as Bool: self = .integer(value ? 1 : 0)
        case let value as Date: self = .real(value.timeIntervalSince1970)
        case let value as UUID: self = .text(value.lowercasedText)
        case let value as (any Encodable & Sendable)? where value == nil: self = .null
        default: throw UnsupportedBind(type: "\(type(of: bind))")
        }
    }
}

/// A bind of a type the row path does not know: a programming error in a store query.
struct UnsupportedBind: Error, CustomStringConvertible {
    let type: String
    var description: String { "the row path cannot bind a value of type \(type)" }
}

import Foundation
import Logging
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit
import Synchronization

/// The row path's statements on PostgreSQL, prepared once per connection and kept.
///
/// A statement PostgreSQL has prepared skips parsing and planning on every later run, which for
/// a page of lists is most of the backend's work. PostgresNIO prepares and keeps, per
/// connection, statements of a `PostgresPreparedStatement` type, whose name and text are static
/// properties that `execute` reads before it sends anything; `RowPathStatement` answers them from
/// a task-local value set around that call, so that one type serves every statement text. Each
/// distinct text gets a name of its own here. Parameters carry casts to the bound values' types
/// (`TypedBindDatabase`), so that the statement's parameter types are fixed by its text.
final class PostgresPreparedStatements: Sendable {
    /// Distinct statement texts that get a name; past this, statements run unnamed (parsed and
    /// planned each time, as before), so that an unexpected variety of texts cannot grow memory
    /// on the server or here.
    static let nameLimit = 512

    private let names = Mutex<(bySQL: [String: String], next: Int)>(([:], 1))

    /// Runs `sql` with `bindings` on `connection`, prepared if it has a name; once more under a
    /// new name if PostgreSQL no longer has the statement or its plan no longer fits (a pooler's
    /// `DISCARD ALL`, another instance changing the schema).
    func rows(
        _ sql: String, _ bindings: PostgresBindings, on connection: PostgresConnection, logger: Logger
    )
        async throws -> [PostgresRow]
    {
        guard let name = name(for: sql) else {
            return try await collect(connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger))
        }
        do {
            return try await run(name, sql, bindings, on: connection, logger: logger)
        } catch let error as PSQLError where Self.isStale(error) {
            return try await run(renamed(sql), sql, bindings, on: connection, logger: logger)
        }
    }

    private func run(
        _ name: String, _ sql: String, _ bindings: PostgresBindings, on connection: PostgresConnection, logger: Logger
    ) async throws -> [PostgresRow] {
        try await RowPathStatement.$current.withValue(RowPathStatement.Text(name: name, sql: sql)) {
            try await collect(connection.execute(RowPathStatement(bindings: bindings), logger: logger))
        }
    }

    private func collect<Rows: AsyncSequence>(_ rows: Rows) async throws -> [PostgresRow]
    where Rows.Element == PostgresRow {
        var collected: [PostgresRow] = []
        for try await row in rows { collected.append(row) }
        return collected
    }

    private func name(for sql: String) -> String? {
        names.withLock { names in
            if let name = names.bySQL[sql] { return name }
            guard names.bySQL.count < Self.nameLimit else { return nil }
            return Self.assign(sql, in: &names)
        }
    }

    private func renamed(_ sql: String) -> String { names.withLock { Self.assign(sql, in: &$0) } }

    private static func assign(_ sql: String, in names: inout (bySQL: [String: String], next: Int)) -> String {
        let name = "tidings_row_\(names.next)"
        names.next += 1
        names.bySQL[sql] = name
        return name
    }

    /// `26000` (no such prepared statement) or `0A000` ("cached plan must not change result type").
    static func isStale(_ error: PSQLError) -> Bool {
        let state = error.serverInfo?[.sqlState]
        return state == "26000" || state == "0A000"
    }
}

/// The one prepared-statement type of the row path; see `PostgresPreparedStatements`.
private struct RowPathStatement: PostgresPreparedStatement {
    struct Text: Sendable {
        let name: String
        let sql: String
    }

    typealias Row = PostgresRow

    /// The statement being executed by this task.
    @TaskLocal static var current = Text(name: "", sql: "")

    static var name: String { current.name }
    static var sql: String { current.sql }

    let bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// An `SQLDatabase` that serializes like `base`, except that every bind's placeholder carries a
/// cast to the bound value's type (see `PostgresPreparedStatements`).
struct TypedBindDatabase: SQLDatabase {
    let base: any SQLDatabase

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { TypedBindDialect(base: base.dialect) }

    func execute(
        sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void
    ) -> EventLoopFuture<
        Void
    > {
        base.execute(sql: query, onRow)
    }
}

/// `base`'s dialect with typed bind placeholders.
private struct TypedBindDialect: SQLDialect {
    let base: any SQLDialect

    var name: String { base.name }
    var identifierQuote: any SQLExpression { base.identifierQuote }
    var literalStringQuote: any SQLExpression { base.literalStringQuote }
    var supportsAutoIncrement: Bool { base.supportsAutoIncrement }
    var autoIncrementClause: any SQLExpression { base.autoIncrementClause }
    func literalBoolean(_ value: Bool) -> any SQLExpression { base.literalBoolean(value) }
    func bindPlaceholder(at position: Int) -> any SQLExpression { TypedPlaceholder(position: position) }
}

/// `$n`, cast to the type of the n-th bind (none for a NULL, which fits any type).
private struct TypedPlaceholder: SQLExpression {
    let position: Int

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write("$\(position)")
        if let type = PostgresBindType(serializer.binds[position - 1]) { serializer.write("::\(type.rawValue)") }
    }
}

/// The PostgreSQL types the row path binds, and each value's wire form.
enum PostgresBindType: String {
    case int8, text, float8, bool, timestamptz, uuid

    /// The type of `bind`, `nil` for a NULL or a type the row path does not bind.
    init?(_ bind: any Encodable & Sendable) {
        switch bind {
        case is Int: self = .int8
        case is String: self = .text
        case is Double: self = .float8
        case is Bool: self = .bool
        case is Date: self = .timestamptz
        case is UUID: self = .uuid
        default: return nil
        }
    }

    /// Appends `bind` to `bindings` with the type `init` gives it.
    static func append(_ bind: any Encodable & Sendable, to bindings: inout PostgresBindings) throws {
        switch bind {
        case let value as Int: bindings.append(value)
        case let value as String: bindings.append(value)
        case let value as Double: bindings.append(value)
        case let value as Bool: bindings.append(value)
        case let value as Date: bindings.append(value)
        case let value as UUID: bindings.append(value)
        case let value as (any Encodable & Sendable)? where value == nil: bindings.appendNull()
        default: throw UnsupportedBind(type: "\(type(of: bind))")
        }
    }
}

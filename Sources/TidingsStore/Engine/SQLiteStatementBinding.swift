import VaporCSQLite

/// Binding values to an SQLite statement through the C API, for the statements Tidings runs
/// below SQLiteNIO (the query sandbox, the row path).
enum SQLiteStatementBinding {
    /// Binds `values` to parameters 1, 2, … of `statement` (text is copied by SQLite). Returns
    /// `SQLITE_OK`, or the first failing call's result code.
    static func bind(_ values: [QueryBind], to statement: OpaquePointer) -> Int32 {
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let result: Int32
            switch value {
            case .integer(let integer): result = sqlite_nio_sqlite3_bind_int64(statement, index, Int64(integer))
            case .real(let real): result = sqlite_nio_sqlite3_bind_double(statement, index, real)
            case .text(let text): result = sqlite_nio_sqlite3_bind_text(statement, index, text, -1, transient)
            case .null: result = sqlite_nio_sqlite3_bind_null(statement, index)
            }
            guard result == SQLITE_OK else { return result }
        }
        return SQLITE_OK
    }
}

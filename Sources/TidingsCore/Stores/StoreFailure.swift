/// Why a store refused a change. A store reports what it found in the data and writes no
/// message; the service that called it says it to the caller in listmonk's words
/// (`error(for:)`), so the texts clients match on live in Core.
///
/// Not found, the same way in every store: a read of one row returns `nil`; a change addressed
/// to one row (update, rotate) throws `notFound` when there is no such row; deletes and
/// revocations are idempotent and ignore unknown ids.
public enum StoreFailure: Error, Equatable, Sendable {
    /// The row the change is addressed to does not exist.
    case notFound
    /// A unique value is taken: `field` is the column (`username`, `email`, `name`, `key_id`).
    case taken(field: String, value: String)
    /// The change refers to a row that does not exist (a list role's grant on an unknown list).
    case missingReference(field: String, id: Int)
    /// The row is still referenced: `holders` users hold the role.
    case inUse(holders: Int)
    /// The change would leave no enabled login user holding the Super Admin role.
    case noSuperAdminLeft
}

/// What a store call was about, for the caller's message.
public enum StoredThing: String, Sendable {
    case user = "User"
    case role = "Role"
    case userRole = "User role"
    case listRole = "List role"
    case list = "List"
    case subscriber = "Subscriber"
    case token = "Token"
}

extension StoreFailure {
    /// The caller's error: listmonk's text where listmonk has one.
    public func error(for thing: StoredThing) -> TidingsError {
        switch self {
        case .notFound:
            return .notFound(thing.rawValue)
        case .taken(let field, let value):
            return .conflict(Self.takenMessage(thing, field: field, value: value), field: field)
        case .missingReference(let field, let id):
            return .invalidField(field, "Invalid fields: \(field) (list \(id) does not exist)")
        case .inUse(let holders):
            return TidingsError(
                .conflict, code: "role_in_use",
                message: "Cannot delete role that is in use: \(holders) user(s) hold it. Give them another role first.",
                details: ["users": String(holders)])
        case .noSuperAdminLeft:
            return .needsSuperAdmin
        }
    }

    private static func takenMessage(_ thing: StoredThing, field: String, value: String) -> String {
        switch (thing, field) {
        case (.subscriber, "email"): return "E-mail already exists."
        case (.user, "username"): return "the username \"\(value)\" is taken"
        case (.user, "email"): return "the e-mail address is taken by another user"
        case (_, "name"): return "a role named \"\(value)\" exists"
        default: return "a \(thing.rawValue.lowercased()) with this \(field) exists"
        }
    }
}

/// Runs a store call and says its `StoreFailure` to the caller as `thing`'s error.
@inlinable
public func storeCall<T>(_ thing: StoredThing, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let failure as StoreFailure {
        throw failure.error(for: thing)
    }
}

import Testing
import TidingsCore

// The store's documented failures (`StoreFailure`), asserted in one place.

/// Expects `body` to throw `StoreFailure.notFound`.
public func expectNotFound<T>(
    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> T
) async {
    await expectFailure("notFound", comment, sourceLocation: sourceLocation, body) { $0 == .notFound }
}

/// Expects `body` to throw `StoreFailure.taken` (naming `field` when given), or, with
/// `code: "role_in_use"`, `StoreFailure.inUse`.
public func expectConflict<T>(
    field: String? = nil, code: String = "conflict", _ comment: Comment? = nil,
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T
) async {
    await expectFailure(field.map { "taken(\($0))" } ?? code, comment, sourceLocation: sourceLocation, body) {
        switch $0 {
        case .taken(let taken, _): return code == "conflict" && (field == nil || taken == field)
        case .inUse: return code == "role_in_use"
        default: return false
        }
    }
}

/// Expects `body` to throw `StoreFailure.missingReference` for `field`.
public func expectInvalidField<T>(
    _ field: String, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> T
) async {
    await expectFailure("missingReference(\(field))", comment, sourceLocation: sourceLocation, body) {
        if case .missingReference(let missing, _) = $0 { return missing == field }
        return false
    }
}

/// Expects `body` to throw `StoreFailure.noSuperAdminLeft`.
public func expectNeedsSuperAdmin<T>(
    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T
) async {
    await expectFailure("noSuperAdminLeft", comment, sourceLocation: sourceLocation, body) { $0 == .noSuperAdminLeft }
}

/// Expects `body` to fail, in a way the store's contract leaves open (a constraint the protocol
/// does not document a typed error for): what matters is that it fails and writes nothing.
public func expectRefused<T>(
    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T
) async {
    do {
        _ = try await body()
        Issue.record(
            "expected a failure, got success. \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
    } catch {}
}

private func expectFailure<T>(
    _ expected: String, _ comment: Comment?, sourceLocation: SourceLocation, _ body: () async throws -> T,
    matching: (StoreFailure) -> Bool
) async {
    let note = comment.map { "\($0)" } ?? ""
    do {
        _ = try await body()
    } catch let failure as StoreFailure {
        #expect(matching(failure), "expected \(expected), got \(failure). \(note)", sourceLocation: sourceLocation)
        return
    } catch {
        Issue.record("expected \(expected), got \(String(reflecting: error)). \(note)", sourceLocation: sourceLocation)
        return
    }
    Issue.record("expected \(expected), got success. \(note)", sourceLocation: sourceLocation)
}

import Testing
import TidingsCore

// The store's documented failures, asserted in one place: when the store's error type changes,
// only these helpers change with it.

/// Expects `body` to throw the store's not-found error.
public func expectNotFound<T>(
    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> T
) async {
    await expectStoreError(kind: .notFound, code: "not_found", comment, sourceLocation: sourceLocation, body)
}

/// Expects `body` to throw the store's conflict error, naming `field` when given.
public func expectConflict<T>(
    field: String? = nil, code: String = "conflict", _ comment: Comment? = nil,
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T
) async {
    let error = await expectStoreError(kind: .conflict, code: code, comment, sourceLocation: sourceLocation, body)
    if let field, let error {
        #expect(error.details["field"] == field, comment, sourceLocation: sourceLocation)
    }
}

/// Expects `body` to throw the store's refusal of a field's value (`invalid_fields`), naming `field`.
public func expectInvalidField<T>(
    _ field: String, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> T
) async {
    let error = await expectStoreError(
        kind: .badRequest, code: "invalid_fields", comment, sourceLocation: sourceLocation, body)
    if let error { #expect(error.details["field"] == field, comment, sourceLocation: sourceLocation) }
}

/// Expects `body` to throw the refusal to leave no enabled Super Admin login user.
public func expectNeedsSuperAdmin<T>(
    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T
) async {
    await expectStoreError(
        kind: .badRequest, code: "needs_super_admin", comment, sourceLocation: sourceLocation, body)
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

@discardableResult
private func expectStoreError<T>(
    kind: TidingsError.Kind, code: String, _ comment: Comment?, sourceLocation: SourceLocation,
    _ body: () async throws -> T
) async -> TidingsError? {
    do {
        _ = try await body()
    } catch let error as TidingsError {
        #expect(error.kind == kind && error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record(
            "expected \(code), got \(String(reflecting: error)). \(comment.map { "\($0)" } ?? "")",
            sourceLocation: sourceLocation)
        return nil
    }
    Issue.record("expected \(code), got success. \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
    return nil
}

import Hummingbird
import TidingsCore

/// Refuses a URL whose query string does not decode (`QueryString`: an invalid percent-escape,
/// a `;`, bytes that are not UTF-8) with `400 invalid_query_string`, on every route, before any
/// handler reads a parameter. So `Request.query` never meets one, and no route falls back to
/// reading such a URL some other way. The decoded query is kept for the rest of the request
/// (`DecodedQuery.current`), so that handlers reading several parameters decode it once.
struct QueryStringMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        guard let raw = request.uri.query, !raw.isEmpty else { return try await next(request, context) }
        let decoded: QueryString
        do {
            decoded = try QueryString(parsing: raw)
        } catch {
            throw TidingsError.invalidQueryString(error)
        }
        return try await DecodedQuery.$current.withValue(DecodedQuery(raw: raw, decoded: decoded)) {
            try await next(request, context)
        }
    }
}

/// A request's query string as `QueryStringMiddleware` decoded it, for `Request.query`.
struct DecodedQuery: Sendable {
    let raw: String
    let parameters: Parameters

    init(raw: String, decoded: QueryString) {
        self.raw = raw
        self.parameters = Parameters(decoded.pairs.map { (key: Substring($0.name), value: Substring($0.value)) })
    }

    /// The query of the request this task is handling, once the middleware has decoded it.
    @TaskLocal static var current: DecodedQuery?
}

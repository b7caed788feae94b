import Hummingbird
import TidingsCore

/// Refuses a URL whose query string does not decode (`QueryString`: an invalid percent-escape,
/// a `;`, bytes that are not UTF-8) with `400 invalid_query_string`, on every route, before any
/// handler reads a parameter. So `Request.query` never meets one, and no route falls back to
/// reading such a URL some other way.
struct QueryStringMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        if let raw = request.uri.query, !raw.isEmpty {
            do {
                _ = try QueryString(parsing: raw)
            } catch {
                throw TidingsError.invalidQueryString(error)
            }
        }
        return try await next(request, context)
    }
}

import Hummingbird
import TidingsCore

/// Refuses a URL whose path or query carries `%00` before any handler sees it: a decoded NUL in a
/// search term or an id would otherwise reach the database (see `NULCharacter`).
struct NULInURLMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        if Self.hasEncodedNUL(request.uri.string.utf8) { throw NULCharacter.refusal("The URL") }
        return try await next(request, context)
    }

    /// Whether `%00` occurs (`%2500`, an encoded "%00", does not count).
    static func hasEncodedNUL(_ text: String.UTF8View) -> Bool {
        var previous = (UInt8(0), UInt8(0))
        for byte in text {
            if previous == (UInt8(ascii: "%"), UInt8(ascii: "0")) && byte == UInt8(ascii: "0") { return true }
            previous = (previous.1, byte)
        }
        return false
    }
}

import Foundation
import Hummingbird
import Logging
import NIOCore
import TidingsCore

/// The one place where errors become HTTP: status, `{"message", "code", …}` and the headers
/// some statuses need. Anything unexpected is logged and answered with a bare 500.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as TidingsError {
            return Self.response(for: error)
        } catch let failure as AuthFailure {
            return Self.response(for: failure.error)
        } catch let error as HTTPError {
            return Self.response(for: error, request: request)
        } catch is NIOTooManyBytesError {
            return Self.response(
                for: TidingsError(.payloadTooLarge, code: "payload_too_large", message: "request body too large"))
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return Self.response(
                for: TidingsError(.unavailable, code: "internal", message: "Internal Server Error"),
                status: .internalServerError)
        }
    }

    static func status(of kind: TidingsError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .badRequest: return .badRequest
        case .unauthenticated: return .unauthorized
        case .forbidden: return .forbidden
        case .notFound: return .notFound
        case .conflict: return .conflict
        case .tooManyRequests: return .tooManyRequests
        case .payloadTooLarge: return .contentTooLarge
        case .unsupportedMediaType: return .unsupportedMediaType
        case .unavailable: return .serviceUnavailable
        }
    }

    static func response(for error: TidingsError, status: HTTPResponse.Status? = nil) -> Response {
        var response =
            (try? APIResponseEncoder.response(ErrorBody(error), status: status ?? Self.status(of: error.kind)))
            ?? Response(status: .internalServerError)
        switch error.kind {
        case .unauthenticated:
            response.headers[.wwwAuthenticate] = "Bearer realm=\"tidings\""
        case .tooManyRequests(let seconds):
            response.headers[.retryAfter] = String(seconds)
        default: break
        }
        return response
    }

    /// Errors raised by Hummingbird itself: unknown routes, oversized bodies, bad parameters.
    static func response(for error: HTTPError, request: Request) -> Response {
        switch error.status {
        case .notFound:
            let path = request.uri.path
            if path.hasPrefix("/api/") || path == "/api" {
                return response(for: TidingsError(.notFound, code: "unknown_endpoint", message: "404 unknown endpoint"))
            }
            if path.hasPrefix("/admin") && request.method != .get {
                return response(for: TidingsError(.notFound, code: "not_found", message: "404 page not found"))
            }
            return HTMLPage.notFound()
        case .contentTooLarge:
            return response(
                for: TidingsError(.payloadTooLarge, code: "payload_too_large", message: "request body too large"))
        default:
            let message = error.body ?? error.status.reasonPhrase
            return response(
                for: TidingsError(.badRequest, code: "http_\(error.status.code)", message: message),
                status: error.status)
        }
    }
}

/// `{"message": …, "code": …}` followed by the error's details, in that order.
struct ErrorBody: Encodable {
    let error: TidingsError

    init(_ error: TidingsError) { self.error = error }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(error.message, forKey: Key(stringValue: "message"))
        try container.encode(error.code, forKey: Key(stringValue: "code"))
        for (key, value) in error.details.sorted(by: { $0.key < $1.key }) where key != "message" && key != "code" {
            try container.encode(value, forKey: Key(stringValue: key))
        }
    }
}

import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
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
        } catch {
            return Self.response(for: error, request: request, logger: context.logger)
        }
    }

    /// The response to any error a handler threw.
    static func response(for error: any Error, request: Request, logger: Logger) -> Response {
        switch error {
        case let failure as AuthFailure: return response(for: failure)
        case let error as TidingsError: return response(for: error)
        case let error as HTTPError: return response(for: error, request: request)
        case is HTTPParserError: return malformedRequest
        case is NIOTooManyBytesError:
            return response(
                for: TidingsError(.payloadTooLarge, code: "payload_too_large", message: "request body too large"))
        default:
            logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return response(
                for: TidingsError(.unavailable, code: "internal", message: "Internal Server Error"),
                status: .internalServerError)
        }
    }

    /// The answer to a request whose bytes are not HTTP past its head (a chunk size that is not
    /// hexadecimal, say): NIO's decoder fails while the handler reads the body. The connection
    /// cannot carry another request after it, so the answer closes it.
    static var malformedRequest: Response {
        var response = response(
            for: TidingsError(.badRequest, code: "malformed_request", message: "Malformed HTTP request"))
        response.headers[.connection] = "close"
        return response
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
        case .unavailable, .busy: return .serviceUnavailable
        }
    }

    /// The response to an authentication failure. The two answers a flood of guesses meets,
    /// `invalid_credentials` and then `too_many_failures`, skip the general error encoding.
    static func response(for failure: AuthFailure) -> Response {
        switch failure {
        case .invalidCredentials:
            return Response(
                status: .unauthorized, headers: ErrorBody.invalidCredentialsHeaders,
                body: .init(byteBuffer: ErrorBody.invalidCredentials))
        case .tooManyFailures(let seconds):
            let (headers, body) = ErrorBody.tooManyFailures(seconds: seconds)
            return Response(status: .tooManyRequests, headers: headers, body: .init(byteBuffer: body))
        default:
            return response(for: failure.error)
        }
    }

    static func response(for error: TidingsError, status: HTTPResponse.Status? = nil) -> Response {
        var response = Response(
            status: status ?? Self.status(of: error.kind), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: ErrorBody(error).json)))
        switch error.kind {
        case .unauthenticated:
            response.headers[.wwwAuthenticate] = "Bearer realm=\"tidings\""
        case .tooManyRequests(let seconds), .busy(let seconds):
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

/// `{"message": …, "code": …}` followed by the error's details, in that order. Written by hand:
/// errors answer floods of bad requests, so they must be cheap.
struct ErrorBody {
    let error: TidingsError

    init(_ error: TidingsError) { self.error = error }

    /// The body of `invalid_credentials`, the answer to every guessed token, encoded once.
    static let invalidCredentials = ByteBuffer(bytes: ErrorBody(AuthFailure.invalidCredentials.error).json)

    /// The headers of `invalid_credentials`, built once (with the length, which `Response` would
    /// otherwise add to a copy on every refusal).
    static let invalidCredentialsHeaders: HTTPFields = [
        .contentType: "application/json", .wwwAuthenticate: "Bearer realm=\"tidings\"",
        .contentLength: String(invalidCredentials.readableBytes),
    ]

    /// The headers and body of `too_many_failures` for the last `Retry-After` asked for: under a
    /// flood the block sits at its maximum, and the value repeats request after request.
    private static let lastTooManyFailures = Mutex<(seconds: Int, headers: HTTPFields, body: ByteBuffer)?>(nil)

    /// The headers and body of `too_many_failures` after `seconds`.
    static func tooManyFailures(seconds: Int) -> (headers: HTTPFields, body: ByteBuffer) {
        if let last = lastTooManyFailures.withLock({ $0 }), last.seconds == seconds { return (last.headers, last.body) }
        let number = String(seconds)
        let body = tooManyFailures(retryAfter: number)
        let headers: HTTPFields = [
            .contentType: "application/json", .retryAfter: number, .contentLength: String(body.readableBytes),
        ]
        lastTooManyFailures.withLock { $0 = (seconds, headers, body) }
        return (headers, body)
    }

    /// The body of `too_many_failures` for `seconds` (decimal digits), written from two fixed
    /// parts: what `ErrorBody(AuthFailure.tooManyFailures(…).error).json` encodes, as a test checks.
    static func tooManyFailures(retryAfter seconds: String) -> ByteBuffer {
        var body = ByteBuffer()
        body.reserveCapacity(112)
        body.writeStaticString(#"{"message":"too many failed attempts: try again in "#)
        body.writeString(seconds)
        body.writeStaticString(#" seconds","code":"too_many_failures","retry_after":""#)
        body.writeString(seconds)
        body.writeStaticString("\"}\n")
        return body
    }

    /// The body, with listmonk's trailing newline.
    var json: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + error.message.utf8.count)
        var members = [("message", error.message), ("code", error.code)]
        members += error.details.sorted { $0.key < $1.key }.filter { $0.key != "message" && $0.key != "code" }
        out.append(UInt8(ascii: "{"))
        for (index, (key, value)) in members.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONString.append(key, to: &out)
            out.append(UInt8(ascii: ":"))
            JSONString.append(value, to: &out)
        }
        out.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
        return out
    }
}

/// A JSON object key that is not known at compile time.
struct DynamicKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

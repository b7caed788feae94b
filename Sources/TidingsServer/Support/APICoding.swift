import Foundation
import Hummingbird
import NIOCore
import TidingsCore

/// JSON the way listmonk writes it: `{"data": …}` envelopes, Go-style timestamps, a trailing
/// newline, and two-space indentation when the URL carries `?pretty`.
public struct APIResponseEncoder: ResponseEncoder {
    public init() {}

    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response
    {
        let pretty = request.param("pretty") != nil
        return try Self.response(value, status: .ok, pretty: pretty)
    }

    /// A JSON response with `value` as its whole body.
    static func response(_ value: some Encodable, status: HTTPResponse.Status, pretty: Bool = false) throws -> Response
    {
        var data = try OrderedJSONEncoder(pretty: pretty).encode(value)
        data.append(UInt8(ascii: "\n"))
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// listmonk's success envelope.
public struct Envelope<Payload: Encodable & Sendable>: ResponseEncodable, Sendable {
    public let data: Payload
    public init(_ data: Payload) { self.data = data }
}

/// Request bodies: JSON only (`415` otherwise), an empty body reads as `{}`, and a body that
/// does not fit the expected shape is a `400` that says where.
public struct APIRequestDecoder: RequestDecoder {
    public init() {}

    public func decode<T: Decodable>(
        _ type: T.Type, from request: Request, context: some RequestContext
    )
        async throws -> T
    {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        let bytes = buffer.readableBytesView
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return try Self.decode(type, from: Data("{}".utf8))
        }
        let mediaType = request.headers[.contentType].map { $0.split(separator: ";").first.map(String.init) ?? "" }
        guard mediaType?.trimmingCharacters(in: .whitespaces).lowercased() == "application/json" else {
            throw TidingsError(.unsupportedMediaType, code: "unsupported_media_type", message: "Unsupported Media Type")
        }
        if NULCharacter.isEscaped(inJSON: bytes) { throw NULCharacter.refusal("The request body") }
        return try Self.decode(type, from: Data(bytes))
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as TidingsError {
            throw error
        } catch let error as DecodingError {
            throw TidingsError.badRequest(Self.describe(error), code: "invalid_json")
        } catch {
            throw TidingsError.badRequest("invalid JSON: \(error)", code: "invalid_json")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "Unmarshal type error: expected=\(type), field=\(path(context.codingPath))"
        case .valueNotFound(let type, let context):
            return "Unmarshal type error: expected=\(type), got=null, field=\(path(context.codingPath))"
        case .keyNotFound(let key, let context):
            return "Missing field(s): \(path(context.codingPath + [key]))"
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            return field.isEmpty ? "Syntax error: malformed JSON" : "Invalid value: field=\(field)"
        @unknown default:
            return "invalid JSON"
        }
    }
}

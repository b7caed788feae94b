import Foundation
import Hummingbird
import TidingsCore

/// Reading path and query parameters with listmonk's rules and error texts.
extension AuthenticatedContext {
    /// A positive integer path parameter, else listmonk's `400 invalid ID`.
    func id(_ name: String = "id") throws -> Int {
        guard let raw = parameters.get(name), let value = Int(raw), value > 0 else { throw TidingsError.invalidID }
        return value
    }
}

extension Request {
    /// The query string, decoded as listmonk's Go server decodes it (`QueryString`): `+` is a
    /// space, `%XX` a byte, repeated names keep every value. The one place that reads it:
    /// `QueryStringMiddleware` has refused an undecodable one with a 400 before any handler runs,
    /// and decoded the others once for the whole request (`DecodedQuery`).
    var query: Parameters {
        guard let raw = uri.query, !raw.isEmpty else { return [:] }
        if let decoded = DecodedQuery.current, decoded.raw == raw { return decoded.parameters }
        guard let decoded = try? QueryString(parsing: raw) else { return [:] }
        return DecodedQuery(raw: raw, decoded: decoded).parameters
    }

    /// A query parameter's first value.
    func param(_ name: String) -> String? { query[name[...]].map { String($0) } }

    /// listmonk's `page`/`per_page`: `per_page=all` or a negative number → no limit; missing,
    /// zero or garbage → 20; `page` < 1 or garbage → 1.
    var pagination: Pagination {
        let page = param("page").flatMap { Int($0) }.flatMap { $0 >= 1 ? $0 : nil } ?? 1
        let rawPerPage: String? = param("per_page").map { String($0) }
        let perPage: Int?
        if rawPerPage == "all" {
            perPage = nil
        } else if let value = rawPerPage.flatMap({ Int($0) }), value != 0 {
            perPage = value < 0 ? nil : value
        } else {
            perPage = 20
        }
        return Pagination(page: page, perPage: perPage)
    }

    /// Go's `strconv.ParseBool`; anything else is `false`.
    func flag(_ name: String) -> Bool {
        guard let raw = param(name) else { return false }
        return ["1", "t", "T", "TRUE", "true", "True"].contains(String(raw))
    }

    /// A repeated `?id=1&id=2` parameter as positive integers, with listmonk's texts.
    func ids(_ name: String = "id") throws -> [Int] {
        try query.getAll(name).map { raw in
            guard let value = Int(raw) else {
                throw TidingsError.badRequest(
                    "One or more IDs are invalid: strconv.Atoi: parsing \"\(raw)\": invalid syntax", code: "invalid_id")
            }
            guard value > 0 else {
                throw TidingsError.badRequest(
                    "One or more IDs are invalid: \(value) is not a valid ID", code: "invalid_id")
            }
            return value
        }
    }

    /// An enum query parameter; an unknown value is a 400 naming the field.
    func option<T: RawRepresentable>(_ name: String, as type: T.Type) throws -> T? where T.RawValue == String {
        guard let raw = param(name), !raw.isEmpty else { return nil }
        guard let value = T(rawValue: String(raw)) else { throw TidingsError.invalidField(name) }
        return value
    }
}

/// Encodes a payload in listmonk's `{"data": …}` envelope, honouring `?pretty`.
func ok(_ payload: some Encodable & Sendable, _ request: Request) throws -> Response {
    try APIResponseEncoder.response(Envelope(payload), status: .ok, pretty: request.param("pretty") != nil)
}

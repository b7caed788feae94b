/// A URL query string or an `application/x-www-form-urlencoded` body, decoded by the rules of
/// Go's `url.ParseQuery` (which listmonk uses), so that every client's encoding reads the same:
///
/// - Pairs are separated by `&` only. A `;` anywhere in the text is an error, as in Go since
///   1.17: servers and proxies that split on `;` would otherwise read another set of
///   parameters than this one (parameter cloaking). Write it as `%3B`.
/// - Empty pairs (`a=1&&b=2`, a trailing `&`) are skipped; a name without `=` has the empty
///   value; `=v` has the empty name.
/// - In names and values `+` is a space and `%XX` is the byte `XX`; any other byte stands for
///   itself (raw UTF-8 included). A `%` not followed by two hexadecimal digits is an error.
/// - Repeated names keep every value, in order (`id=1&id=2`).
/// - The decoded bytes must be UTF-8. Go keeps whatever bytes there are; Swift strings cannot
///   hold invalid UTF-8, and replacing it would silently search for, or store, other text than
///   the caller sent, so it is an error here.
///
/// Where Go skips an invalid pair and carries on (and listmonk, which ignores the error, acts as
/// if the pair was not sent), Tidings refuses the whole text: `Invalid` says what is wrong.
public struct QueryString: Sendable, Equatable {
    public struct Pair: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Why a text is not a valid query string.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Reason: Sendable, Equatable {
            /// `%` not followed by two hexadecimal digits; the escape as it was written.
            case escape(String)
            case semicolon
            case notUTF8
        }

        public let reason: Reason

        public init(reason: Reason) { self.reason = reason }

        public var description: String {
            switch reason {
            case .escape(let escape):
                return "\"\(escape)\" is not a percent-escape (write a literal % as %25)"
            case .semicolon:
                return "\";\" does not separate parameters (separate them with &, and write a literal ; as %3B)"
            case .notUTF8:
                return "the decoded text is not UTF-8"
            }
        }
    }

    /// Every pair, in order.
    public var pairs: [Pair]

    public init(_ pairs: [Pair] = []) { self.pairs = pairs }

    /// Decodes `text` (the part after `?`, or a form body).
    public init(parsing text: some StringProtocol) throws(Invalid) {
        var pairs: [Pair] = []
        for segment in Substring(text).utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if segment.contains(UInt8(ascii: ";")) { throw Invalid(reason: .semicolon) }
            let equals = segment.firstIndex(of: UInt8(ascii: "="))
            let name = try Self.unescape(segment[..<(equals ?? segment.endIndex)])
            var value = ""
            if let equals { value = try Self.unescape(segment[segment.index(after: equals)...]) }
            pairs.append(Pair(name, value))
        }
        self.pairs = pairs
    }

    /// The first value of `name`.
    public subscript(_ name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// Every value of `name`, in order.
    public func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    /// One name or value: `+` is a space, `%XX` a byte.
    public static func unescape(_ text: some StringProtocol) throws(Invalid) -> String {
        try unescape(Substring(text).utf8)
    }

    private static func unescape(_ bytes: Substring.UTF8View) throws(Invalid) -> String {
        guard bytes.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else {
            return try utf8(bytes)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "+"):
                out.append(UInt8(ascii: " "))
                index = bytes.index(after: index)
            case UInt8(ascii: "%"):
                let digits = bytes[bytes.index(after: index)...].prefix(2)
                guard digits.count == 2, let high = digits.first!.hexDigitValue, let low = digits.last!.hexDigitValue
                else {
                    // Go quotes the escape as written: the `%` and at most two characters after it.
                    let written = bytes[index...].prefix(3)
                    throw Invalid(reason: .escape(String(decoding: written, as: UTF8.self)))
                }
                out.append(high << 4 | low)
                index = digits.endIndex
            default:
                out.append(byte)
                index = bytes.index(after: index)
            }
        }
        return try utf8(out)
    }

    private static func utf8(_ bytes: some Collection<UInt8>) throws(Invalid) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw Invalid(reason: .notUTF8) }
        return text
    }
}

extension TidingsError {
    /// The 400 for a URL whose query string `QueryString` cannot decode.
    public static func invalidQueryString(_ invalid: QueryString.Invalid) -> TidingsError {
        .badRequest("Invalid query string: \(invalid)", code: "invalid_query_string")
    }

    /// The 400 for a form body that `QueryString` cannot decode.
    public static func invalidForm(_ invalid: QueryString.Invalid) -> TidingsError {
        .badRequest("Invalid form body: \(invalid)", code: "invalid_form")
    }
}

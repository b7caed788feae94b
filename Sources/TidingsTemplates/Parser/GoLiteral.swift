/// Go's literal syntax: string and character unquoting (`strconv.Unquote`, `UnquoteChar`) and
/// number classification (`parse.NumberNode`).
enum GoLiteral {
    struct Invalid: Error {
        let message: String
    }

    /// The value of a `"…"`, `` `…` `` or `'…'` literal (for a character, its one character).
    static func unquote(_ literal: String) throws(Invalid) -> String {
        let scalars = Array(literal.unicodeScalars)
        guard let quote = scalars.first, scalars.count >= 2, scalars.last == quote else {
            throw Invalid(message: "invalid syntax")
        }
        let body = scalars[1..<(scalars.count - 1)]
        if quote == "`" {
            // Raw strings drop carriage returns, as Go's do.
            var text = ""
            text.unicodeScalars.append(contentsOf: body.filter { $0 != "\r" })
            return text
        }
        var text = ""
        var index = body.startIndex
        while index < body.endIndex {
            let scalar = body[index]
            index += 1
            guard scalar == "\\" else {
                guard scalar != quote else { throw Invalid(message: "invalid syntax") }
                text.unicodeScalars.append(scalar)
                continue
            }
            let (decoded, next) = try escape(body, at: index, quote: quote)
            text.unicodeScalars.append(decoded)
            index = next
        }
        return text
    }

    /// The escape after a backslash at `index`: its value and where the rest starts.
    private static func escape(
        _ body: ArraySlice<Unicode.Scalar>, at index: Int, quote: Unicode.Scalar
    )
        throws(Invalid) -> (Unicode.Scalar, Int)
    {
        guard index < body.endIndex else { throw Invalid(message: "invalid syntax") }
        let simple: [Unicode.Scalar: Unicode.Scalar] = [
            "a": "\u{07}", "b": "\u{08}", "f": "\u{0C}", "n": "\n", "r": "\r", "t": "\t", "v": "\u{0B}", "\\": "\\",
        ]
        let letter = body[index]
        if let value = simple[letter] { return (value, index + 1) }
        if letter == quote, letter == "\"" || letter == "'" { return (letter, index + 1) }
        let digits: (count: Int, radix: UInt32)
        switch letter {
        case "x": digits = (2, 16)
        case "u": digits = (4, 16)
        case "U": digits = (8, 16)
        case "0"..."7": digits = (3, 8)
        default: throw Invalid(message: "invalid syntax")
        }
        let start = letter.properties.numericType == nil ? index + 1 : index
        guard start + digits.count <= body.endIndex else { throw Invalid(message: "invalid syntax") }
        var value: UInt32 = 0
        for scalar in body[start..<(start + digits.count)] {
            guard let digit = UInt32(String(scalar), radix: Int(digits.radix)) else {
                throw Invalid(message: "invalid syntax")
            }
            value = value * digits.radix + digit
        }
        guard digits.radix != 8 || value <= 255, let scalar = Unicode.Scalar(value) else {
            throw Invalid(message: "invalid syntax")
        }
        return (scalar, start + digits.count)
    }

    /// A number or character constant as Go's parser classifies it.
    static func number(_ text: String, isCharacter: Bool) throws(Invalid) -> NumberLiteral {
        if isCharacter {
            let value = try unquote(text).unicodeScalars
            guard value.count == 1, let scalar = value.first else {
                throw Invalid(message: "malformed character constant: \(text)")
            }
            let code = scalar.value
            return NumberLiteral(
                text: text, int: Int64(code), uint: UInt64(code), float: Double(code), isCharacter: true)
        }
        if text.hasSuffix("i") || text.contains("+") && text.dropFirst().contains(where: { $0 == "+" || $0 == "-" }) {
            throw Invalid(message: "complex numbers are not supported: \(GoQuote.quote(text))")
        }
        let unsigned = integer(text, allowSign: false).flatMap { $0.negative ? nil : $0.magnitude }
        let signed = integer(text, allowSign: true).flatMap { parsed -> Int64? in
            if parsed.negative {
                return parsed.magnitude <= UInt64(Int64.max) + 1
                    ? Int64(truncatingIfNeeded: 0 &- parsed.magnitude) : nil
            }
            return parsed.magnitude <= UInt64(Int64.max) ? Int64(parsed.magnitude) : nil
        }
        if let signed {
            return NumberLiteral(text: text, int: signed, uint: unsigned, float: Double(signed), isCharacter: false)
        }
        if let unsigned {
            return NumberLiteral(text: text, int: nil, uint: unsigned, float: Double(unsigned), isCharacter: false)
        }
        // A hexadecimal float needs its `p` exponent, as in Go.
        let isHex = text.lowercased().drop { $0 == "+" || $0 == "-" }.hasPrefix("0x")
        guard !isHex || text.lowercased().contains("p"), let float = Double(text.replacingUnderscores()) else {
            throw Invalid(message: "illegal number syntax: \(GoQuote.quote(text))")
        }
        guard text.contains(where: { ".eEpP".contains($0) }) else {
            throw Invalid(message: "integer overflow: \(GoQuote.quote(text))")
        }
        let asInt = float.rounded(.towardZero) == float && abs(float) < 9.2e18 ? Int64(float) : nil
        let asUInt = float.rounded(.towardZero) == float && float >= 0 && float < 1.8e19 ? UInt64(float) : nil
        return NumberLiteral(text: text, int: asInt, uint: asUInt, float: float, isCharacter: false)
    }

    /// Go's `ParseInt(text, 0, 64)` before the range check: sign, `0x`/`0o`/`0b`/`0` prefix,
    /// underscores only between digits after a prefix or a digit; `nil` for anything else.
    private static func integer(_ text: String, allowSign: Bool) -> (negative: Bool, magnitude: UInt64)? {
        var rest = Substring(text)
        var negative = false
        if let sign = rest.first, sign == "+" || sign == "-" {
            guard allowSign else { return nil }
            negative = sign == "-"
            rest = rest.dropFirst()
        }
        var radix: UInt64 = 10
        let lower = rest.lowercased()
        if lower.hasPrefix("0x") {
            radix = 16
            rest = rest.dropFirst(2)
        } else if lower.hasPrefix("0o") {
            radix = 8
            rest = rest.dropFirst(2)
        } else if lower.hasPrefix("0b") {
            radix = 2
            rest = rest.dropFirst(2)
        } else if rest.count > 1, rest.first == "0" {
            radix = 8
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty, rest.first != "_" || radix != 10, rest.last != "_", !rest.contains("__") else {
            return nil
        }
        var magnitude: UInt64 = 0
        for character in rest where character != "_" {
            guard let digit = character.hexDigitValue, UInt64(digit) < radix else { return nil }
            let (product, overflowed) = magnitude.multipliedReportingOverflow(by: radix)
            let (sum, carried) = product.addingReportingOverflow(UInt64(digit))
            guard !overflowed, !carried else { return nil }
            magnitude = sum
        }
        return (negative, magnitude)
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}

/// The text of one cell of a CSV export, as both exports (the audit log's and the
/// subscribers') write it. They quote by different rules, but both need these.
///
/// Both look at bytes and scalars, not at `Character`s: `"\r\n"` is one `Character`, equal to
/// neither `"\r"` nor `"\n"`, and `=` followed by a combining mark is one `Character` too.
enum CSVCell {
    /// What a spreadsheet may take for the start of a formula (CSV injection): `=`, `+`, `-`,
    /// `@`, and a tab or a carriage return, which some spreadsheets skip before looking for one.
    private static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// `cell` with a `'` before it when a spreadsheet would run it as a formula, so that it shows
    /// the text as it is; any other cell unchanged.
    static func neutralised(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, formulaStarts.contains(first) else { return cell }
        return "'" + cell
    }

    /// `cell` in double quotes, each double quote in it doubled. (Foundation's
    /// `replacingOccurrences` misses a quote that a combining mark follows, which would end the
    /// cell early and let the rest of it become cells of their own.)
    static func quoted(_ cell: String) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "\"")]
        bytes.reserveCapacity(cell.utf8.count + 2)
        for byte in cell.utf8 {
            bytes.append(byte)
            if byte == UInt8(ascii: "\"") { bytes.append(byte) }
        }
        bytes.append(UInt8(ascii: "\""))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether `cell` holds a comma, a double quote or a line break, and so must be quoted.
    static func holdsSeparator(_ cell: String) -> Bool {
        cell.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0D || $0 == 0x0A }
    }
}

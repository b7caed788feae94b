import Foundation
import Testing

@testable import TidingsServer

/// The cells of both CSV exports: formulas neutralised, and quoting that no text can break out
/// of, judged by bytes and scalars rather than by `Character`s.
@Suite struct CSVCellTests {
    /// A quote followed by a combining mark is one `Character`, and `"\r\n"` is one too: quoting
    /// that compares characters misses both and lets the rest of the cell become a cell (or a
    /// row) of its own.
    static let breakouts = ["x\"\u{301},=1+1", "a\r\nb,c"]

    /// A quoted cell read back as a CSV reader reads it, byte by byte: the quotes around it
    /// dropped, each doubled quote made one again.
    static func unquoted(_ cell: String) -> String {
        var bytes: [UInt8] = []
        var pendingQuote = false
        for byte in cell.utf8.dropFirst().dropLast() {
            if byte == UInt8(ascii: "\""), !pendingQuote {
                pendingQuote = true
                continue
            }
            pendingQuote = false
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("a cell cannot break out of its quotes, in either export")
    func noBreakout() {
        #expect(CSVCell.quoted(Self.breakouts[0]) == "\"x\"\"\u{301},=1+1\"")
        for text in Self.breakouts {
            for written in [AuditCSV.quoted(text), SubscriberExportController.csvField(text)] {
                #expect(written == CSVCell.quoted(text), "\(written.debugDescription)")
                #expect(Self.unquoted(written) == text)
            }
        }
    }

    @Test("cells that start a formula get a leading ', in either export")
    func formulas() {
        for text in ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "\r\nx", "=\u{301}x"] {
            #expect(CSVCell.neutralised(text) == "'" + text, "\(text.debugDescription)")
            #expect(AuditCSV.quoted(text).contains("'" + text))
            #expect(SubscriberExportController.csvField(text).contains("'" + text))
        }
        for text in ["plain", " x", "x=1", "", "'=already"] {
            #expect(CSVCell.neutralised(text) == text)
        }
    }
}

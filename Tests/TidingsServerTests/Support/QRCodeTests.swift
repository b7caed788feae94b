import Testing

@testable import TidingsServer

/// The QR encoder's structure. (Whether a real decoder reads it is checked in the browser test,
/// which decodes the enrolment page's code with zbar.)
@Suite struct QRCodeTests {
    @Test("the version grows with the data: 14 bytes fit version 1-M, 15 need version 2, 412 fit 15, 413 do not")
    func versions() throws {
        #expect(try #require(QRCode(bytes: Array(repeating: 65, count: 14))).version == 1)
        #expect(try #require(QRCode(bytes: Array(repeating: 65, count: 15))).version == 2)
        #expect(try #require(QRCode(bytes: Array(repeating: 65, count: 122))).version == 7)
        #expect(try #require(QRCode(bytes: Array(repeating: 65, count: 412))).size == 77)
        #expect(QRCode(bytes: Array(repeating: 65, count: 413)) == nil)
    }

    @Test("finder patterns, timing patterns and both copies of the format information", arguments: [14, 60, 130, 300])
    func structure(length: Int) throws {
        let code = try #require(QRCode(bytes: (0..<length).map { UInt8($0 % 256) }))
        let size = code.size
        let modules = code.modules
        for (x, y) in [(0, 0), (size - 7, 0), (0, size - 7)] {
            for dy in 0..<7 {
                for dx in 0..<7 {
                    let ring = max(abs(dx - 3), abs(dy - 3))
                    #expect(modules[y + dy][x + dx] == (ring != 2), "finder at \(x),\(y)")
                }
            }
        }
        for i in 8..<(size - 8) {
            #expect(modules[6][i] == (i % 2 == 0))
            #expect(modules[i][6] == (i % 2 == 0))
        }
        #expect(modules[size - 8][8])  // the dark module
        // The two copies of the format bits agree and are a valid BCH code word for level M.
        var first = 0
        var second = 0
        let firstPositions = (0...5).map { ($0, 8) } + [(7, 8), (8, 8), (8, 7)] + (9..<15).map { (8, 14 - $0) }
        let secondPositions = (0..<8).map { (8, size - 1 - $0) } + (8..<15).map { (size - 15 + $0, 8) }
        for (i, (y, x)) in firstPositions.enumerated() where modules[y][x] { first |= 1 << i }
        for (i, (y, x)) in secondPositions.enumerated() where modules[y][x] { second |= 1 << i }
        #expect(first == second)
        let unmasked = first ^ 0x5412
        #expect(unmasked >> 13 == 0)  // level M
        var remainder = unmasked >> 10
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        #expect(remainder == unmasked & 0x3FF)
    }

    @Test("the SVG has a quiet zone and only numbers inside: safe to inline")
    func svg() throws {
        let code = try #require(QRCode(bytes: Array("otpauth://totp/Tidings:a?secret=ABC".utf8)))
        let svg = code.svg
        #expect(svg.contains("viewBox=\"0 0 \(code.size + 8) \(code.size + 8)\""))
        #expect(!svg.contains("otpauth") && !svg.contains("<script"))
    }
}

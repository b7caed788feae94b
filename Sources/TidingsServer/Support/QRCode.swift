/// A QR code (ISO/IEC 18004) of some bytes, in byte mode at error-correction level M, for the
/// TOTP enrolment page. Written from the standard: data and Reed–Solomon codewords interleaved
/// by block, function patterns, the zigzag placement, all eight masks scored by the penalty
/// rules, format and version information. Versions 1–15 (up to 412 bytes) are enough here.
/// The browser test decodes the rendered code with a real decoder (zbar).
struct QRCode {
    /// Dark modules, row by row (`modules[y][x]`).
    private(set) var modules: [[Bool]]
    let version: Int
    var size: Int { modules.count }

    /// Level M, per version 1…15: error-correction codewords per block, and blocks.
    private static let eccPerBlock = [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24]
    private static let blocks = [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10]

    /// `nil` when `bytes` do not fit version 15-M.
    init?(bytes: [UInt8]) {
        guard let version = (1...15).first(where: { Self.dataCapacity($0) * 8 >= Self.bitLength(bytes.count, $0) })
        else { return nil }
        self.version = version
        let size = version * 4 + 17
        modules = Array(repeating: Array(repeating: false, count: size), count: size)
        var function = modules
        drawFunctionPatterns(&function)
        let codewords = Self.interleaved(Self.dataCodewords(bytes, version: version), version: version)
        place(codewords, function: function)
        var best: (penalty: Int, mask: Int, modules: [[Bool]])?
        for mask in 0..<8 {
            var candidate = self
            candidate.apply(mask: mask, function: function)
            candidate.drawFormat(mask: mask)
            let penalty = candidate.penalty()
            if best == nil || penalty < best!.penalty { best = (penalty, mask, candidate.modules) }
        }
        modules = best!.modules
    }

    // MARK: Codewords

    private static func rawModules(_ version: Int) -> Int {
        var result = (16 * version + 128) * version + 64
        if version >= 2 {
            let alignments = version / 7 + 2
            result -= (25 * alignments - 10) * alignments - 55
            if version >= 7 { result -= 36 }
        }
        return result
    }

    private static func totalCodewords(_ version: Int) -> Int { rawModules(version) / 8 }

    private static func dataCapacity(_ version: Int) -> Int {
        totalCodewords(version) - eccPerBlock[version - 1] * blocks[version - 1]
    }

    private static func countBits(_ version: Int) -> Int { version < 10 ? 8 : 16 }

    private static func bitLength(_ count: Int, _ version: Int) -> Int { 4 + countBits(version) + count * 8 }

    /// Mode, count, the bytes, terminator and padding, as data codewords.
    private static func dataCodewords(_ bytes: [UInt8], version: Int) -> [UInt8] {
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) {
            for shift in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> shift) & 1 == 1) }
        }
        append(0b0100, 4)
        append(bytes.count, countBits(version))
        for byte in bytes { append(Int(byte), 8) }
        let capacity = dataCapacity(version) * 8
        append(0, min(4, capacity - bits.count))
        append(0, (8 - bits.count % 8) % 8)
        var codewords = stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<start + 8].reduce(UInt8(0)) { ($0 << 1) | ($1 ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while codewords.count < capacity / 8 {
            codewords.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return codewords
    }

    /// Splits the data into blocks, adds each block's error correction, and interleaves them.
    private static func interleaved(_ data: [UInt8], version: Int) -> [UInt8] {
        let blockCount = blocks[version - 1]
        let eccLength = eccPerBlock[version - 1]
        let total = totalCodewords(version)
        let shortBlocks = blockCount - total % blockCount
        let shortLength = total / blockCount
        let generator = ReedSolomon.generator(degree: eccLength)
        var dataBlocks: [[UInt8]] = []
        var eccBlocks: [[UInt8]] = []
        var offset = 0
        for index in 0..<blockCount {
            let length = shortLength - eccLength + (index < shortBlocks ? 0 : 1)
            let block = Array(data[offset..<offset + length])
            offset += length
            dataBlocks.append(block)
            eccBlocks.append(ReedSolomon.remainder(block, generator: generator))
        }
        var result: [UInt8] = []
        for column in 0..<(shortLength - eccLength + 1) {
            for block in dataBlocks where column < block.count { result.append(block[column]) }
        }
        for column in 0..<eccLength {
            for block in eccBlocks { result.append(block[column]) }
        }
        return result
    }

    // MARK: Drawing

    private mutating func set(_ x: Int, _ y: Int, _ dark: Bool, _ function: inout [[Bool]]) {
        modules[y][x] = dark
        function[y][x] = true
    }

    private mutating func drawFunctionPatterns(_ function: inout [[Bool]]) {
        let size = self.size
        for i in 0..<size {
            set(6, i, i % 2 == 0, &function)
            set(i, 6, i % 2 == 0, &function)
        }
        for (x, y) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            for dy in -4...4 {
                for dx in -4...4 {
                    let distance = max(abs(dx), abs(dy))
                    let (xx, yy) = (x + dx, y + dy)
                    if (0..<size).contains(xx), (0..<size).contains(yy) {
                        set(xx, yy, distance != 2 && distance != 4, &function)
                    }
                }
            }
        }
        let centres = alignmentCentres()
        for (i, cx) in centres.enumerated() {
            for (j, cy) in centres.enumerated() {
                let last = centres.count - 1
                if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                for dy in -2...2 {
                    for dx in -2...2 { set(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1, &function) }
                }
            }
        }
        // Reserve the format areas (drawn for real once the mask is chosen) and the dark module.
        for i in 0..<9 {
            function[i][8] = true
            function[8][i] = true
        }
        for i in 0..<8 {
            function[8][size - 1 - i] = true
            function[size - 1 - i][8] = true
        }
        set(8, size - 8, true, &function)
        if version >= 7 {
            var remainder = version
            for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
            let bits = version << 12 | remainder
            for i in 0..<18 {
                let dark = (bits >> i) & 1 == 1
                let a = size - 11 + i % 3
                let b = i / 3
                set(a, b, dark, &function)
                set(b, a, dark, &function)
            }
        }
    }

    private func alignmentCentres() -> [Int] {
        guard version >= 2 else { return [] }
        let count = version / 7 + 2
        let step = (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        var result = [6]
        var position = size - 7
        for _ in 0..<(count - 1) {
            result.insert(position, at: 1)
            position -= step
        }
        return result
    }

    /// The zigzag: two columns at a time from the right, up then down, skipping column 6.
    private mutating func place(_ codewords: [UInt8], function: [[Bool]]) {
        var bit = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for step in 0..<size {
                for offset in 0..<2 {
                    let x = right - offset
                    let upward = (right + 1) & 2 == 0
                    let y = upward ? size - 1 - step : step
                    guard !function[y][x], bit < codewords.count * 8 else { continue }
                    modules[y][x] = (codewords[bit >> 3] >> (7 - (bit & 7))) & 1 == 1
                    bit += 1
                }
            }
            right -= 2
        }
    }

    private mutating func apply(mask: Int, function: [[Bool]]) {
        for y in 0..<size {
            for x in 0..<size where !function[y][x] {
                let flip: Bool
                switch mask {
                case 0: flip = (x + y) % 2 == 0
                case 1: flip = y % 2 == 0
                case 2: flip = x % 3 == 0
                case 3: flip = (x + y) % 3 == 0
                case 4: flip = (x / 3 + y / 2) % 2 == 0
                case 5: flip = x * y % 2 + x * y % 3 == 0
                case 6: flip = (x * y % 2 + x * y % 3) % 2 == 0
                default: flip = ((x + y) % 2 + x * y % 3) % 2 == 0
                }
                if flip { modules[y][x].toggle() }
            }
        }
    }

    /// The 15 format bits (level M, `mask`), in both copies.
    private mutating func drawFormat(mask: Int) {
        let data = mask  // level M's two bits are 00
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        for i in 0...5 { modules[i][8] = bit(i) }
        modules[7][8] = bit(6)
        modules[8][8] = bit(7)
        modules[8][7] = bit(8)
        for i in 9..<15 { modules[8][14 - i] = bit(i) }
        for i in 0..<8 { modules[8][size - 1 - i] = bit(i) }
        for i in 8..<15 { modules[size - 15 + i][8] = bit(i) }
        modules[size - 8][8] = true
    }

    /// The standard's penalty: runs of five or more, 2×2 blocks, finder-like patterns, and
    /// imbalance between dark and light.
    private func penalty() -> Int {
        var score = 0
        let finderLike: [Bool] = [true, false, true, true, true, false, true, false, false, false, false]
        for transposed in [false, true] {
            for a in 0..<size {
                var run = 0
                var previous: Bool?
                var line: [Bool] = []
                for b in 0..<size {
                    let dark = transposed ? modules[b][a] : modules[a][b]
                    line.append(dark)
                    if dark == previous {
                        run += 1
                        if run == 5 { score += 3 } else if run > 5 { score += 1 }
                    } else {
                        run = 1
                        previous = dark
                    }
                }
                for start in 0...(size - finderLike.count) {
                    let window = Array(line[start..<start + finderLike.count])
                    if window == finderLike || window == finderLike.reversed() { score += 40 }
                }
            }
        }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let dark = modules[y][x]
                if dark == modules[y][x + 1], dark == modules[y + 1][x], dark == modules[y + 1][x + 1] { score += 3 }
            }
        }
        let dark = modules.reduce(0) { $0 + $1.filter { $0 }.count }
        let total = size * size
        let steps = (abs(dark * 20 - total * 10) + total - 1) / total - 1  // each 5% away from half
        return score + max(0, steps) * 10
    }

    /// An SVG drawing, with a quiet zone of four modules, for `<img>` or inline use.
    var svg: String {
        var path = ""
        for y in 0..<size {
            for x in 0..<size where modules[y][x] { path += "M\(x + 4),\(y + 4)h1v1h-1z" }
        }
        let side = size + 8
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges">\
            <rect width="\(side)" height="\(side)" fill="#fff"/><path d="\(path)" fill="#000"/></svg>
            """
    }
}

/// Reed–Solomon over GF(2⁸) with the QR polynomial x⁸+x⁴+x³+x²+1.
private enum ReedSolomon {
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var result = 0
        for shift in stride(from: 7, through: 0, by: -1) {
            result = (result << 1) ^ ((result >> 7) * 0x11D)
            result ^= ((Int(b) >> shift) & 1) * Int(a)
        }
        return UInt8(result & 0xFF)
    }

    /// The generator polynomial's coefficients, highest power first (the leading 1 omitted).
    static func generator(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = multiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    static func remainder(_ data: [UInt8], generator: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: generator.count)
        for byte in data {
            let factor = byte ^ result.removeFirst()
            result.append(0)
            for i in 0..<result.count { result[i] ^= multiply(generator[i], factor) }
        }
        return result
    }
}
